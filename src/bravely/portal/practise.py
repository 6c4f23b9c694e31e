"""Practise now (/me/practise/...): the client is guided through one exposure on their phone.

Before: the rung, the value it serves, the prediction and how strong the fear is now. During: a
timer and a "how strong is it now" rating every few minutes (the assignment's interval), with
"I need to stop" one tap away and recorded against this practice. After: a short reflection
that becomes the same PracticeLog the care team reads (practice.services.submit_log, so the
pacing refresh and the risk path run), then what the client learned, reflected back.

Without JavaScript every step is a plain form; static/bravely/practise.js adds the live timer,
the curve and the offline queue. The run is a PracticeDraft until the reflection is saved.
"""

import json
import uuid
from datetime import datetime

from django.contrib.auth.decorators import login_required
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
from bravely.portal.forms import PractiseBeforeForm, RatingForm, ReflectionForm
from bravely.portal.selectors import own_client
from bravely.practice import risk
from bravely.practice import selectors as practice_selectors
from bravely.practice import services as practice_services
from bravely.practice.forms import answered_risk

DAY = 24 * 60


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
        data = form.log_data()
        ratings = form.cleaned_data.get("ratings_json")
        if ratings is None:
            ratings = draft.data.get("ratings") or []
        data.pop("ratings_json", None)
        try:
            ratings = practice_services.validate_ratings(client, ratings)
            if not ratings:
                raise ValidationError({"ratings": _("Rate how strong the fear is at least "
                                                    "once before you finish.")})
            values = [r["value"] for r in ratings]
            data.update(
                started_at=datetime.fromisoformat(draft.data["started_at"]),
                distress_before=values[0], distress_peak=max(values), distress_after=values[-1],
                ratings=ratings, likelihood_before=draft.data.get("likelihood_before"),
                stopped_early=bool(data.get("stopped_early") or stopped))
            if data["stopped_early"] and not (data.get("stopped_early_reason") or "").strip():
                data["stopped_early_reason"] = _(
                    "I stopped with the stop button during the practice.")
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
