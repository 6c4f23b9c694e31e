"""The care team's view of between-session practice."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bravely.accounts.selectors import get_admin_membership
from bravely.audit.services import Actor, record
from bravely.clients.selectors import can_edit, get_client
from bravely.core.forms import add_service_errors
from bravely.core.pagination import paginate
from bravely.planning.selectors.safety import current_safety
from bravely.practice import risk, selectors, services
from bravely.practice.forms import (
    CheckInSettingsForm,
    CloseAlertForm,
    PracticeLogForm,
    answered_risk,
)


@login_required
def client_practice(request, pk):
    client = get_client(request.user, pk)
    page = paginate(request, selectors.logs(client))
    record(Actor.from_request(request), "view", client, object_type="practice_logs",
           details={"log_ids": [log.pk for log in page]})
    return render(request, "practice/client_practice.html", {
        "client": client, "page": page, "querystring": "",
        "alerts": selectors.open_alerts(client),
        "check_ins": client.check_ins.select_related("entered_by")[:10],
        "journal": client.journal.select_related("value")[:10],
        "stops": client.stop_events.select_related("assignment__rung")[:10],
        "can_edit": can_edit(request.user, client),
        "rungs": selectors.loggable_rungs(client),
    })


@login_required
def log_detail(request, pk, log_pk):
    client = get_client(request.user, pk)
    log = get_object_or_404(selectors.logs(client), pk=log_pk)
    record(Actor.from_request(request), "view", log, client=client)
    return render(request, "practice/log_detail.html", {"client": client, "log": log})


@login_required
def log_in_session(request, pk, rung_pk):
    """The clinician records a practice done in session, with the same form as the client."""
    client = get_client(request.user, pk, write=True)
    rung = get_object_or_404(selectors.loggable_rungs(client), pk=rung_pk)
    if request.method == "GET":
        record(Actor.from_request(request), "view", rung, client=client)
    safety = current_safety(client)
    form = PracticeLogForm(request.POST or None, client=client, rung=rung, safety=safety,
                           initial={"idempotency_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        try:
            log, _created = services.submit_log(
                Actor.from_request(request), client, rung, form.log_data(),
                idempotency_key=form.cleaned_data["idempotency_key"], source="session")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Practice recorded."))
            return redirect("log_detail", pk=client.pk, log_pk=log.pk)
    elif request.method == "POST" and risk.refused(
            Actor.from_request(request), client, risk.LOG, answered_risk(form, "risk_flag"),
            in_session=True):
        messages.warning(request, _("The risk answer was sent to the care team as an alert "
                                    "(raised in session); the practice itself is not saved yet."))
    return render(request, "practice/log_in_session.html",
                  {"client": client, "rung": rung, "form": form})


@login_required
def close_alert(request, pk, alert_pk):
    client = get_client(request.user, pk, write=True)
    alert = get_object_or_404(client.risk_alerts, pk=alert_pk)
    if request.method == "GET":
        record(Actor.from_request(request), "view", alert, client=client)
    form = CloseAlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_risk_alert(Actor.from_request(request), alert,
                                      form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Risk alert closed; your note is kept."))
            return redirect("client_practice", pk=client.pk)
    return render(request, "practice/close_alert.html",
                  {"client": client, "alert": alert, "form": form})


@login_required
def check_in_settings(request):
    membership = get_admin_membership(request.user)
    settings = selectors.check_in_settings(membership.practice)
    form = CheckInSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_check_in_settings(Actor.from_request(request), membership.practice,
                                              {f: form.cleaned_data[f] for f in form.fields})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Check-in settings saved."))
            return redirect("check_in_settings")
    return render(request, "practice/check_in_settings.html", {"form": form})
