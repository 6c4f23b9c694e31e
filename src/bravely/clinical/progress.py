"""Progress over time: the change in expectancy across practices, practice adherence per week,
a valued goal's progress against what it states, and values ratings over time.

- Expectancy: across 8,484 exposure records the *change* in expectancy across exposures (and the
  learning rate) predicted outcome more than violation within one exposure
  (doi 10.1177/21677026221101379; shared/clinical-facts.md, "Expectancy and homework"). We report
  the first and the latest likelihood before a practice, their difference, and the least-squares
  slope per practice.
- Adherence: homework quantity relates to outcome (Kazantzis et al. 2016). Assigned practices per
  week are the homework's practices per week, pro rata for the days of the week it was in force.
- Goals are "specific, measurable and revisable, so progress remains visible over time"
  (seed/values-guided-exposure.txt): the goal's "times per day / week / month, by when" gives the
  target; what was done is counted by the caller (Bravely counts the practices of rungs that serve
  the goal's value).

Pure Python: days are dates the caller has already put in the client's time zone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bravely.clinical.scales import ClinicalInputError, _


def week_start(day: date) -> date:
    """The Monday of day's week."""
    return day - timedelta(days=day.weekday())


# Expectancy


@dataclass(frozen=True)
class ExpectancyChange:
    count: int  # practices with a likelihood before
    first: int | None  # the first practice's likelihood before (0-100)
    latest: int | None
    change: int | None  # latest - first; negative: the feared outcome seems less likely now
    slope: float | None  # points per practice (least squares), one decimal; None below 2
    happened: int  # practices in which the feared outcome happened
    partly: int
    did_not: int
    unanswered: int


def _slope(values: Sequence[int]) -> float | None:
    n = len(values)
    if n < 2:
        return None
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    sxx = sum((i - mean_x) ** 2 for i in range(n))
    sxy = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    return round(sxy / sxx, 1)


def expectancy_change(before: Sequence[int | None],
                      happened: Sequence[str] = ()) -> ExpectancyChange:
    """before: a likelihood (0-100) per practice, oldest first (None when not rated; Bravely
    passes the likelihood rated after each practice); happened: "yes" / "partly" / "no" / ""
    per practice."""
    rated = [v for v in before if v is not None]
    for value in rated:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise ClinicalInputError("likelihood_before",
                                     _("A likelihood must be a whole number from 0 to 100, "
                                       "not {value!r}."), value=value)
    counts = {"yes": 0, "partly": 0, "no": 0, "": 0}
    for answer in happened:
        counts[answer if answer in counts else ""] += 1
    return ExpectancyChange(
        count=len(rated),
        first=rated[0] if rated else None,
        latest=rated[-1] if rated else None,
        change=rated[-1] - rated[0] if len(rated) >= 2 else None,
        slope=_slope(rated),
        happened=counts["yes"], partly=counts["partly"], did_not=counts["no"],
        unanswered=counts[""],
    )


def trend_line(values: Sequence[int]) -> tuple[float, float] | None:
    """(value at the first practice, value at the last) of the least-squares line, for drawing."""
    n = len(values)
    if n < 2:
        return None
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    sxx = sum((i - mean_x) ** 2 for i in range(n))
    slope = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values)) / sxx
    start = mean_y - slope * mean_x
    return start, start + slope * (n - 1)


# Adherence


@dataclass(frozen=True)
class Assigned:
    starts_on: date
    ends_on: date  # inclusive
    per_week: int


@dataclass(frozen=True)
class WeekAdherence:
    week: date  # its Monday
    assigned: int
    done: int


