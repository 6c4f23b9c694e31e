"""The client's own maintenance pages (/me/...), and the unsubscribe link of reminder e-mails
(no sign-in needed)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.core.forms import add_service_errors
from bravely.maintenance import reminders, selectors, services
from bravely.maintenance.forms import LifestyleForm, ReminderForm
from bravely.maintenance.models import RelapsePlanAcknowledgement
from bravely.maintenance.views import booster_form
from bravely.planning.selectors.safety import current_safety
from bravely.portal.selectors import own_client
from bravely.practice import risk
from bravely.practice.forms import PracticeLogForm, answered_risk


def _actor(request):
    return Actor.from_request(request, via="portal")


@login_required
def relapse_plan(request):
    """The client reads the plan for keeping their gains and agrees to the version in force."""
    client = own_client(request.user)
    plan = selectors.current_plan(client)
    if request.method == "POST" and plan is not None:
        try:
            services.acknowledge_plan(_actor(request), plan,
                                      method=RelapsePlanAcknowledgement.Method.PORTAL,
                                      note=request.POST.get("note", "")[:500])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: your clinician can see that you read and "
                                        "agreed to this plan."))
        return redirect("portal_relapse_plan")
    record(_actor(request), "view", client, object_type="portal_relapse_plan")
    return render(request, "maintenance/portal_plan.html", {
        "client": client, "plan": plan, "acknowledged": selectors.acknowledged_in_portal(plan)})


@login_required
def maintenance(request):
    client = own_client(request.user)
    record(_actor(request), "view", client, object_type="portal_maintenance")
    return render(request, "maintenance/portal_maintenance.html", {
        "client": client, "due": list(selectors.due_items(client)),
        "counts": selectors.planned_vs_done(client),
        "booster": selectors.due_booster(client),
        "lifestyle": list(selectors.lifestyle(client, 10)),
    })


@login_required
def log_item(request, item_pk):
    """Log a planned maintenance practice: the same form and the same service as any practice."""
    client = own_client(request.user)
    item = selectors.get_item(client, item_pk)
    if item.is_done:
        messages.info(request, _("This practice is logged already."))
        return redirect("portal_maintenance")
    rung = item.rung
    safety = current_safety(client)
    form = PracticeLogForm(request.POST or None, client=client, rung=rung, safety=safety,
                           initial={"idempotency_key": uuid.uuid4().hex})
    risk_told = False
    if request.method == "POST" and form.is_valid():
        try:
            log, _created = services.log_item(
                _actor(request), item, form.log_data(),
                idempotency_key=form.cleaned_data["idempotency_key"], source="portal")
        except ValidationError as error:
            add_service_errors(form, error)
            risk_told = bool(form.cleaned_data.get("risk_flag"))
        else:
            from bravely.portal.client_views import after_log_saved

            return after_log_saved(request, client, log,
                                   _("Practice saved. Well done for keeping it up."),
                                   "portal_maintenance")
    elif request.method == "POST":
        risk_told = risk.refused(_actor(request), client, risk.LOG,
                                 answered_risk(form, "risk_flag"))
    else:
        record(_actor(request), "view", client, object_type="portal_maintenance_log")
    context = {}
    if risk_told:
        from bravely.portal.client_views import safety_context

        context = safety_context(client)
    return render(request, "portal/log_form.html", {
        "client": client, "assignment": None, "rung": rung, "form": form,
        "values": rung.values.all(), "restored": False, "risk_told": risk_told, **context})


@login_required
def lifestyle(request):
    """An everyday exposure in a few taps: what, what it served, how high the distress went."""
    client = own_client(request.user)
    statements = list(client.value_statements.filter(archived_at__isnull=True)
                      .order_by("rank", "id")[:6])
    form = LifestyleForm(request.POST or None, client=client, statements=statements,
                         initial={"idempotency_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        try:
            services.log_lifestyle(_actor(request), client, form.lifestyle_data(),
                                   idempotency_key=form.cleaned_data["idempotency_key"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. Everyday courage counts."))
            return redirect("portal_maintenance")
    elif request.method == "GET":
        record(_actor(request), "view", client, object_type="portal_lifestyle")
    return render(request, "maintenance/portal_lifestyle.html", {"client": client,
                                                                 "form": form})


@login_required
def booster(request, booster_pk):
    client = own_client(request.user)
    found = selectors.get_booster(client, booster_pk)
    if found.is_done:
        messages.info(request, _("This check-in is done already. Thank you."))
        return redirect("portal_maintenance")
    form = booster_form(request, client, found, data=request.POST or None)
    from bravely.portal.client_views import safety_context

    if request.method == "POST" and form.is_valid():
        try:
            done = services.record_booster(_actor(request), found, **form.booster_data())
        except ValidationError as error:
            add_service_errors(form, error)
            if form.cleaned_data.get("risk"):  # the one risk path told the care team
                return render(request, "portal/support_now.html",
                              {"client": client, **safety_context(client)})
        else:
            if done.risk:
                return render(request, "portal/support_now.html",
                              {"client": client, **safety_context(client)})
            messages.success(request, _("Thank you for checking in. Your clinician will see "
                                        "it."))
            return redirect("portal_maintenance")
    elif request.method == "POST" and risk.refused(_actor(request), client, risk.BOOSTER,
                                                   answered_risk(form, "risk")):
        return render(request, "portal/support_now.html",
                      {"client": client, **safety_context(client)})
    elif request.method == "GET":
        record(_actor(request), "view", found, client=client)
    return render(request, "maintenance/booster_form.html", {
        "client": client, "booster": found, "form": form, "portal": True})


@login_required
def reminder_settings(request):
    client = own_client(request.user)
    pref = selectors.reminder_preference(client)
    form = ReminderForm(request.POST or None, initial={
        "enabled": pref.enabled, "quiet_from": pref.quiet_from,
        "quiet_until": pref.quiet_until})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_reminders(_actor(request), client, enabled=data["enabled"],
                                   quiet_from=data["quiet_from"],
                                   quiet_until=data["quiet_until"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Reminder settings saved."))
            return redirect("portal_reminders")
    elif request.method == "GET":
        record(_actor(request), "view", client, object_type="portal_reminders")
    return render(request, "maintenance/portal_reminders.html", {
        "client": client, "form": form, "preference": pref})


def unsubscribe(request, token):
    """From a reminder e-mail, without signing in. GET asks, POST stops the reminders (a link
    scanner following the GET changes nothing). A forged link is refused; a reused one says
    reminders are already off."""
    client = reminders.client_from_token(token)
    if client is None:
        return render(request, "maintenance/unsubscribe.html", {"invalid": True}, status=400)
    pref = selectors.reminder_preference(client)
    done = False
    if request.method == "POST":
        services.unsubscribe(client)
        done = True
    return render(request, "maintenance/unsubscribe.html", {
        "invalid": False, "done": done, "already": not pref.enabled and not done})
