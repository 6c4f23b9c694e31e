"""The client's own pages (/me/...): phone-first, one thumb, only their own data."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.audit.services import Actor, record
from bravely.core.forms import add_service_errors
from bravely.core.params import id_param, text_param
from bravely.measures.selectors import due_for_client
from bravely.planning.forms.values import AssessmentForm
from bravely.planning.models import SafetyAcknowledgement, ValuesAssessment
from bravely.planning.selectors.config import crisis_resources_for, domains
from bravely.planning.selectors.safety import current_safety, skill_label
from bravely.planning.services.config import seed_value_domains
from bravely.planning.services.safety import acknowledge_safety
from bravely.planning.services.values import add_statement, create_assessment
from bravely.portal import dialling
from bravely.portal import services as portal_services
from bravely.portal.forms import LanguageForm, OwnStatementForm
from bravely.portal.middleware import LANGUAGE_SESSION_KEY
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
        "crisis_resources": [
            {"name": r.name, "contact": r.contact, "url": r.url, "notes": r.notes,
             "dial": dialling.dial(r.contact), "texts": dialling.texts(r.contact)}
            for r in crisis_resources_for(client)],
        "contacts": [
            {"name": c.get("name", ""), "relationship": c.get("relationship", ""),
             "contact": c.get("contact", ""), "dial": dialling.dial(c.get("contact", ""))}
            for c in (safety.support_contacts if safety else []) if isinstance(c, dict)],
    }


def after_log_saved(request, client, log, done: str, next_page: str):
    """Where a saved log leads: support at once after a risk answer, the stop plan after a
    peak at the ceiling, otherwise `done` said and on to `next_page`."""
    if log.risk_flag:
        return render(request, "portal/support_now.html",
                      {"client": client, **safety_context(client)})
    if log.over_ceiling:
        messages.warning(request, _("Your distress reached your ceiling. Here is your "
                                    "plan for stopping safely."))
        return redirect("portal_stop")
    messages.success(request, done)
    return redirect(next_page)


@login_required
def today(request):
    client = own_client(request.user)
    record(_actor(request), "view", client, object_type="portal_today")
    return render(request, "portal/today.html", {
        "client": client,
        "assignments": practice_selectors.current_assignments(client),
        "check_in_due": practice_selectors.check_in_due(client),
        "runs": practice_selectors.open_runs(request.user, client),
        "measures_due": due_for_client(client).exists(),
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
            return after_log_saved(request, client, log,
                                   _("Practice saved. Well done for facing it."), "portal_today")
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
    """'I need to stop' from outside a practice: the plan for stopping first (GET), then one
    tap says which practice it was, or none (POST records the stop)."""
    client = own_client(request.user)
    if request.method == "POST":
        key = request.POST.get("run", "")
        run = practice_selectors.practice_run(request.user, client, key) if key else None
        if run is not None:
            assignment = client.assignments.filter(pk=run.data.get("assignment")).first()
            practice_services.stop_practice(_actor(request), client, run, assignment)
            return redirect("portal_practise_reflect", key=run.key)
        assignment = None
        if request.POST.get("assignment"):
            assignment = get_object_or_404(client.assignments,
                                           pk=id_param(request.POST, "assignment"))
        practice_services.record_stop(_actor(request), client, assignment)
        messages.info(request, _("Stopping was recorded. You did not fail: your clinician will "
                                 "use this to adjust the pace with you."))
        return redirect(f"{reverse('portal_stop')}?recorded=1")
    record(_actor(request), "view", client, object_type="portal_stop")
    return render(request, "portal/stop.html", {
        "client": client, "recorded": request.GET.get("recorded") == "1",
        "assignments": practice_selectors.current_assignments(client),
        "runs": practice_selectors.open_runs(request.user, client), **safety_context(client)})


@login_required
def more(request):
    """The More tab: everything that is not practice, and the language."""
    client = own_client(request.user)
    account = request.user.client_account
    form = LanguageForm(request.POST or None,
                        initial={"language": account.language or get_language()})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        portal_services.set_language(_actor(request), account, language)
        request.session[LANGUAGE_SESSION_KEY] = language
        translation.activate(language)
        messages.success(request, _("Language saved."))
        response = redirect("portal_more")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                            max_age=365 * 24 * 3600, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE)
        return response
    record(_actor(request), "view", client, object_type="portal_more")
    return render(request, "portal/more.html", {"client": client, "form": form})


def offline_worker(request):
    """The service worker, served from /me/ so that it may look after the client's pages."""
    path = finders.find("bravely/offline-worker.js")
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/me/"
    return response


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
