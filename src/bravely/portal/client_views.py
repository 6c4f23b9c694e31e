"""The client's own pages (/me/...): phone-first, one thumb, only their own data."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.audit.services import Actor, record
from bravely.core.forms import add_service_errors
from bravely.core.params import id_param, text_param
from bravely.planning.forms.values import AssessmentForm
from bravely.planning.models import SafetyAcknowledgement, ValuesAssessment
from bravely.planning.selectors.config import crisis_resources_for, domains
from bravely.planning.selectors.safety import current_safety, skill_label
from bravely.planning.services.config import seed_value_domains
from bravely.planning.services.safety import acknowledge_safety
from bravely.planning.services.values import add_statement, create_assessment
from bravely.portal import services as portal_services
from bravely.portal.forms import OwnStatementForm
from bravely.portal.selectors import own_client
from bravely.practice import risk
from bravely.practice import selectors as practice_selectors
from bravely.practice import services as practice_services
from bravely.practice.forms import CheckInForm, JournalForm, PracticeLogForm, answered_risk


def _actor(request):
    return Actor.from_request(request, via="portal")


def safety_context(client):
    """What the stop screen shows: the client's own plan first, then crisis lines for the region."""
    safety = current_safety(client)
    return {
        "safety": safety,
        "allowed_skills": [skill_label(s) for s in safety.allowed_skills()] if safety else [],
        "crisis_resources": crisis_resources_for(client),
    }


@login_required
def today(request):
    client = own_client(request.user)
    record(_actor(request), "view", client, object_type="portal_today")
    return render(request, "portal/today.html", {
        "client": client,
        "assignments": practice_selectors.current_assignments(client),
        "check_in_due": practice_selectors.check_in_due(client),
    })


@login_required
def ladder(request):
    client = own_client(request.user)
    record(_actor(request), "view", client, object_type="portal_ladder")
    return render(request, "portal/ladder.html", {
        "client": client, "plans": practice_selectors.active_plans(client)})


@login_required
def values(request):
    client = own_client(request.user)
    record(_actor(request), "view", client, object_type="portal_values")
    return render(request, "portal/values.html", {
        "client": client,
        "statements": client.value_statements.filter(archived_at__isnull=True)
        .select_related("domain").order_by("rank", "id"),
        "goals": client.valued_goals.select_related("statement").order_by("by_when", "id"),
    })


@login_required
def log_start(request):
    client = own_client(request.user)
    assignments = list(practice_selectors.current_assignments(client))
    if len(assignments) == 1:
        return redirect("portal_log", assignment_pk=assignments[0].pk)
    record(_actor(request), "view", client, object_type="portal_log_start")
    return render(request, "portal/log_start.html", {"client": client,
                                                     "assignments": assignments})


@login_required
def log_practice(request, assignment_pk):
    client = own_client(request.user)
    assignment = get_object_or_404(client.assignments.select_related("rung__plan"),
                                   pk=assignment_pk)
    rung = assignment.rung
    safety = current_safety(client)
    draft = None
    if request.method == "POST":
        form = PracticeLogForm(request.POST, client=client, rung=rung, safety=safety)
    else:
        draft = practice_selectors.latest_draft(request.user, assignment.pk)
        initial = {"idempotency_key": draft.key if draft else uuid.uuid4().hex}
        form = PracticeLogForm(draft.data if draft else None, initial=initial, client=client,
                               rung=rung, safety=safety)
        if draft:
            form.errors.clear()  # a restored draft is shown as it was, not judged yet
        record(_actor(request), "view", client, object_type="portal_log_form")
    risk_told = False
    if request.method == "POST" and form.is_valid():
        try:
            log, created = practice_services.submit_log(
                _actor(request), client, rung, form.log_data(),
                idempotency_key=form.cleaned_data["idempotency_key"], assignment=assignment,
                source="portal")
        except ValidationError as error:
            add_service_errors(form, error)
            risk_told = bool(form.cleaned_data.get("risk_flag"))  # the service told the team
        else:
            if log.risk_flag:
                return render(request, "portal/support_now.html",
                              {"client": client, **safety_context(client)})
            if log.over_ceiling:
                messages.warning(request, _("Your distress reached your ceiling. Here is your "
                                            "plan for stopping safely."))
                return redirect("portal_stop")
            messages.success(request, _("Practice saved. Well done for facing it."))
            return redirect("portal_today")
    elif request.method == "POST":
        risk_told = risk.refused(_actor(request), client, risk.LOG,
                                 answered_risk(form, "risk_flag"))
    return render(request, "portal/log_form.html", {
        "client": client, "assignment": assignment, "rung": rung, "form": form,
        "values": rung.values.all(), "restored": draft is not None, "risk_told": risk_told,
        **(safety_context(client) if risk_told else {}),
    })


@login_required
@require_POST
def save_draft(request):
    """Autosave of the log form (htmx or fetch); answers 204 so nothing on the page changes."""
    client = own_client(request.user)
    try:
        practice_services.save_draft(_actor(request), client, request.POST.get("idempotency_key"),
                                     request.POST.dict())
    except ValidationError:
        return HttpResponse(status=400)
    return HttpResponse(status=204)


