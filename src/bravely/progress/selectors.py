"""Reads for the progress pages and the chart API: one client's history turned into the plain
data the charts take (bravely.progress.charts).

A fixed number of queries whatever the history (the logs are read once as values, everything
else per client), and days counted in the client's own time zone. The client comes already
scoped (clients.selectors.get_client or portal.selectors.own_client).
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.clinical import progress as rules
from bravely.planning.models import (
    ExposurePlan,
    HomeworkAssignment,
    ValuedGoal,
    ValuesAssessment,
    ValueStatement,
)
from bravely.planning.models.history import ChangeRecord
from bravely.practice.models import CheckIn, PracticeLog
from bravely.progress import charts

#: The period selector: key -> days back from today (None: everything).
PERIODS = {"4w": 28, "12w": 84, "all": None}
DEFAULT_PERIOD = "12w"


def period_choices():
    return [("4w", _("Last 4 weeks")), ("12w", _("Last 12 weeks")), ("all", _("All"))]


class BadPeriod(ValueError):
    pass


def check_period(value: str | None) -> str:
    """The period key, DEFAULT_PERIOD when none is given; BadPeriod for anything else."""
    if value in (None, ""):
        return DEFAULT_PERIOD
    if value not in PERIODS:
        raise BadPeriod(_("Choose a period: last 4 weeks (4w), last 12 weeks (12w) or all "
                          "(all)."))
    return value


def today_of(client, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), _tz(client)).date()


def _tz(client):
    try:
        return ZoneInfo(client.time_zone)
    except (ValueError, KeyError):  # a zone removed from the system's database
        return timezone.get_default_timezone()


def since_of(client, period: str, now: datetime | None = None) -> date | None:
    days = PERIODS[period]
    return None if days is None else today_of(client, now) - timedelta(days=days - 1)


@dataclass
class ProgressData:
    period: str
    since: date | None
    today: date
    scale_max: int
    distress: list[charts.DistressSeries] = field(default_factory=list)
    ladders: list[charts.LadderSeries] = field(default_factory=list)
    expectancy: charts.ExpectancySeries = field(
        default_factory=lambda: charts.ExpectancySeries([]))
    values: list[charts.ValuesDomain] = field(default_factory=list)
    goals: list[charts.GoalSeries] = field(default_factory=list)
    adherence: list[charts.AdherenceWeek] = field(default_factory=list)
    measures: list = field(default_factory=list)
    measures_available: bool = False
    practice_count: int = 0


LOG_FIELDS = ("id", "rung_id", "plan_id", "started_at", "distress_before", "distress_peak",
              "distress_after", "ceiling", "likelihood_before", "likelihood_after",
              "feared_outcome_happened", "stopped_early")


def progress_data(client, period: str = DEFAULT_PERIOD, *, now: datetime | None = None,
                  with_measures: bool = True) -> ProgressData:
    tz = _tz(client)
    today = today_of(client, now)
    since = since_of(client, period, now)

    def day(moment) -> date:
        return timezone.localtime(moment, tz).date()

    def shown(d: date) -> bool:
        return since is None or d >= since

    logs = list(PracticeLog.objects.filter(client=client).order_by("started_at", "id")
                .values(*LOG_FIELDS))
    for log in logs:
        log["day"] = day(log["started_at"])
    in_period = [log for log in logs if shown(log["day"])]
    plans = list(ExposurePlan.objects.filter(client=client).exclude(status="archived")
                 .prefetch_related("rungs__values").order_by("created_at", "id"))
    rung_changes = list(ChangeRecord.objects.filter(client=client, object_type="rung")
                        .order_by("changed_at", "id")
                        .values("object_id", "action", "before", "after", "changed_at"))
    data = ProgressData(period=period, since=since, today=today, scale_max=client.scale_max,
                        practice_count=len(in_period))
    _ladders_and_distress(data, plans, in_period, rung_changes, day, shown)
    names = {r.pk: r.behaviour for plan in plans for r in plan.rungs.all()}
    data.expectancy = charts.ExpectancySeries([
        charts.ExpectancyPoint(log["day"], log["likelihood_before"], log["likelihood_after"],
                               log["feared_outcome_happened"] or "",
                               names.get(log["rung_id"], ""))
        for log in in_period
        if log["likelihood_before"] is not None or log["likelihood_after"] is not None])
    statements = {s.pk: s for s in ValueStatement.objects.filter(client=client)
                  .select_related("domain")}
    data.values = _values(client, statements, day, shown, since)
    data.goals = _goals(client, plans, logs, today)
    data.adherence = _adherence(client, logs, today, since)
    if with_measures:
        data.measures_available, data.measures = measure_history(client, since)
    return data


def _ladders_and_distress(data, plans, logs, rung_changes, day, shown):
    by_rung: dict[int, list[dict]] = {}
    for log in logs:
        by_rung.setdefault(log["rung_id"], []).append(log)
    mastered_on: dict[int, date] = {}
    re_ratings: dict[int, list[charts.ReRating]] = {}
    for change in rung_changes:
        before, after = change["before"] or {}, change["after"] or {}
        rung_id = change["object_id"]
        if after.get("status") == "mastered" and before.get("status") != "mastered":
            if change["action"] == "create":  # added as mastered: only if nothing says when
                mastered_on.setdefault(rung_id, day(change["changed_at"]))
            else:
                mastered_on[rung_id] = day(change["changed_at"])
        old, new = before.get("predicted_distress"), after.get("predicted_distress")
        if (change["action"] == "update" and old is not None and new is not None and old != new
                and shown(day(change["changed_at"]))):
            re_ratings.setdefault(rung_id, []).append(
                charts.ReRating(day(change["changed_at"]), old, new))
    for plan in plans:
        rungs = [r for r in plan.rungs.all() if r.status != "skipped"]
        if not rungs:
            continue
        ladder = []
        for position, rung in enumerate(rungs, start=1):
            rung_logs = by_rung.get(rung.pk, [])
            done = mastered_on.get(rung.pk)
            if rung.status == "mastered" and done is None:
                done = day(rung.updated_at)
            ladder.append(charts.LadderRung(
                position=position, label=rung.behaviour, status=rung.status,
                predicted=rung.predicted_distress,
                mastered_on=done if done and shown(done) and rung.status == "mastered" else None,
                practices=[log["day"] for log in rung_logs],
                re_ratings=re_ratings.get(rung.pk, [])))
            if rung_logs:
                data.distress.append(charts.DistressSeries(
                    rung=rung.behaviour, scale_max=data.scale_max,
                    ceiling=rung_logs[-1]["ceiling"], predicted=rung.predicted_distress,
                    points=[charts.DistressPoint(log["day"], log["distress_before"],
                                                 log["distress_peak"], log["distress_after"],
                                                 log["stopped_early"]) for log in rung_logs]))
        current = next((i for i, r in enumerate(rungs, start=1) if r.status == "active"), None)
        if current is None:
            current = next((i for i, r in enumerate(rungs, start=1)
                            if r.status in ("planned", "paused")), None)
        data.ladders.append(charts.LadderSeries(plan.title, ladder, current))


def _values(client, statements, day, shown, since):
    assessments = list(ValuesAssessment.objects.filter(client=client)
                       .prefetch_related("ratings").order_by("assessed_on", "id"))
    check_ins = list(CheckIn.objects.filter(client=client).order_by("at", "id")
                     .values("at", "value_ratings"))
    names: dict[str, str] = {}
    rated = []
    for a in assessments:
        rows = []
        for r in a.ratings.all():
            names[str(r.domain_id)] = r.domain_name
            rows.append((str(r.domain_id), r.importance, r.consistency))
        rated.append((a.assessed_on, rows))
    checked = []
    for c in check_ins:
        rows = []
        for item in c["value_ratings"] or []:
            statement = statements.get(item.get("statement_id"))
            if statement is None or not isinstance(item.get("rating"), int):
                continue
            key = str(statement.domain_id)
            names.setdefault(key, statement.domain.name)
            rows.append((key, item["rating"]))
        if rows:
            checked.append((day(c["at"]), rows))
    merged = rules.values_over_time(rated, checked)
    domains = []
    for key, points in merged.items():
        kept = [charts.ValuesPoint(p.day, p.importance, p.consistency, p.gap, p.source)
                for p in points if shown(p.day)]
        if kept:
            domains.append(charts.ValuesDomain(names.get(key, key), kept))
    # The widest latest gap first: where living by a value lags most behind how much it matters.
    domains.sort(key=lambda d: (-(d.points[-1].gap or 0), d.name))
    return domains


def _goals(client, plans, logs, today):
    """Each goal, counting as done the practices of rungs that serve the goal's value."""
    serving: dict[int, set[int]] = {}
    for plan in plans:
        for rung in plan.rungs.all():
            for statement in rung.values.all():
                serving.setdefault(statement.pk, set()).add(rung.pk)
    goals = []
    tz = _tz(client)
    for goal in ValuedGoal.objects.filter(client=client).order_by("by_when", "id"):
        rungs = serving.get(goal.statement_id, set())
        start = timezone.localtime(goal.created_at, tz).date()
        result = rules.goal_progress(goal.times, goal.per, start, goal.by_when,
                                     [log["day"] for log in logs if log["rung_id"] in rungs],
                                     today)
        goals.append(charts.GoalSeries(
            label=goal.what, target=result.target, start=start, by_when=goal.by_when,
            cumulative=list(result.cumulative), expected_by_now=result.expected_by_now,
            status=str(goal.get_status_display())))
    return goals


