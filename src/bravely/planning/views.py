"""Planning pages. Thin: scope through selectors, write through services, audit every view."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.accounts.selectors import get_admin_membership
from bravely.audit.services import Actor, record
from bravely.clients.selectors import can_edit, current_consent, get_client
from bravely.core.forms import add_service_errors
from bravely.planning import selectors, services
from bravely.planning.forms import (
    AcknowledgeSafetyForm,
    AssessmentForm,
    AssignmentForm,
    CancelForm,
    ClearanceForm,
    CopingSkillFormSet,
    CrisisResourceForm,
    DeclineForm,
    GoalForm,
    PaceForm,
    PlanForm,
    PlanningSettingsForm,
    RationaleForm,
    ReadinessForm,
    ResolveDeclineForm,
    RungForm,
    SafetyForm,
    StatementForm,
    SupportContactFormSet,
    ValueDomainForm,
    WarningAckForm,
)
from bravely.planning.models import (
    CrisisResource,
    ExposurePlan,
    HomeworkAssignment,
    ValueDomain,
)


def _actor(request):
    return Actor.from_request(request)


def _viewed(request, obj, client, **details):
    record(_actor(request), "view", obj, client=client, details=details or None)


# --- overview -----------------------------------------------------------------------------------


@login_required
def planning_overview(request, pk):
    client = get_client(request.user, pk)
    _viewed(request, client, client, page="planning")
    latest = selectors.assessments(client).first()
    safety = selectors.current_safety(client)
    plans = selectors.plans(client).annotate(
        rung_count=Count("rungs", distinct=True),
        mastered=Count("rungs", filter=Q(rungs__status="mastered"), distinct=True))
    return render(request, "planning/overview.html", {
        "client": client,
        "can_edit": can_edit(request.user, client),
        "latest": latest,
        "goals": selectors.goals(client).filter(status="active"),
        "safety": safety,
        "acknowledged": safety is not None and safety.acknowledgements.exists(),
        "holds": services.open_holds(client),
        "plans": plans,
        "assignments": selectors.assignments(client).filter(
            status=HomeworkAssignment.Status.ACTIVE),
        "consent": current_consent(client),
    })


# --- values -------------------------------------------------------------------------------------


@login_required
def values_list(request, pk):
    client = get_client(request.user, pk)
    assessments = list(selectors.assessments(client)[:6])
    _viewed(request, client, client, page="values",
            assessments=[a.pk for a in assessments])
    compared = selectors.comparison(assessments) if assessments else None
    return render(request, "planning/values_list.html", {
        "client": client, "can_edit": can_edit(request.user, client),
        "assessments": assessments, "compared": compared,
        "goals": selectors.goals(client),
        "statements": selectors.statements(client),
    })


@login_required
def values_new(request, pk):
    client = get_client(request.user, pk, write=True)
    services.seed_value_domains(client.practice)
    form = AssessmentForm(request.POST or None, domains=selectors.domains(client.practice))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.create_assessment(
                _actor(request), client, ratings=form.cleaned_data["ratings"],
                assessed_on=form.cleaned_data["assessed_on"],
                source=form.cleaned_data["source"], note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Values assessment saved. Add the client's value "
                                        "statements next."))
            return redirect("values_detail", pk=client.pk, assessment_pk=assessment.pk)
    if request.method != "POST":
        _viewed(request, client, client, page="values_new")
    return render(request, "planning/values_form.html", {"client": client, "form": form})


@login_required
def values_detail(request, pk, assessment_pk):
    client, assessment = selectors.get_assessment(request.user, pk, assessment_pk)
    _viewed(request, assessment, client)
    rows, result, candidates = selectors.scored_rows(assessment)
    editable = can_edit(request.user, client)
    form = StatementForm(practice=client.practice,
                         initial={"rank": assessment.statements.count() + 1}) if editable else None
    return render(request, "planning/values_detail.html", {
        "client": client, "assessment": assessment, "rows": rows, "result": result,
        "candidates": candidates, "can_edit": editable, "form": form,
        "statements": assessment.statements.filter(archived_at__isnull=True)
        .select_related("domain"),
    })


@login_required
def statement_new(request, pk, assessment_pk):
    client, assessment = selectors.get_assessment(request.user, pk, assessment_pk, write=True)
    form = StatementForm(request.POST or None, practice=client.practice)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_statement(_actor(request), client, assessment,
                                   domain=form.cleaned_data["domain"],
                                   text=form.cleaned_data["text"], rank=form.cleaned_data["rank"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Value statement added."))
            return redirect("values_detail", pk=client.pk, assessment_pk=assessment.pk)
    if request.method != "POST":
        _viewed(request, assessment, client)
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("Add a value statement"),
        "intro": _("In the client's own words. Rank 1 is what matters most to them."),
        "cancel": reverse("values_detail", args=[client.pk, assessment.pk]),
    })


@login_required
def statement_edit(request, pk, statement_pk):
    client, statement = selectors.get_statement(request.user, pk, statement_pk, write=True)
    form = StatementForm(request.POST or None, instance=statement, practice=client.practice)
    if request.method == "POST" and form.is_valid():
        data = {"domain": form.cleaned_data["domain"], "text": form.cleaned_data["text"],
                "rank": form.cleaned_data["rank"]}
        if request.POST.get("archive") == "1":
            data["archived"] = True
        try:
            services.update_statement(_actor(request), statement, data,
                                      version=form.cleaned_data.get("version"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Value statement saved."))
            return redirect("values_detail", pk=client.pk, assessment_pk=statement.assessment_id)
    if request.method != "POST":
        _viewed(request, statement, client)
    return render(request, "planning/statement_form.html", {
        "client": client, "form": form, "statement": statement,
        "history": selectors.history_of(statement),
    })


@login_required
def goal_new(request, pk):
    client = get_client(request.user, pk, write=True)
    form = GoalForm(request.POST or None, client=client,
                    initial={"statement": request.GET.get("statement")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_goal(_actor(request), client, statement=data["statement"],
                                 what=data["what"], times=data["times"], per=data["per"],
                                 by_when=data["by_when"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Valued goal saved."))
            return redirect("values_list", pk=client.pk)
    if request.method != "POST":
        _viewed(request, client, client, page="goal_new")
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("New valued goal"),
        "intro": _("Specific and measurable: what, how often, by when. Rungs later serve it."),
        "cancel": reverse("values_list", args=[client.pk]),
    })


@login_required
def goal_edit(request, pk, goal_pk):
    client, goal = selectors.get_goal(request.user, pk, goal_pk, write=True)
    form = GoalForm(request.POST or None, instance=goal, client=client)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ("statement", "what", "times", "per",
                                                  "by_when", "status")}
        try:
            services.revise_goal(_actor(request), goal, data,
                                 version=form.cleaned_data.get("version"),
                                 note=form.cleaned_data.get("note", ""))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal revised; the earlier version is kept in its "
                                        "history."))
            return redirect("values_list", pk=client.pk)
    else:
        _viewed(request, goal, client)
    return render(request, "planning/goal_form.html", {
        "client": client, "form": form, "goal": goal, "history": selectors.history_of(goal),
    })


# --- safety -------------------------------------------------------------------------------------


@login_required
def safety_detail(request, pk):
    client = get_client(request.user, pk)
    versions = list(selectors.safety_versions(client))
    current = versions[0] if versions else None
    _viewed(request, current or client, client, page="safety")
    screens = list(selectors.readiness_screens(client))
    return render(request, "planning/safety_detail.html", {
        "client": client, "can_edit": can_edit(request.user, client),
        "current": current, "versions": versions,
        "screens": [(s, selectors.screen_flags(s)) for s in screens],
        "holds": services.open_holds(client),
        "resources": services.crisis_resources_for(client),
        "ack_form": AcknowledgeSafetyForm(),
    })


@login_required
def safety_edit(request, pk):
    client = get_client(request.user, pk, write=True)
    current = selectors.current_safety(client)
    initial, skills, contacts = {}, [], []
    if current is not None:
        initial = {
            "distress_ceiling": current.distress_ceiling, "coping_level": current.coping_level,
            "exit_strategies": "\n".join(current.exit_strategies),
            "escalation_plan": current.escalation_plan, "setback_plan": current.setback_plan,
        }
        if current.distress_scale != client.distress_scale:
            initial.pop("distress_ceiling")
            initial.pop("coping_level")
        skills, contacts = current.coping_skills, current.support_contacts
    initial["based_on"] = current.version if current else 0
    data = request.POST or None
    form = SafetyForm(data, client=client, initial=initial)
    skill_set = CopingSkillFormSet(data, prefix="skill", initial=skills)
    contact_set = SupportContactFormSet(data, prefix="contact", initial=contacts)
    if request.method == "POST" and all([form.is_valid(), skill_set.is_valid(),
                                         contact_set.is_valid()]):
        try:
            services.create_safety_version(_actor(request), client, {
                **{k: form.cleaned_data[k] for k in (
                    "distress_ceiling", "coping_level", "escalation_plan", "setback_plan",
                    "change_note", "based_on")},
                "exit_strategies": form.cleaned_data["exit_list"],
                "coping_skills": [f.cleaned_data for f in skill_set.forms if f.cleaned_data],
                "support_contacts": [f.cleaned_data for f in contact_set.forms
                                     if f.cleaned_data],
            })
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Safety parameters saved as a new version. Ask the "
                                        "client to acknowledge it."))
            return redirect("safety_detail", pk=client.pk)
    if request.method != "POST":
        _viewed(request, current or client, client, page="safety_edit")
    return render(request, "planning/safety_form.html", {
        "client": client, "form": form, "skill_set": skill_set, "contact_set": contact_set,
        "current": current, "resources": services.crisis_resources_for(client),
    })


@login_required
@require_POST
def safety_acknowledge(request, pk, version_pk):
    client, parameters = selectors.get_safety_version(request.user, pk, version_pk, write=True)
    form = AcknowledgeSafetyForm(request.POST)
    if form.is_valid():
        try:
            services.acknowledge_safety(_actor(request), parameters,
                                        method=form.cleaned_data["method"],
                                        note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Acknowledgement recorded."))
    else:
        messages.error(request, _("Choose how the client acknowledged the parameters."))
    return redirect("safety_detail", pk=client.pk)


@login_required
def readiness_new(request, pk):
    client = get_client(request.user, pk, write=True)
    form = ReadinessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            screen = services.record_readiness(_actor(request), client, form.answers(),
                                               note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if screen.holds.exists():
                messages.warning(request, _("Readiness screen saved. Exposure is on hold until "
                                            "a clinician records a clearance."))
            else:
                messages.success(request, _("Readiness screen saved."))
            return redirect("safety_detail", pk=client.pk)
    if request.method != "POST":
        _viewed(request, client, client, page="readiness_new")
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("Readiness screen"),
        "intro": _("Before exposure starts. A yes is a flag, not an exclusion: it puts exposure "
                   "on hold until a clinician records a clearance with a rationale."),
        "cancel": reverse("safety_detail", args=[client.pk]),
    })


@login_required
def hold_clear(request, pk, hold_pk):
    client, hold = selectors.get_hold(request.user, pk, hold_pk, write=True)
    form = ClearanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clear_hold(_actor(request), hold, form.cleaned_data["rationale"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Clearance recorded."))
            return redirect("safety_detail", pk=client.pk)
    else:
        _viewed(request, hold, client)
    return render(request, "planning/hold_clear.html", {
        "client": client, "form": form, "hold": hold})


# --- plans --------------------------------------------------------------------------------------


@login_required
def plan_new(request, pk):
    client = get_client(request.user, pk, write=True)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(_actor(request), client, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan created. Add its rungs next."))
            return redirect("plan_detail", pk=client.pk, plan_pk=plan.pk)
    if request.method != "POST":
        _viewed(request, client, client, page="plan_new")
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("New exposure plan"),
        "intro": _("One plan per target problem."),
        "cancel": reverse("planning_overview", args=[client.pk]),
    })


@login_required
def plan_edit(request, pk, plan_pk):
    client, plan = selectors.get_plan(request.user, pk, plan_pk, write=True)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.PLAN_FIELDS}
        fresh = ExposurePlan.objects.get(pk=plan.pk)
        try:
            services.update_plan(_actor(request), fresh, data,
                                 version=form.cleaned_data.get("version"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("plan_detail", pk=client.pk, plan_pk=plan.pk)
    if request.method != "POST":
        _viewed(request, plan, client, page="edit")
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("Edit plan"),
        "cancel": reverse("plan_detail", args=[client.pk, plan.pk]),
    })


def _ladder_context(request, client, plan, *, error=None):
    plan.client = client
    rungs = selectors.ladder(plan)
    safety = selectors.current_safety(client)
    settings = services.planning_settings(client.practice)
    warnings = selectors.ladder_warnings(plan, rungs, safety, settings, safety_known=True)
    by_rung = {}
    for warning, ack in warnings:
        by_rung.setdefault(warning.rung_key, []).append((warning, ack))
    rows = [(r, by_rung.get(str(r.pk), []), next(iter(r.assignments.all()), None))
            for r in rungs]
    declines = [d for r in rungs for d in r.declines.all() if d.is_open]
    return {
        "client": client, "plan": plan, "rows": rows, "safety": safety,
        "ladder_warnings": by_rung.get(None, []),
        "open_warnings": sum(1 for _w, ack in warnings if ack is None),
        "can_edit": can_edit(request.user, client), "declines": declines,
        "scale": services.scale_of(client), "ladder_error": error,
        "pace": selectors.current_pace(plan), "holds": services.open_holds(client),
        "settings": settings,
    }


@login_required
def plan_detail(request, pk, plan_pk):
    client, plan = selectors.get_plan(request.user, pk, plan_pk)
    context = _ladder_context(request, client, plan)
    _viewed(request, plan, client, rungs=len(context["rows"]))
    return render(request, "planning/plan_detail.html", context)


@login_required
def plan_history(request, pk, plan_pk):
    client, plan = selectors.get_plan(request.user, pk, plan_pk)
    _viewed(request, plan, client, page="history")
    from bravely.core.pagination import paginate

    page = paginate(request, selectors.plan_history(plan))
    return render(request, "planning/plan_history.html", {
        "client": client, "plan": plan, "page": page, "querystring": ""})


@login_required
def rung_new(request, pk, plan_pk):
    client, plan = selectors.get_plan(request.user, pk, plan_pk, write=True)
    decline = None
    decline_id = request.POST.get("decline") or request.GET.get("decline")
    if decline_id and str(decline_id).isdigit():
        _c, decline = selectors.get_decline(request.user, pk, int(decline_id), write=True)
    form = RungForm(request.POST or None, client=client,
                    initial={"revision": plan.ladder_revision})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_rung(_actor(request), plan, form.data_for_service(),
                              form.cleaned_data["values"],
                              revision=form.cleaned_data.get("revision"), decline=decline)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rung added to the ladder."))
            return redirect("plan_detail", pk=client.pk, plan_pk=plan.pk)
    if request.method != "POST":
        _viewed(request, plan, client, page="rung_new")
    return render(request, "planning/rung_form.html", {
        "client": client, "plan": plan, "form": form, "rung": None, "decline": decline,
        "scale": services.scale_of(client)})


@login_required
def rung_edit(request, pk, rung_pk):
    client, rung = selectors.get_rung(request.user, pk, rung_pk, write=True)
    form = RungForm(request.POST or None, instance=rung, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rung(_actor(request), rung, form.data_for_service(),
                                 form.cleaned_data["values"],
                                 version=form.cleaned_data.get("version"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rung saved."))
            return redirect(reverse("plan_detail", args=[client.pk, rung.plan_id])
                            + f"#rung-{rung.pk}")
    else:
        _viewed(request, rung, client)
    return render(request, "planning/rung_form.html", {
        "client": client, "plan": rung.plan, "form": form, "rung": rung,
        "history": selectors.history_of(rung), "scale": services.scale_of(client)})


@login_required
@require_POST
def rung_move(request, pk, rung_pk):
    client, rung = selectors.get_rung(request.user, pk, rung_pk, write=True)
    plan = rung.plan
    revision = request.POST.get("revision", "")
    error = None
    try:
        services.move_rung(_actor(request), plan, rung.pk, request.POST.get("direction", ""),
                           revision=int(revision) if revision.isdigit() else None)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    plan.refresh_from_db()
    if request.htmx:
        context = _ladder_context(request, client, plan, error=error)
        context["focus"] = f"move-{request.POST.get('direction', '')}-{rung.pk}"
        if error is None:
            number = next((i for i, row in enumerate(context["rows"], 1) if row[0].pk == rung.pk),
                          0)
            context["moved"] = _("“%(rung)s” is now rung %(n)s.") % {"rung": rung.behaviour,
                                                                    "n": number}
        return render(request, "planning/_ladder.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Ladder order saved."))
    return redirect(reverse("plan_detail", args=[client.pk, plan.pk]) + f"#rung-{rung.pk}")


@login_required
@require_POST
def ladder_ack(request, pk, plan_pk):
    client, plan = selectors.get_plan(request.user, pk, plan_pk, write=True)
    form = WarningAckForm(request.POST)
    if form.is_valid():
        try:
            services.acknowledge_warning(_actor(request), plan, code=form.cleaned_data["code"],
                                         rung_key=form.cleaned_data["rung_key"] or None,
                                         note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Warning acknowledged; it stays visible on the ladder."))
    else:
        messages.error(request, _("That warning could not be found; reload the ladder."))
    return redirect("plan_detail", pk=client.pk, plan_pk=plan.pk)


@login_required
def rung_decline(request, pk, rung_pk):
    client, rung = selectors.get_rung(request.user, pk, rung_pk, write=True)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_rung(_actor(request), rung, reason=form.cleaned_data["reason"],
                                  declined_on=form.cleaned_data["declined_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded: the client declined this rung. That is their "
                                        "choice and counts against nothing. Offer an "
                                        "alternative."))
            return redirect("plan_detail", pk=client.pk, plan_pk=rung.plan_id)
    if request.method != "POST":
        _viewed(request, rung, client, page="decline")
    return render(request, "planning/form.html", {
        "client": client, "form": form,
        "title": _("The client declines a rung"),
        "intro": _("Declining is the client's right and carries no penalty. After saving, "
                   "offer an alternative (for example a smaller step)."),
        "subject": rung.behaviour,
        "cancel": reverse("plan_detail", args=[client.pk, rung.plan_id]),
    })


@login_required
def decline_resolve(request, pk, decline_pk):
    client, decline = selectors.get_decline(request.user, pk, decline_pk, write=True)
    form = ResolveDeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_decline(_actor(request), decline,
                                     note=form.cleaned_data["alternative_note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Alternative recorded."))
            return redirect("plan_detail", pk=client.pk, plan_pk=decline.rung.plan_id)
    if request.method != "POST":
        _viewed(request, decline, client)
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("Alternative offered"),
        "subject": decline.rung.behaviour,
        "intro": _("Describe the alternative you offered, or add a new rung as the "
                   "alternative from the ladder page."),
        "cancel": reverse("plan_detail", args=[client.pk, decline.rung.plan_id]),
    })


# --- pace ---------------------------------------------------------------------------------------


@login_required
def pace_new(request, pk, plan_pk):
    client, plan = selectors.get_plan(request.user, pk, plan_pk, write=True)
    form = PaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_pace(_actor(request), plan, options=form.offered(),
                                 chosen=form.cleaned_data["chosen"],
                                 reasons=form.cleaned_data["reasons"],
                                 decided_on=form.cleaned_data["decided_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Pace decision recorded."))
            return redirect("plan_detail", pk=client.pk, plan_pk=plan.pk)
    else:
        _viewed(request, plan, client, page="pace")
    return render(request, "planning/pace_form.html", {
        "client": client, "plan": plan, "form": form,
        "decisions": selectors.pace_decisions(plan)})


# --- homework and rationale ---------------------------------------------------------------------


@login_required
def assignment_new(request, pk, rung_pk):
    client, rung = selectors.get_rung(request.user, pk, rung_pk, write=True)
    safety = selectors.current_safety(client)
    pace = selectors.current_pace(rung.plan)
    today = timezone.localdate()
    initial = {
        "frequency_per_week": (pace.chosen_option.get("practices_per_week") if pace else 3),
        "starts_on": today, "ends_on": today + timedelta(days=6),
        "coping_plan": services.coping_plan_text(safety),
        "instructions": rung.behaviour + (f" ({rung.context})" if rung.context else ""),
    }
    form = AssignmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assign_homework(_actor(request), rung, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Homework assigned. Review and sign the drafted "
                                        "rationale."))
            return redirect("rationale_sign", pk=client.pk, assignment_pk=assignment.pk)
    else:
        _viewed(request, rung, client, page="assign")
    return render(request, "planning/assignment_form.html", {
        "client": client, "rung": rung, "plan": rung.plan, "form": form, "safety": safety,
        "pace": pace})


@login_required
def assignment_detail(request, pk, assignment_pk):
    client, assignment = selectors.get_assignment(request.user, pk, assignment_pk)
    _viewed(request, assignment, client)
    return render(request, "planning/assignment_detail.html", {
        "client": client, "assignment": assignment, "can_edit": can_edit(request.user, client),
        "rationales": selectors.rationales(assignment),
        "values": assignment.rung.values.select_related("domain"),
        "cancel_form": CancelForm()})


@login_required
def rationale_sign(request, pk, assignment_pk):
    client, assignment = selectors.get_assignment(request.user, pk, assignment_pk, write=True)
    latest = selectors.rationales(assignment).first()
    initial = {"text": latest.text if latest else services.draft_rationale(assignment),
               "corrects": latest.pk if latest else None}
    form = RationaleForm(request.POST or None, initial=initial, correcting=latest is not None)
    if request.method == "POST" and form.is_valid():
        corrects = None
        if form.cleaned_data.get("corrects"):
            corrects = get_object_or_404(assignment.rationales, pk=form.cleaned_data["corrects"])
        try:
            services.sign_rationale(_actor(request), assignment, form.cleaned_data["text"],
                                    corrects=corrects,
                                    correction_reason=form.cleaned_data.get("correction_reason",
                                                                            ""))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rationale signed. Signed text is never changed; a "
                                        "correction is a new entry."))
            return redirect("assignment_detail", pk=client.pk, assignment_pk=assignment.pk)
    else:
        _viewed(request, assignment, client, page="rationale")
    return render(request, "planning/rationale_form.html", {
        "client": client, "assignment": assignment, "form": form, "latest": latest})


@login_required
@require_POST
def assignment_cancel(request, pk, assignment_pk):
    client, assignment = selectors.get_assignment(request.user, pk, assignment_pk, write=True)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_assignment(_actor(request), assignment, form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Assignment cancelled; it stays in the record."))
    else:
        messages.error(request, _("Give a reason for cancelling."))
    return redirect("assignment_detail", pk=client.pk, assignment_pk=assignment.pk)


# --- practice administration --------------------------------------------------------------------


@login_required
def value_domains(request):
    membership = get_admin_membership(request.user)
    services.seed_value_domains(membership.practice)
    form = ValueDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_value_domain(_actor(request), membership.practice, None,
                                       form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Life domain added."))
            return redirect("value_domains")
    return render(request, "planning/admin_list.html", {
        "form": form, "kind": "domains",
        "items": selectors.domains(membership.practice, active_only=False)})


@login_required
def value_domain_edit(request, pk):
    membership = get_admin_membership(request.user)
    domain = get_object_or_404(ValueDomain, pk=pk, practice_id=membership.practice_id)
    form = ValueDomainForm(request.POST or None, instance=domain)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_value_domain(_actor(request), membership.practice,
                                       ValueDomain.objects.get(pk=domain.pk), form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Life domain saved. Past assessments keep the name "
                                        "they were rated under."))
            return redirect("value_domains")
    return render(request, "planning/form.html", {
        "form": form, "title": _("Edit life domain"), "admin": True,
        "cancel": reverse("value_domains")})


@login_required
def crisis_resources(request):
    membership = get_admin_membership(request.user)
    form = CrisisResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_crisis_resource(_actor(request), membership.practice, None,
                                          form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Crisis resource added."))
            return redirect("crisis_resources")
    return render(request, "planning/admin_list.html", {
        "form": form, "kind": "crisis",
        "items": selectors.crisis_resources(membership.practice)})


@login_required
def crisis_resource_edit(request, pk):
    membership = get_admin_membership(request.user)
    resource = get_object_or_404(CrisisResource, pk=pk, practice_id=membership.practice_id)
    form = CrisisResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_crisis_resource(_actor(request), membership.practice,
                                          CrisisResource.objects.get(pk=resource.pk),
                                          form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Crisis resource saved. Safety parameters saved before "
                                        "keep the entry as it was then."))
            return redirect("crisis_resources")
    return render(request, "planning/form.html", {
        "form": form, "title": _("Edit crisis resource"), "admin": True,
        "cancel": reverse("crisis_resources")})


@login_required
def planning_settings(request):
    membership = get_admin_membership(request.user)
    instance = services.planning_settings(membership.practice)
    form = PlanningSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_planning_settings(_actor(request), membership.practice,
                                              form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Planning settings saved."))
            return redirect("planning_settings")
    return render(request, "planning/form.html", {
        "form": form, "title": _("Planning settings"), "admin": True,
        "intro": _("Values scoring and ladder checks are debated or rest on low-quality sources; "
                   "adjust them to your practice. New assessments use the formula in force; "
                   "earlier ones keep theirs."),
        "cancel": reverse("practice_settings")})
