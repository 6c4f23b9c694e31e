"""Maintenance after active treatment: the booster schedule, the maintenance practice schedule,
rising re-ratings and quiet hours. Pure Python, no Django; frozen inputs, plain outputs.

Sources (../shared/clinical-facts.md, "Relapse prevention"):
- No authoritative booster schedule was found; expanding intervals (Rowe & Craske 1998) are a
  defensible default. ``DEFAULT_BOOSTER_WEEKS`` (2, 4, 8, 12 weeks after the end of active
  treatment) is a Bravely default, configurable per practice and per client.
- Clients who responded but did not remit had 8.8 times the odds of later deterioration (Elsner
  et al. 2020, secondary source): their boosters come sooner (``EARLIER_FACTOR``, a Bravely
  default: each interval halved, at least one week).
- Maintenance self-exposure is drawn from the top third of the hierarchy, at random (varied
  order), at a tolerable intensity; planned versus done is logged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bravely.clinical.scales import ClinicalInputError, _

DEFAULT_BOOSTER_WEEKS: tuple[int, ...] = (2, 4, 8, 12)
EARLIER_FACTOR = 0.5
MAX_WEEKS = 104
TOP_FRACTION = 1 / 3
# A re-rating this many points (0-100 basis) above the rung's earlier rating counts as rising
# (a Bravely default: about one neighbouring-rung step, clinical-facts "Hierarchy").
RISING_POINTS = 10


def validate_weeks(weeks) -> tuple[int, ...]:
    """Booster weeks after the end of active treatment: whole numbers from 1 to 104, strictly
    increasing (no duplicates, none in the past of the one before)."""
    try:
        values = tuple(int(w) for w in weeks)
    except (TypeError, ValueError):
        raise ClinicalInputError("booster_weeks", _("Enter whole numbers of weeks, such as "
                                 "2, 4, 8, 12.")) from None
    if not values:
        raise ClinicalInputError("booster_weeks", _("Enter at least one booster week."))
    if any(w < 1 or w > MAX_WEEKS for w in values):
        raise ClinicalInputError("booster_weeks", _("Each booster week must be from 1 to "
                                 "{max}."), max=MAX_WEEKS)
    if len(set(values)) != len(values):
        raise ClinicalInputError("booster_weeks", _("Each booster week can appear only once."))
    if list(values) != sorted(values):
        raise ClinicalInputError("booster_weeks", _("List the booster weeks from the earliest "
                                 "to the latest."))
    return values


def booster_weeks(weeks=DEFAULT_BOOSTER_WEEKS, *, responded_not_remitted: bool = False
                  ) -> tuple[int, ...]:
    """The weeks in force: earlier (each halved, at least 1, still increasing) for a client who
    responded but did not reach remission."""
    values = validate_weeks(weeks)
    if not responded_not_remitted:
        return values
    earlier: list[int] = []
    for w in values:
        week = max(1, round(w * EARLIER_FACTOR))
        if earlier and week <= earlier[-1]:
            week = earlier[-1] + 1
        earlier.append(week)
    return tuple(earlier)


def booster_dates(end_of_active: date, weeks=DEFAULT_BOOSTER_WEEKS, *,
                  responded_not_remitted: bool = False) -> list[date]:
    """The booster check-in dates after the end of active treatment."""
    return [end_of_active + timedelta(weeks=w)
            for w in booster_weeks(weeks, responded_not_remitted=responded_not_remitted)]


@dataclass(frozen=True)
class RungForMaintenance:
    id: int
    predicted: int  # predicted distress, on the client's scale
    status: str  # "mastered", "active", ...


def maintenance_rungs(rungs, *, tolerable: int | None, fraction: float = TOP_FRACTION
                      ) -> list[int]:
    """The upper part of the ladder (the top third by predicted distress, at least one rung) among
    rungs the client has mastered, leaving out any above the tolerable intensity. Returns ids,
    hardest first."""
    done = sorted((r for r in rungs if r.status == "mastered"),
                  key=lambda r: (-r.predicted, r.id))
    if not done:
        return []
    top = done[:max(1, round(len(done) * fraction + 0.49))]
    if tolerable is not None:
        top = [r for r in top if r.predicted <= tolerable] or [
            r for r in done if r.predicted <= tolerable][:1]
    return [r.id for r in top]


def schedule(rung_ids, start: date, *, per_week: int, weeks: int, contexts=(),
             seed: int = 0) -> list[tuple[date, int, str]]:
    """Maintenance practice: per_week sessions a week for `weeks` weeks, the rungs in a varied
    (shuffled) order, never the same rung twice in a row when there are two or more, each with
    the next of `contexts` in turn (variability, multiple contexts: Craske et al. 2014)."""
    if not rung_ids:
        raise ClinicalInputError("rungs", _("There are no mastered rungs to practise; mark the "
                                 "rungs the client has mastered first."))
    if not 1 <= per_week <= 7:
        raise ClinicalInputError("per_week", _("Choose from 1 to 7 practices a week."))
    if not 1 <= weeks <= 26:
        raise ClinicalInputError("weeks", _("Choose from 1 to 26 weeks."))
    rng = random.Random(seed)
    ids = list(rung_ids)
    order: list[int] = []
    while len(order) < per_week * weeks:
        batch = ids[:]
        rng.shuffle(batch)
        if order and len(batch) > 1 and batch[0] == order[-1]:
            batch[0], batch[-1] = batch[-1], batch[0]
        order += batch
    order = order[:per_week * weeks]
    gap = 7 / per_week
    result = []
    for i, rung_id in enumerate(order):
        day = start + timedelta(weeks=i // per_week, days=int((i % per_week) * gap))
        context = contexts[i % len(contexts)] if contexts else ""
        result.append((day, rung_id, context))
    return result


def rising(earlier: dict[int, int], now: dict[int, int], *, scale_max: int = 100,
           points: int = RISING_POINTS) -> list[int]:
    """Ids whose re-rating rose by at least `points` (on a 0-100 basis) over the earlier
    rating: a sign that fear may be returning."""
    factor = 100 / scale_max
    return sorted(k for k, value in now.items()
                  if k in earlier and (value - earlier[k]) * factor >= points)


def in_quiet_hours(hour: int, quiet_from: int, quiet_until: int) -> bool:
    """Is this local hour inside the quiet window [from, until)? The window may run over
    midnight (21 to 8); equal ends mean no quiet hours."""
    for name, value in (("hour", hour), ("quiet_from", quiet_from),
                        ("quiet_until", quiet_until)):
        if not 0 <= value <= 23:
            raise ClinicalInputError(name, _("Hours run from 0 to 23."))
    if quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:
        return quiet_from <= hour < quiet_until
    return hour >= quiet_from or hour < quiet_until


def send_at(due: date, time_zone: str, *, hour: int, quiet_from: int, quiet_until: int
            ) -> datetime:
    """When a reminder for a day is sent: at `hour` local time on that day, moved to the end of
    the quiet window when the hour is inside it. Aware, in the client's zone (a daylight-saving
    change is handled by zoneinfo)."""
    zone = ZoneInfo(time_zone)
    if in_quiet_hours(hour, quiet_from, quiet_until):
        hour = quiet_until
    return datetime.combine(due, time(hour), tzinfo=zone)
