"""The care team's measure pages and the practice's instrument list. Thin: scope, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.accounts.selectors import get_admin_membership, membership_of
from bravely.audit.services import Actor, record
from bravely.clients.selectors import can_edit, get_client
from bravely.core.forms import add_service_errors
from bravely.measures import selectors, services
from bravely.measures.forms import EntryForm, ImportForm, ScheduleForm
from bravely.practice import risk
from bravely.practice.selectors import open_alerts


@login_required
def instrument_list(request):
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    services.ensure_builtins()
    return render(request, "measures/instruments.html", {
        "instruments": selectors.instruments(membership.practice),
        "is_admin": membership.role == "admin",
    })


def _upload(form, name):
    return services.read_json_file(form.cleaned_data.get(name), name)


@login_required
def instrument_import(request):
    membership = get_admin_membership(request.user)
    practice = membership.practice
    services.ensure_builtins()
    instruments = selectors.instruments(practice)
    form = ImportForm(request.POST or None, request.FILES or None, instruments=instruments)
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request)
        upload = form.cleaned_data.get("questionnaire")
        try:
            if form.cleaned_data["kind"] == ImportForm.KIND_WORDING:
                instrument = selectors.get_instrument(practice, form.cleaned_data["instrument"])
                services.import_wording(actor, practice, instrument,
                                        _upload(form, "questionnaire"),
                                        licence_note=form.cleaned_data["licence_note"],
                                        file_name=upload.name)
            else:
                questionnaire = _upload(form, "questionnaire") if upload else None
                instrument = services.import_instrument(
                    actor, practice, _upload(form, "definition"), questionnaire,
                    licence_note=form.cleaned_data["licence_note"],
                    file_name=upload.name if upload else "")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Imported for %(name)s.") % {"name": instrument.name})
            return redirect("measure_instruments")
    return render(request, "measures/import.html", {"form": form})


@login_required
def client_measures(request, pk):
    client = get_client(request.user, pk)
    rows = selectors.history(client)
    record(Actor.from_request(request), "view", client, object_type="measures",
           details={"administration_ids": [r.administration.pk for r in rows]})
    services.ensure_builtins()
    return render(request, "measures/client_measures.html", {
        "client": client, "rows": rows, "can_edit": can_edit(request.user, client),
        "open": selectors.open_administrations(client),
        "schedules": selectors.schedules(client),
        "off_track": selectors.off_track(client),
        "instruments": selectors.instruments(client.practice),
        "alerts": open_alerts(client),
    })


@login_required
def schedule(request, pk):
    client = get_client(request.user, pk, write=True)
    services.ensure_builtins()
    instruments = selectors.instruments(client.practice)
    form = ScheduleForm(request.POST or None, instruments=instruments)
    if request.method == "GET":
        record(Actor.from_request(request), "view", client, object_type="measure_schedule")
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_measure(
                Actor.from_request(request), client,
                selectors.get_instrument(client.practice, form.cleaned_data["instrument"]),
                starts_on=form.cleaned_data["starts_on"], every_weeks=form.every_weeks_value,
                review_after_weeks=form.cleaned_data["review_after_weeks"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Measure scheduled."))
            return redirect("client_measures", client.pk)
    return render(request, "measures/schedule.html", {"client": client, "form": form})


@login_required
@require_POST
def end_schedule(request, pk, schedule_pk):
    """Stop a schedule: nothing more is sent; what was answered stays in the history."""
    client = get_client(request.user, pk, write=True)
    schedule = selectors.get_schedule(client, schedule_pk)
    services.end_schedule(Actor.from_request(request), schedule)
    messages.success(request, _("Schedule ended: %(name)s is no longer sent.")
                     % {"name": schedule.instrument.name})
    return redirect("client_measures", client.pk)


@login_required
def enter(request, pk, instrument_pk):
    """Scores from the paper form, entered by the care team."""
    client = get_client(request.user, pk, write=True)
    instrument = selectors.get_instrument(client.practice, instrument_pk)
    items = selectors.item_labels(instrument, selectors.wording_for(client.practice, instrument))
    form = EntryForm(request.POST or None, items=items)
    actor = Actor.from_request(request)
    if request.method == "GET":
        record(actor, "view", client, object_type="measure_entry",
               details={"instrument": instrument.code})
    risk_told = False
    if request.method == "POST" and form.is_valid():
        try:
            administration = services.enter_from_paper(
                actor, client, instrument, form.answers(items),
                completed_on=form.cleaned_data["completed_on"])
        except ValidationError as error:
            add_service_errors(form, error)
            risk_told = services.signals_risk(instrument.rules, form.answers(items))
        else:
            if administration.risk_alert_id:
                messages.warning(request, _(
                    "A risk item was answered above 0: a risk alert was raised for the care "
                    "team. Assess risk before the session ends."))
            messages.success(request, _("Scores saved: total %(total)s.")
                             % {"total": administration.total})
            return redirect("client_measures", client.pk)
    elif request.method == "POST":
        raw = {item["id"]: request.POST.get(item["id"]) for item in items}
        if services.signals_risk(instrument.rules, raw):
            risk.raise_unlinked_alert(actor, client, risk.MEASURE, in_session=True)
            risk_told = True
    return render(request, "measures/enter.html", {
        "client": client, "instrument": instrument, "form": form, "items": items,
        "risk_told": risk_told})