def adherence_by_week(assigned: Iterable[Assigned], done_days: Iterable[date],
                      first: date, last: date) -> list[WeekAdherence]:
    """Assigned and done practices for each week from first's week to last's week.

    A homework in force for d days of a week counts per_week * d / 7 practices that week, rounded
    half up over the week's total (three a week from a Thursday: 3 * 4 / 7 = 1.7, so 2)."""
    if last < first:
        raise ClinicalInputError("last", _("The last day comes before the first."))
    start, end = week_start(first), week_start(last)
    weeks = []
    day = start
    while day <= end:
        weeks.append(day)
        day += timedelta(days=7)
    sevenths = dict.fromkeys(weeks, 0)
    for item in assigned:
        if item.per_week < 0:
            raise ClinicalInputError("per_week", _("Practices per week cannot be negative."))
        for monday in weeks:
            lo = max(monday, item.starts_on)
            hi = min(monday + timedelta(days=6), item.ends_on)
            if hi >= lo:
                sevenths[monday] += item.per_week * ((hi - lo).days + 1)
    done = dict.fromkeys(weeks, 0)
    for day in done_days:
        monday = week_start(day)
        if monday in done:
            done[monday] += 1
    return [WeekAdherence(m, (sevenths[m] * 2 + 7) // 14, done[m]) for m in weeks]


# Valued goals


PER_DAYS = {"day": 1, "week": 7, "month": 30}


@dataclass(frozen=True)
class GoalProgress:
    target: int  # times the goal asks for from its start to its date
    done: int  # done from the start (counted up to today or the goal's date, whichever is first)
    expected_by_now: int  # on a steady pace, done by today
    cumulative: tuple[tuple[date, int], ...]  # (day, done so far) at each day something was done
    on_track: bool


def goal_progress(times: int, per: str, start: date, by_when: date, done_days: Iterable[date],
                  today: date) -> GoalProgress:
    """A goal of `times` per day / week / month from start to by_when (inclusive), against the
    days something was done. A month counts as 30 days."""
    if per not in PER_DAYS:
        raise ClinicalInputError("per", _("A goal is counted per day, week or month, not "
                                          "{value!r}."), value=per)
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise ClinicalInputError("times", _("A goal needs at least one time."))
    span = max((by_when - start).days + 1, 1)
    target = max(1, math.ceil(times * span / PER_DAYS[per]))
    until = min(today, by_when)
    counted = sorted(d for d in done_days if start <= d <= until)
    cumulative, total = [], 0
    for day in counted:
        total += 1
        if cumulative and cumulative[-1][0] == day:
            cumulative[-1] = (day, total)
        else:
            cumulative.append((day, total))
    elapsed = min(max((until - start).days + 1, 0), span)
    expected = math.floor(target * elapsed / span)
    return GoalProgress(target, total, expected, tuple(cumulative), total >= expected)


# Values over time


@dataclass(frozen=True)
class ValuesPoint:
    day: date
    importance: int | None  # None for a check-in before any assessment of the domain
    consistency: float  # 1-10 in an assessment; the mean 0-10 rating of a check-in's values
    gap: float | None  # importance - consistency
    source: str  # "assessment" or "check_in"


def values_over_time(assessments: Iterable[tuple[date, Iterable[tuple[str, int, int]]]],
                     check_ins: Iterable[tuple[date, Iterable[tuple[str, int]]]],
                     ) -> dict[str, list[ValuesPoint]]:
    """Per domain, the points in date order (an assessment before a check-in on the same day).

    assessments: (day, [(domain, importance, consistency)]); check_ins: (day, [(domain, rating)])
    where a rating is how much the client lived by one of their values of that domain (0-10). A
    check-in's importance is the latest assessment's on or before its day."""
    events = [(day, 0, "assessment", list(rows)) for day, rows in assessments]
    events += [(day, 1, "check_in", list(rows)) for day, rows in check_ins]
    events.sort(key=lambda e: (e[0], e[1]))
    importance: dict[str, int] = {}
    out: dict[str, list[ValuesPoint]] = {}
    for day, _order, source, rows in events:
        if source == "assessment":
            for domain, imp, cons in rows:
                importance[domain] = imp
                out.setdefault(domain, []).append(ValuesPoint(day, imp, cons, imp - cons, source))
            continue
        per_domain: dict[str, list[int]] = {}
        for domain, rating in rows:
            per_domain.setdefault(domain, []).append(rating)
        for domain, ratings in per_domain.items():
            cons = round(sum(ratings) / len(ratings), 1)
            imp = importance.get(domain)
            gap = round(imp - cons, 1) if imp is not None else None
            out.setdefault(domain, []).append(ValuesPoint(day, imp, cons, gap, source))
    return out
