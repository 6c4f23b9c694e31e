"""The care team's maintenance pages, under /clients/<pk>/maintenance/. Thin: scope through
`clients.selectors.get_client`, call a selector or a service, render; every read is audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.accounts.models import Role
from bravely.accounts.selectors import membership_of
from bravely.audit.services import Actor, record
from bravely.clients.selectors import can_edit, get_client
from bravely.core.forms import add_service_errors
from bravely.core.params import text_param
from bravely.maintenance import reminders, selectors, services
from bravely.maintenance.forms import (
    LISTS,
    BoosterForm,
    GuidanceForm,
    ItemForm,
    OfferForm,
    PhaseForm,
    PlanForm,
    PracticeSettingsForm,
    ScheduleForm,
    rows_for_display,
)
from bravely.maintenance.models import RelapsePlanAcknowledgement
from bravely.portal.selectors import supports_of
from bravely.practice.selectors import check_in_settings


def _actor(request):
    return Actor.from_request(request)


def _phase_or_404(client):
    phase = selectors.phase_of(client)
    if phase is None:
        raise Http404
    return phase


@login_required
def overview(request, pk):
    client = get_client(request.user, pk)
    record(_actor(request), "view", client, object_type="maintenance_overview")
    plan = selectors.current_plan(client)
    return render(request, "maintenance/overview.html", {
        "client": client, "phase": selectors.phase_of(client), "plan": plan,
        "acknowledged": selectors.acknowledged_in_portal(plan),
        "agreement": selectors.latest_agreement(plan),
        "items": list(selectors.items(client)[:60]),
        "counts": selectors.planned_vs_done(client),
        "lifestyle": list(selectors.lifestyle(client, 10)),
        "boosters": list(selectors.boosters(client)),
        "offers": list(selectors.open_offers(client).select_related("booster")),
        "supports": _supports(client),
        "preference": selectors.reminder_preference(client),
        "failed_reminders": reminders.failed_reminders(client).count(),
        "can_edit": can_edit(request.user, client),
    })


def _supports(client):
    supports = [s for s in supports_of(client) if s.is_active]
    latest = selectors.latest_guidance(supports)
    return [(s, latest.get(s.pk)) for s in supports]


def plan_lists(entries: dict) -> list[dict]:
    return [{"name": name, "legend": legend, "labels": (first[1], second[1]),
             "rows": rows_for_display(entries.get(name, []), name, (first[0], second[0]))}
            for name, legend, first, second in LISTS]


@login_required
def plan_edit(request, pk):
    """Write the relapse-prevention plan with the client: Bravely's suggestions first, then
    every save is a new version."""
    client = get_client(request.user, pk, write=True)
    current = selectors.current_plan(client)
    suggested = selectors.suggestions(client)
    source = current.__dict__ if current else suggested
    initial = {k: source.get(k, "") for k in ("life_vision", "lapse_note", "safety_note")}
    initial["based_on"] = current.version if current else None
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.save_plan(_actor(request), client, form.plan_data(),
                                      based_on=form.cleaned_data["based_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan saved as version %(v)s. The client can read and "
                                        "agree to it in the portal.") % {"v": plan.version})
            return redirect("maintenance_overview", pk=client.pk)
    else:
        record(_actor(request), "view", client, object_type="maintenance_plan_form")
    entries = form.lists if form.is_bound else {
        name: (getattr(current, name) if current else suggested[name])
        for name, *_rest in LISTS}
    return render(request, "maintenance/plan_form.html", {
        "client": client, "form": form, "current": current, "lists": plan_lists(entries),
        "mastered": suggested["mastered"], "safety": suggested["safety"]})


@login_required
def plan_history(request, pk):
    client = get_client(request.user, pk)
    record(_actor(request), "view", client, object_type="maintenance_plan_history")
    return render(request, "maintenance/plan_history.html", {
        "client": client, "versions": list(selectors.plan_versions(client)),
        "portal": RelapsePlanAcknowledgement.Method.PORTAL})


@login_required
@require_POST
def plan_agreed(request, pk):
    """The client agreed to the current plan in session; the clinician records it."""
    client = get_client(request.user, pk, write=True)
    plan = selectors.current_plan(client)
    if plan is None:
        raise Http404
    try:
        services.acknowledge_plan(_actor(request), plan,
                                  method=RelapsePlanAcknowledgement.Method.SESSION,
                                  note=text_param(request.POST, "note", max_length=5000))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Recorded: the client agreed to version %(v)s in session.")
                         % {"v": plan.version})
    return redirect("maintenance_overview", pk=client.pk)


@login_required
def schedule(request, pk):
    client = get_client(request.user, pk, write=True)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.build_schedule(
                _actor(request), client, per_week=data["per_week"], weeks=data["weeks"],
                contexts=form.context_lines(), tolerable=data["tolerable"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(n)s maintenance practices planned.") % {
                "n": len(created)})
            return redirect("maintenance_overview", pk=client.pk)
    else:
        record(_actor(request), "view", client, object_type="maintenance_schedule_form")
    return render(request, "maintenance/schedule_form.html", {
        "client": client, "form": form,
        "rungs": selectors.maintenance_rung_choices(client)})


@login_required
def item_edit(request, pk, item_pk):
    client = get_client(request.user, pk, write=True)
    item = selectors.get_item(client, item_pk)
    form = ItemForm(request.POST or None, initial={"planned_on": item.planned_on,
                                                   "context": item.context})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_item(_actor(request), item, planned_on=data["planned_on"],
                                 context=data["context"], cancel=data["cancel"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Maintenance practice changed."))
            return redirect("maintenance_overview", pk=client.pk)
    else:
        record(_actor(request), "view", item, client=client)
    return render(request, "maintenance/simple_form.html", {
        "client": client, "item": item, "form": form,
        "title": _("Maintenance practice: %(rung)s") % {"rung": item.rung.behaviour}})


@login_required
def phase_edit(request, pk):
    client = get_client(request.user, pk, write=True)
    phase = _phase_or_404(client)
    form = PhaseForm(request.POST or None, initial={
        "started_on": phase.started_on, "responded_not_remitted": phase.responded_not_remitted,
        "booster_weeks": ", ".join(str(w) for w in phase.booster_weeks or [])})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_phase(_actor(request), phase, booster_weeks=data["booster_weeks"],
                                  started_on=data["started_on"],
                                  responded_not_remitted=data["responded_not_remitted"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Booster schedule saved."))
            return redirect("maintenance_overview", pk=client.pk)
    else:
        record(_actor(request), "view", phase, client=client)
    weeks = ", ".join(str(w) for w in selectors.settings_for(client.practice).booster_weeks)
    return render(request, "maintenance/simple_form.html", {
        "client": client, "phase": phase, "form": form, "title": _("Booster check-ins"),
        "intro": _("The practice's schedule: %(weeks)s weeks after active treatment ends. A "
                   "booster already done is kept.") % {"weeks": weeks}})


def booster_form(request, client, booster, *, data):
    plan = selectors.current_plan(client)
    statements = list(client.value_statements.filter(archived_at__isnull=True)
                      .order_by("rank", "id")[:3])
    return BoosterForm(data, client=client, rungs=selectors.top_rungs(client),
                       statements=statements,
                       signs=[w["sign"] for w in (plan.warning_signs if plan else [])],
                       question=check_in_settings(client.practice).risk_question)


@login_required
def booster_record(request, pk, booster_pk):
    """The booster check-in recorded in session with the client."""
    client = get_client(request.user, pk, write=True)
    booster = selectors.get_booster(client, booster_pk)
    form = booster_form(request, client, booster, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_booster(_actor(request), booster, **form.booster_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Booster check-in recorded."))
            return redirect("maintenance_overview", pk=client.pk)
    else:
        record(_actor(request), "view", booster, client=client)
    return render(request, "maintenance/booster_form.html", {
        "client": client, "booster": booster, "form": form, "portal": False})


@login_required
@require_POST
def offer_decide(request, pk, offer_pk):
    client = get_client(request.user, pk, write=True)
    offer = selectors.get_offer(client, offer_pk)
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            services.decide_offer(_actor(request), offer, status=form.cleaned_data["status"],
                                  note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Decision recorded."))
    else:
        messages.error(request, _("Choose whether a booster session was offered."))
    return redirect("maintenance_overview", pk=client.pk)


@login_required
def guidance_edit(request, pk, support_pk):
    """What a support person can do to reinforce progress, and what not to do (with the
    client's consent); shown to them beside their summary."""
    client = get_client(request.user, pk, write=True)
    support = get_object_or_404(client.supports.filter(revoked_at__isnull=True), pk=support_pk)
    latest = selectors.guidance_for(support)
    form = GuidanceForm(request.POST or None, initial={
        "helps": getattr(latest, "helps", ""), "avoid": getattr(latest, "avoid", ""),
        "consent_note": getattr(latest, "consent_note", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_guidance(_actor(request), support, helps=data["helps"],
                                   avoid=data["avoid"], consent_note=data["consent_note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Guidance saved; %(name)s sees it beside the summary.")
                             % {"name": support.name})
            return redirect("maintenance_overview", pk=client.pk)
    else:
        record(_actor(request), "view", support, client=client)
    return render(request, "maintenance/simple_form.html", {
        "client": client, "support": support, "form": form,
        "title": _("How %(name)s can help") % {"name": support.name},
        "intro": _("%(name)s sees this beside the summary the client shares; the client can "
                   "stop sharing at any time.") % {"name": support.name}})


@login_required
def practice_settings(request):
    """The practice's booster schedule (admins)."""
    membership = membership_of(request.user)
    if membership is None or membership.role != Role.ADMIN:
        raise Http404
    current = selectors.settings_for(membership.practice)
    form = PracticeSettingsForm(request.POST or None, initial={
        "booster_weeks": ", ".join(str(w) for w in current.booster_weeks)})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_practice_settings(_actor(request), membership.practice,
                                              form.cleaned_data["booster_weeks"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Booster schedule saved."))
            return redirect("maintenance_settings")
    return render(request, "maintenance/simple_form.html", {
        "form": form, "title": _("Maintenance: booster check-ins"),
        "intro": _("The practice's default schedule of booster check-ins; each client's can be "
                   "changed on their maintenance page.")})
