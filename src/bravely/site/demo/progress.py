"""Demo history for the progress charts: six weeks of Jordan's work, so that every chart on the
progress pages shows something real. Runs after the practice step, before pacing. Idempotent:
logs and check-ins have fixed keys, and the rest is only added when it is missing.

- the first rung ("Say good morning") was practised four times a week from six weeks ago,
  distress and the feared outcome's likelihood falling, and mastered three weeks ago;
- the second rung ("Ask one question") was practised from three weeks ago, its predicted distress
  re-rated from 50 to 40 after the first week;
- weekly check-ins rate how much Jordan lived by two values, rising slowly;
- the goals were set at the first values assessment, six weeks ago.

Past homework, the mastering and the re-rating are written as the records they would have left
(HomeworkAssignment with its signed Rationale, ChangeRecord), dated in the past; the logs and
check-ins go through the practice services like any other.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from bravely.audit.services import Actor
from bravely.clients.models import Client
from bravely.planning.models import HomeworkAssignment, Rationale, Rung
from bravely.planning.models.history import ChangeRecord
from bravely.planning.selectors.homework import draft_rationale
from bravely.planning.selectors.safety import current_safety
from bravely.practice import services
from bravely.practice.models import CheckIn

NOTE = "Demo history"

# (days ago, before, peak, after, likelihood after, did it happen)
FIRST_RUNG = [(41, 40, 58, 35, 55, "partly"), (39, 38, 55, 30, 50, "no"),
              (37, 35, 52, 28, 45, "no"), (35, 35, 50, 25, 40, "no"),
              (33, 32, 47, 22, 35, "no"), (31, 30, 44, 20, 30, "no"),
              (29, 30, 40, 18, 25, "yes"), (27, 28, 38, 15, 25, "no"),
              (25, 25, 34, 12, 15, "no"), (23, 22, 30, 10, 10, "no")]
SECOND_RUNG = [(20, 45, 68, 40, 65, "no"), (18, 42, 66, 38, 60, "no"),
               (15, 40, 62, 35, 55, "partly"), (13, 40, 60, 32, 50, "no"),
               (11, 38, 58, 30, 45, "no")]
# (days ago, how much Jordan lived by the first value, by the second), 0-10
CHECK_INS = [(38, 3, 2), (31, 4, 2), (24, 4, 3), (17, 5, 4), (10, 5, 4)]


def _at(client, days_ago: int, hour: int = 18):
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _past_assignment(client, rung, safety, days_from, days_to, per_week, actor):
    today = timezone.localdate()
    starts = today - timedelta(days=days_from)
    found = HomeworkAssignment.objects.filter(client=client, rung=rung, starts_on=starts).first()
    if found:
        return found
    assignment = HomeworkAssignment.objects.create(
        client=client, plan=rung.plan, rung=rung, frequency_per_week=per_week, starts_on=starts,
        ends_on=today - timedelta(days=days_to), instructions="Practise and rate distress.",
        coping_plan="Slow breathing; step out if needed.", safety=safety,
        agreed_with_client=True, status=HomeworkAssignment.Status.COMPLETED,
        created_by=actor.user, created_at=_at(client, days_from, 10))
    text = draft_rationale(assignment)
    Rationale.objects.create(assignment=assignment, text=text, drafted_text=text,
                             signed_by=actor.user, signed_at=assignment.created_at)
    return assignment


def _logs(actor, client, rung, assignment, rows, prefix):
    for n, (days, before, peak, after, likelihood, happened) in enumerate(rows):
        services.submit_log(actor, client, rung, {
            "started_at": _at(client, days), "duration_minutes": 25,
            "distress_before": before, "distress_peak": peak, "distress_after": after,
            "likelihood_after": likelihood, "feared_outcome_happened": happened,
            "what_happened": "It went better than I expected.", "peak_confirmed": True,
        }, idempotency_key=f"demo-{prefix}-{n}", assignment=assignment, source="portal")


def _history(client, rung, actor, days_ago, before, after):
    if ChangeRecord.objects.filter(client=client, object_type="rung", object_id=rung.pk,
                                   note=NOTE, after=after).exists():
        return
    ChangeRecord.objects.create(client=client, plan=rung.plan, object_type="rung",
                                object_id=rung.pk, action="update", before=before, after=after,
                                note=NOTE, changed_by=actor.user,
                                changed_at=_at(client, days_ago, 12))


def _jordan(client):
    account = getattr(client, "account", None)
    safety = current_safety(client)
    plan = client.exposure_plans.filter(status="active").first()
    if account is None or safety is None or plan is None:
        return
    rungs = list(plan.rungs.order_by("position", "id"))
    if len(rungs) < 2:
        return
    clinician = Actor(client.primary_clinician, "127.0.0.1", via="demo")
    jordan = Actor(account.user, "127.0.0.1", via="demo")
    first, second = rungs[0], rungs[1]
    past = _past_assignment(client, first, safety, 42, 22, 4, clinician)
    _logs(jordan, client, first, past, FIRST_RUNG, "jordan-r1")
    _history(client, first, clinician, 22, {"status": Rung.Status.ACTIVE},
             {"status": Rung.Status.MASTERED})
    past = _past_assignment(client, second, safety, 21, 1, 3, clinician)
    _logs(jordan, client, second, past, SECOND_RUNG, "jordan-r2")
    _history(client, second, clinician, 14, {"predicted_distress": 50},
             {"predicted_distress": second.predicted_distress})
    statements = list(client.value_statements.filter(archived_at__isnull=True)
                      .order_by("rank", "id")[:2])
    if len(statements) == 2:
        for days, one, two in CHECK_INS:
            check_in, created = services.submit_check_in(jordan, client, {
                "risk": False, "tolerable_distress": 70, "value_ratings": [
                    {"statement_id": statements[0].pk, "rating": one},
                    {"statement_id": statements[1].pk, "rating": two}]},
                idempotency_key=f"demo-jordan-values-{days}")
            if created:
                CheckIn.objects.filter(pk=check_in.pk).update(at=_at(client, days, 20))
    first_assessment = client.values_assessments.order_by("assessed_on").first()
    if first_assessment is not None:
        start = _at(client, (timezone.localdate() - first_assessment.assessed_on).days, 11)
        client.valued_goals.filter(created_at__gt=start).update(created_at=start)


def load(practice, users):
    for client in Client.objects.filter(practice=practice, display_name="Jordan Reyes",
                                        archived_at__isnull=True).select_related(
                                            "primary_clinician"):
        _jordan(client)