def _adherence(client, logs, today, since):
    tz = _tz(client)
    assignments = list(HomeworkAssignment.objects.filter(client=client).values(
        "starts_on", "ends_on", "frequency_per_week", "status", "updated_at"))
    if not assignments and not logs:
        return []
    assigned = []
    for a in assignments:
        ends = a["ends_on"]
        if a["status"] == HomeworkAssignment.Status.CANCELLED:
            ends = min(ends, timezone.localtime(a["updated_at"], tz).date())
        assigned.append(rules.Assigned(a["starts_on"], ends, a["frequency_per_week"]))
    starts = [a.starts_on for a in assigned] + [log["day"] for log in logs]
    first = max(min(starts), since) if since else min(starts)
    first = min(first, today)
    weeks = rules.adherence_by_week(assigned, [log["day"] for log in logs], first, today)
    return [charts.AdherenceWeek(w.week, w.assigned, w.done) for w in weeks]


MEASURES = "bravely.measures.selectors"


def measure_history(client, since: date | None = None) -> tuple[bool, list]:
    """(measures installed, each instrument's history) from the measures app when it exists:
    bravely.measures.selectors.score_history(client) returns objects shaped like
    charts.MeasureSeries. Points before `since` are left out."""
    try:
        if importlib.util.find_spec(MEASURES) is None:
            return False, []
    except ModuleNotFoundError:
        return False, []
    module = importlib.import_module(MEASURES)
    history = list(module.score_history(client))
    if since is not None:
        history = [charts.Measure(s.instrument_code, s.name, s.max_score, list(s.bands),
                                  s.cutoff, [p for p in s.points if p[0] >= since])
                   for s in history]
    return True, history
