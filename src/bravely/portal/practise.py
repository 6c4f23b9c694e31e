"""Practise now (/me/practise/...): the client is guided through one exposure on their phone.

Before: the rung, the value it serves, the prediction and how strong the fear is now. During: a
timer and a "how strong is it now" rating every few minutes (the assignment's interval), with
"I need to stop" one tap away and recorded against this practice. After: a short reflection
that becomes the same PracticeLog the care team reads (practice.services.submit_log, so the
pacing refresh and the risk path run), then what the client learned, reflected back.

Without JavaScript every step is a plain form; static/bravely/practise.js adds the live timer,
the curve and the offline queue. The run is a PracticeDraft until the reflection is saved.

Offline (practise_offline): Today, opened online, keeps for each assigned rung one page holding
every step of a run, with a signed ticket saying which assignment it was and when the page was
given. Without a connection static/bravely/offline-run.js runs the practice on the phone and
queues the stop and the log; the server checks the ticket and stores them once, by the run's key.
"""

import json
import time
import uuid
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clinical.scales import DistressScale
from bravely.core.forms import add_service_errors
from bravely.planning.selectors.safety import current_safety
from bravely.portal.charts import distress_curve
from bravely.portal.forms import (
    OfflineRunForm,
    PractiseBeforeForm,
    RatingForm,
    ReflectionForm,
)
from bravely.portal.selectors import own_client
from bravely.practice import risk
from bravely.practice import selectors as practice_selectors
from bravely.practice import services as practice_services
from bravely.practice.forms import answered_risk

DAY = 24 * 60
TICKET_SALT = "bravely.portal.practise-offline"
TICKET_DAYS = 30  # a page kept on the phone starts practice for a month at most


def _actor(request):
    return Actor.from_request(request, via="portal")


def _assignment(client, pk):
    return get_object_or_404(
        client.assignments.select_related("rung__plan").filter(status="active"), pk=pk)


def _run(request, client, key):
    draft = practice_selectors.practice_run(request.user, client, key)
    if draft is None:
        raise Http404
    assignment = client.assignments.select_related("rung__plan").filter(
        pk=draft.data.get("assignment")).first()
    if assignment is None:
        raise Http404
    return draft, assignment


def safety_context(client):
    from bravely.portal.client_views import safety_context as context

    return context(client)


def _run_context(client, draft, assignment):
    rung = assignment.rung
    ratings = draft.data.get("ratings") or []
    minutes = practice_services.practice_minutes(draft)
    return {
        "client": client, "assignment": assignment, "rung": rung, "run": draft,
        "values": list(rung.values.all()), "ratings": ratings,
        "ratings_json": json.dumps(ratings), "minutes": minutes, "too_long": minutes > DAY,
        "started_at": datetime.fromisoformat(draft.data["started_at"]),
        "interval": assignment.rating_every_minutes, "scale_max": client.scale_max,
        "curve": distress_curve(ratings, client.scale_max, ceiling=_ceiling(client, rung)),
        "stopped": bool(draft.data.get("stopped")),
        "likelihood_before": draft.data.get("likelihood_before"),
    }


def _ceiling(client, rung):
    safety = current_safety(client)
    ceilings = [c for c in (rung.own_ceiling, getattr(safety, "distress_ceiling", None))
                if c is not None]
    return min(ceilings) if ceilings else None


@login_required
def practise_start(request):
    """The Practise tab: which assigned rung to practise now, and any run left open."""
    client = own_client(request.user)
    assignments = list(practice_selectors.current_assignments(client))
    runs = practice_selectors.open_runs(request.user, client)
    if len(assignments) == 1 and not runs:
        return redirect("portal_practise_before", assignment_pk=assignments[0].pk)
    record(_actor(request), "view", client, object_type="portal_practise_start")
    by_pk = {a.pk: a for a in assignments}
    return render(request, "portal/practise_start.html", {
        "client": client, "assignments": assignments,
        "runs": [(r, by_pk.get(r.data.get("assignment"))) for r in runs
                 if r.data.get("assignment") in by_pk],
    })


