"""Reads of between-session practice, for the portal (the client's own) and the care team."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from bravely.planning.models import ExposurePlan, HomeworkAssignment
from bravely.practice.models import CheckIn, CheckInSettings, PracticeDraft, RiskAlert


def week_start(now=None):
    today = timezone.localdate(now)
    return today - timedelta(days=today.weekday())


def current_assignments(client, today=None):
    """Homework in force today, with how many practices were logged this week."""
    today = today or timezone.localdate()
    monday = week_start()
    return (
        HomeworkAssignment.objects.filter(
            client=client, status=HomeworkAssignment.Status.ACTIVE,
            starts_on__lte=today, ends_on__gte=today,
        )
        .select_related("rung", "plan")
        .annotate(done_this_week=Count("logs", filter=Q(logs__started_at__date__gte=monday)))
        .order_by("rung__position", "id")
    )


def active_plans(client):
    return (
        ExposurePlan.objects.filter(client=client, status__in=["active", "draft", "paused"])
        .prefetch_related("rungs__values")
        .order_by("status", "-created_at")
    )


def check_in_due(client, now=None):
    now = now or timezone.now()
    last = CheckIn.objects.filter(client=client).order_by("-at").values_list("at", flat=True)[:1]
    every = check_in_settings(client.practice).every_days
    account = getattr(client, "account", None)
    if account is not None and account.check_in_every_days:
        every = account.check_in_every_days
    return not last or last[0] + timedelta(days=every) <= now


def latest_draft(user, assignment_id):
    for draft in PracticeDraft.objects.filter(user=user).order_by("-updated_at")[:20]:
        if (str(draft.data.get("assignment")) == str(assignment_id)
                and draft.data.get("mode") != "practise"):
            return draft
    return None


def practice_run(user, client, key):
    """A practise-now run of this signed-in person (404 in the view when None)."""
    return PracticeDraft.objects.filter(user=user, client=client, key=str(key)[:64],
                                        data__mode="practise").first()


def open_runs(user, client, assignment_id=None):
    """Runs started and not yet turned into a log, newest first (two tabs, a closed phone)."""
    runs = [d for d in PracticeDraft.objects.filter(user=user, client=client,
                                                    data__mode="practise")
            .order_by("-updated_at")[:10]
            if assignment_id is None or d.data.get("assignment") == assignment_id]
    return runs


def open_alerts(client):
    return RiskAlert.objects.filter(client=client, closed_at__isnull=True).select_related(
        "check_in", "log")


def logs(client):
    return client.practice_logs.select_related("rung", "entered_by").order_by("-started_at",
                                                                               "-id")


def practice_per_week(client, weeks: int = 8):
    """How many practices were logged in each of the last weeks (no details: for supports)."""
    start = week_start() - timedelta(weeks=weeks - 1)
    dates = client.practice_logs.filter(started_at__date__gte=start).values_list(
        "started_at", flat=True)
    counts = {start + timedelta(weeks=i): 0 for i in range(weeks)}
    for started in dates:
        day = timezone.localdate(started)
        counts[day - timedelta(days=day.weekday())] += 1
    return sorted(counts.items())


def loggable_rungs(client):
    """Rungs a practice can be logged against: any plan not archived (a completed ladder still
    takes maintenance practice)."""
    from bravely.planning.models import Rung

    return Rung.objects.filter(plan__client=client).exclude(
        plan__status="archived").exclude(status="skipped").select_related(
        "plan").order_by("plan_id", "position")


def check_in_settings(practice) -> CheckInSettings:
    """The practice's check-in settings; the defaults are stored on first read."""
    settings, _created = CheckInSettings.objects.get_or_create(practice=practice)
    return settings