@login_required
def stop(request):
    """'I need to stop': POST records the early exit at once; GET shows the plan for stopping."""
    client = own_client(request.user)
    if request.method == "POST":
        assignment = client.assignments.filter(pk=id_param(request.POST, "assignment") or 0).first()
        practice_services.record_stop(_actor(request), client, assignment)
        return redirect("portal_stop")
    record(_actor(request), "view", client, object_type="portal_stop")
    return render(request, "portal/stop.html", {"client": client, **safety_context(client)})


@login_required
def journal(request):
    client = own_client(request.user)
    form = JournalForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            practice_services.write_journal(_actor(request), client, form.cleaned_data["text"],
                                            form.cleaned_data["value"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved to your journal."))
            return redirect("portal_journal")
    record(_actor(request), "view", client, object_type="portal_journal")
    return render(request, "portal/journal.html", {
        "client": client, "form": form,
        "entries": client.journal.select_related("value")[:50],
    })


@login_required
def check_in(request):
    client = own_client(request.user)
    settings = practice_selectors.check_in_settings(client.practice)
    statements = list(client.value_statements.filter(archived_at__isnull=True)
                      .order_by("rank", "id")[:3])
    form = CheckInForm(request.POST or None, client=client, question=settings.risk_question,
                       statements=statements, initial={"idempotency_key": uuid.uuid4().hex})
    risk_told = False
    if request.method == "POST" and form.is_valid():
        try:
            entry, _created = practice_services.submit_check_in(
                _actor(request), client, form.check_in_data(),
                idempotency_key=form.cleaned_data["idempotency_key"], source="portal")
        except ValidationError as error:
            add_service_errors(form, error)
            risk_told = bool(form.cleaned_data.get("risk"))  # the service told the team
        else:
            if entry.risk:
                return render(request, "portal/support_now.html",
                              {"client": client, **safety_context(client)})
            messages.success(request, _("Thank you for checking in."))
            return redirect("portal_today")
    elif request.method == "POST":
        risk_told = risk.refused(_actor(request), client, risk.CHECK_IN,
                                 answered_risk(form, "risk"))
    if request.method == "GET":
        record(_actor(request), "view", client, object_type="portal_check_in")
    return render(request, "portal/check_in.html", {
        "client": client, "form": form, "risk_told": risk_told,
        **(safety_context(client) if risk_told else {})})


@login_required
def values_rate(request):
    """The client rates their life domains alone, between sessions (stored as 'portal')."""
    client = own_client(request.user)
    seed_value_domains(client.practice)
    form = AssessmentForm(request.POST or None, domains=domains(client.practice))
    del form.fields["source"], form.fields["assessed_on"]
    if request.method == "POST" and form.is_valid():
        try:
            create_assessment(
                _actor(request), client, ratings=form.cleaned_data["ratings"],
                source=ValuesAssessment.Source.PORTAL, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your clinician will see your ratings."))
            return redirect("portal_values")
    record(_actor(request), "view", client, object_type="portal_values_rate")
    return render(request, "portal/values_rate.html", {"client": client, "form": form})


@login_required
def statement_new(request):
    """A value in the client's own words, added to their latest values assessment."""
    client = own_client(request.user)
    assessment = client.values_assessments.order_by("-assessed_on", "-id").first()
    if assessment is None:
        return redirect("portal_values_rate")
    if request.method == "GET":
        record(_actor(request), "view", client, object_type="portal_statement_form")
    form = OwnStatementForm(request.POST or None, practice=client.practice, initial={
        "rank": client.value_statements.filter(archived_at__isnull=True).count() + 1})
    if request.method == "POST" and form.is_valid():
        try:
            add_statement(_actor(request), client, assessment, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added to your values."))
            return redirect("portal_values")
    return render(request, "portal/statement_form.html", {"client": client, "form": form})


@login_required
def safety_plan(request):
    """The client reads their safety parameters and acknowledges the version in force."""
    client = own_client(request.user)
    safety = current_safety(client)
    if request.method == "POST" and safety is not None:
        try:
            acknowledge_safety(
                _actor(request), safety, method=SafetyAcknowledgement.Method.PORTAL,
                note=text_param(request.POST, "note", max_length=500))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: your clinician can see that you read and "
                                        "agreed to this plan."))
        return redirect("portal_safety")
    record(_actor(request), "view", client, object_type="portal_safety")
    acknowledged = safety is not None and safety.acknowledgements.filter(
        method=SafetyAcknowledgement.Method.PORTAL).exists()
    return render(request, "portal/safety.html", {
        "client": client, "acknowledged": acknowledged, **safety_context(client)})


@login_required
def sharing(request):
    """Who the client shares a summary with; the client can stop sharing at any time."""
    client = own_client(request.user)
    if request.method == "POST":
        support = get_object_or_404(client.supports,
                                    pk=id_param(request.POST, "support", required=True))
        portal_services.revoke_support(_actor(request), support)
        messages.success(request, _("You no longer share anything with %(name)s.") % {
            "name": support.name})
        return redirect("portal_sharing")
    record(_actor(request), "view", client, object_type="portal_sharing")
    return render(request, "portal/sharing.html", {
        "client": client, "supports": client.supports.filter(revoked_at__isnull=True)})