@login_required
def practise_before(request, assignment_pk):
    client = own_client(request.user)
    assignment = _assignment(client, assignment_pk)
    rung = assignment.rung
    form = PractiseBeforeForm(request.POST or None, client=client, fear=rung.feared_outcome,
                              initial={"likelihood_before": rung.feared_likelihood})
    if request.method == "POST" and form.is_valid():
        try:
            draft = practice_services.start_practice(
                _actor(request), client, assignment,
                likelihood_before=form.cleaned_data.get("likelihood_before"),
                distress_now=form.cleaned_data["distress_now"],
                key=request.POST.get("key") or uuid.uuid4().hex)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("portal_practise_run", key=draft.key)
    if request.method == "GET":
        record(_actor(request), "view", client, object_type="portal_practise_before")
    return render(request, "portal/practise_before.html", {
        "client": client, "assignment": assignment, "rung": rung, "form": form,
        "values": list(rung.values.all()), "key": uuid.uuid4().hex,
        "open_runs": practice_selectors.open_runs(request.user, client, assignment.pk),
    })


@login_required
def practise_run(request, key):
    """During: the timer, the ratings so far (the curve) and the next rating. A POST adds one
    rating; from practise.js it answers JSON so the timer keeps running."""
    client = own_client(request.user)
    draft, assignment = _run(request, client, key)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = RatingForm(request.POST or None, client=client)
    if request.method == "POST":
        if form.is_valid():
            try:
                draft = practice_services.add_rating(_actor(request), client, draft,
                                                     form.cleaned_data["value"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if wants_json:
                    return JsonResponse({"ratings": draft.data["ratings"]})
                return redirect("portal_practise_run", key=draft.key)
        if wants_json:
            return JsonResponse({"errors": form.errors}, status=422)
    else:
        record(_actor(request), "view", client, object_type="portal_practise_run")
    return render(request, "portal/practise_run.html", {
        **_run_context(client, draft, assignment), "form": form})


@login_required
def practise_stop(request, key):
    """'I need to stop' inside a run: the plan first, then one tap records the stop against
    this practice and leads to a short reflection."""
    client = own_client(request.user)
    draft, assignment = _run(request, client, key)
    if request.method == "POST":
        practice_services.stop_practice(_actor(request), client, draft, assignment)
        return redirect("portal_practise_reflect", key=draft.key)
    record(_actor(request), "view", client, object_type="portal_practise_stop")
    return render(request, "portal/practise_stop.html", {
        **_run_context(client, draft, assignment), **safety_context(client)})


@login_required
def practise_reflect(request, key):
    """After: what happened, likelihood now, what was learned, the value served."""
    client = own_client(request.user)
    queued = request.method == "POST" and "X-Bravely-Queued" in request.headers  # offline.js
    done = client.practice_logs.filter(idempotency_key=str(key)[:64]).first()
    if done is not None:  # sent already (a retry from the offline queue): never a second log
        if queued:
            return JsonResponse({"saved": True, "url": reverse("portal_practise_result",
                                                               args=[done.pk])})
        return redirect("portal_practise_result", log_pk=done.pk)
    draft, assignment = _run(request, client, key)
    rung = assignment.rung
    safety = current_safety(client)
    minutes = practice_services.practice_minutes(draft)
    stopped = bool(draft.data.get("stopped"))
    initial = {"idempotency_key": draft.key, "duration_minutes": min(DAY, max(1, minutes)),
               "stopped_early": stopped}
    form = ReflectionForm(request.POST or None, initial=initial, client=client, rung=rung,
                          safety=safety)
    risk_told = False
    if request.method == "POST" and form.is_valid():
        ratings = form.cleaned_data.get("ratings_json")
        if ratings is None:
            ratings = draft.data.get("ratings") or []
        try:
            data = _log_data(client, form, ratings, stopped=stopped,
                             started_at=datetime.fromisoformat(draft.data["started_at"]),
                             likelihood_before=draft.data.get("likelihood_before"))
            log, _created = practice_services.submit_log(
                _actor(request), client, rung, data, idempotency_key=draft.key,
                assignment=assignment, source="portal",
                # the run began through start_practice, which refuses an archived plan
                started_before_archiving=True)
        except ValidationError as error:
            add_service_errors(form, error)
            risk_told = bool(form.cleaned_data.get("risk_flag"))
        else:
            if queued:
                return JsonResponse({"saved": True, "url": reverse("portal_practise_result",
                                                                   args=[log.pk])})
            if log.risk_flag:
                return render(request, "portal/support_now.html",
                              {"client": client, **safety_context(client)})
            return redirect("portal_practise_result", log_pk=log.pk)
    elif request.method == "POST":
        risk_told = risk.refused(_actor(request), client, risk.LOG,
                                 answered_risk(form, "risk_flag"))
    if queued:
        return JsonResponse({"saved": False, "errors": form.errors}, status=422)
    else:
        record(_actor(request), "view", client, object_type="portal_practise_reflect")
    return render(request, "portal/practise_reflect.html", {
        **_run_context(client, draft, assignment), "form": form, "risk_told": risk_told,
        **safety_context(client)})


def _log_data(client, form, ratings, *, stopped, started_at, likelihood_before) -> dict:
    """The log a reflection makes: distress before, at its peak and after from the ratings."""
    data = form.log_data()
    data.pop("ratings_json", None)
    ratings = practice_services.validate_ratings(client, ratings)
    if not ratings:
        raise ValidationError({"ratings": _("Rate how strong the fear is at least once before "
                                            "you finish.")})
    values = [r["value"] for r in ratings]
    data.update(started_at=started_at, distress_before=values[0], distress_peak=max(values),
                distress_after=values[-1], ratings=ratings, likelihood_before=likelihood_before,
                stopped_early=bool(data.get("stopped_early") or stopped))
    if data["stopped_early"] and not (data.get("stopped_early_reason") or "").strip():
        data["stopped_early_reason"] = _("I stopped with the stop button during the practice.")
    return data


def offline_ticket(user, assignment) -> str:
    return signing.dumps({"a": assignment.pk, "u": user.pk, "t": int(time.time())},
                         salt=TICKET_SALT, compress=True)


def _check_ticket(request, assignment, started_at=None) -> None:
    """The queued run came from a page Bravely gave this person for this assignment, while it
    was active, and began after that page was given (give or take a phone clock's drift)."""
    refused = ValidationError({"ticket": _(
        "This practice could not be checked: it did not come from a page Bravely gave this "
        "phone for this practice, or that page is more than %(days)s days old. Nothing was "
        "saved. Open Today while online and practise again.") % {"days": TICKET_DAYS}})
    try:
        ticket = signing.loads(request.POST.get("ticket", "")[:1000], salt=TICKET_SALT,
                               max_age=timedelta(days=TICKET_DAYS))
    except signing.BadSignature:
        raise refused from None
    if not isinstance(ticket, dict) or ticket.get("a") != assignment.pk or ticket.get(
            "u") != request.user.pk:
        raise refused
    given = datetime.fromtimestamp(ticket.get("t", 0), tz=started_at.tzinfo) if started_at else None
    if given is not None and started_at < given - timedelta(hours=12):
        raise ValidationError({"started_at": _(
            "The practice's start is before this phone was given the page for it. Check the "
            "phone's date and time.")})


def _queued_answer(errors=None, log=None):
    if log is not None:
        return JsonResponse({"saved": True, "url": reverse("portal_practise_result",
                                                           args=[log.pk])})
    return JsonResponse({"saved": False, "errors": errors}, status=422)


@login_required
def practise_offline(request, assignment_pk):
    """GET: every step of a run in one page, kept on the phone by Today for a practice started
    without a connection. POST (from the phone's queue): the finished run, stored once by its
    key, even if the plan was archived meanwhile (it began while the plan was active)."""
    client = own_client(request.user)
    if request.method != "POST":
        assignment = _assignment(client, assignment_pk)
        rung = assignment.rung
        record(_actor(request), "view", client, object_type="portal_practise_offline")
        return render(request, "portal/practise_offline.html", {
            "client": client, "assignment": assignment, "rung": rung,
            "values": list(rung.values.all()), "interval": assignment.rating_every_minutes,
            "scale_max": client.scale_max, "ticket": offline_ticket(request.user, assignment),
            "before": PractiseBeforeForm(client=client, fear=rung.feared_outcome,
                                         initial={"likelihood_before": rung.feared_likelihood}),
            "rating": RatingForm(client=client),
            "form": ReflectionForm(initial={"duration_minutes": 1}, client=client, rung=rung,
                                   safety=current_safety(client)),
            "curve": distress_curve([{"minute": 0, "value": 0}], client.scale_max,
                                    ceiling=_ceiling(client, rung)),
            **safety_context(client),
        })
    assignment = get_object_or_404(client.assignments.select_related("rung__plan"),
                                   pk=assignment_pk)
    rung = assignment.rung
    key = request.POST.get("idempotency_key", "").strip()[:64]
    form = ReflectionForm(request.POST, client=client, rung=rung, safety=current_safety(client))
    run = OfflineRunForm(request.POST, client=client)
    if not (form.is_valid() and run.is_valid()):
        risk.refused(_actor(request), client, risk.LOG, answered_risk(form, "risk_flag"))
        return _queued_answer({**form.errors, **run.errors})
    try:
        _check_ticket(request, assignment, run.cleaned_data["started_at"])
        data = _log_data(client, form, form.cleaned_data.get("ratings_json"),
                         stopped=form.cleaned_data.get("stopped_early"),
                         started_at=run.cleaned_data["started_at"],
                         likelihood_before=run.cleaned_data.get("likelihood_before"))
    except ValidationError as error:
        risk.refused(_actor(request), client, risk.LOG, bool(form.cleaned_data.get("risk_flag")))
        return _queued_answer(error.message_dict)
    try:  # the same key again (a resend) returns the first log; other answers are refused
        log, _created = practice_services.submit_log(
            _actor(request), client, rung, data, idempotency_key=key, assignment=assignment,
            source="portal", started_before_archiving=True)
    except ValidationError as error:
        return _queued_answer(error.message_dict if hasattr(error, "error_dict") else {
            "__all__": error.messages})
    return _queued_answer(log=log)


@login_required
def practise_offline_stop(request, assignment_pk):
    """'I need to stop' inside a practice run offline: queued on the phone, recorded once
    against that run (its key) when the connection is back."""
    client = own_client(request.user)
    if request.method != "POST":
        raise Http404
    assignment = get_object_or_404(client.assignments, pk=assignment_pk)
    key = request.POST.get("key", "").strip()[:64]
    try:
        if not key:
            raise ValidationError({"key": _("A submission key is required.")})
        _check_ticket(request, assignment)
    except ValidationError as error:
        return _queued_answer(error.message_dict)
    practice_services.record_stop(_actor(request), client, assignment, reason="in_practice",
                                  practice_key=key)
    return JsonResponse({"saved": True})


@login_required
def practise_result(request, log_pk):
    """What the client learned, reflected back: the prediction against what happened, the
    curve, and the value this practice served."""
    client = own_client(request.user)
    log = get_object_or_404(client.practice_logs.select_related("rung"), pk=log_pk)
    record(_actor(request), "view", log, client=client, object_type="portal_practise_result")
    ratings = log.ratings or [{"minute": 0, "value": log.distress_before},
                              {"minute": log.duration_minutes, "value": log.distress_after}]
    return render(request, "portal/practise_result.html", {
        "client": client, "log": log, "rung": log.rung, "values": list(log.rung.values.all()),
        "curve": distress_curve(ratings, DistressScale(log.scale).max, ceiling=log.ceiling),
        "ratings": ratings, "again_url": reverse("portal_practise_before",
                                                 args=[log.assignment_id])
        if log.assignment_id else None,
    })
