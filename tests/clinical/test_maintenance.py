"""The pure maintenance rules: booster schedule, maintenance schedule, rising re-ratings, quiet
hours and the local send time."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bravely.clinical import maintenance as rules
from bravely.clinical.scales import ClinicalInputError


def test_default_boosters_expand_from_the_end_of_active_treatment():
    assert rules.booster_dates(date(2026, 1, 5)) == [
        date(2026, 1, 19), date(2026, 2, 2), date(2026, 3, 2), date(2026, 3, 30)]


def test_responded_without_remission_gets_earlier_boosters():
    assert rules.booster_weeks((2, 4, 8, 12), responded_not_remitted=True) == (1, 2, 4, 6)
    assert rules.booster_weeks((1, 2, 3), responded_not_remitted=True) == (1, 2, 3)


@pytest.mark.parametrize("weeks, field_text", [
    ((), "at least one"), ((2, 2, 4), "only once"), ((4, 2), "earliest"), ((0, 2), "from 1"),
    (("x",), "whole numbers"), ((200,), "from 1")])
def test_bad_booster_weeks_are_refused_with_the_field(weeks, field_text):
    with pytest.raises(ClinicalInputError) as caught:
        rules.validate_weeks(weeks)
    assert caught.value.field == "booster_weeks" and field_text in str(caught.value)


@given(st.lists(st.integers(1, 104), min_size=1, max_size=8, unique=True), st.booleans())
def test_boosters_are_always_increasing(weeks, earlier):
    found = rules.booster_weeks(sorted(weeks), responded_not_remitted=earlier)
    assert list(found) == sorted(set(found)) and len(found) == len(weeks)


def rung(i, predicted, status="mastered"):
    return rules.RungForMaintenance(i, predicted, status)


def test_maintenance_draws_from_the_top_third_of_the_mastered_ladder():
    rungs = [rung(i, 10 * i) for i in range(1, 10)] + [rung(99, 95, "planned")]
    assert rules.maintenance_rungs(rungs, tolerable=None) == [9, 8, 7]
    assert rules.maintenance_rungs(rungs, tolerable=75) == [7]
    assert rules.maintenance_rungs([rung(1, 30, "active")], tolerable=None) == []


def test_schedule_varies_order_and_context_and_never_repeats_a_rung_back_to_back():
    planned = rules.schedule([1, 2, 3], date(2026, 1, 5), per_week=3, weeks=4,
                             contexts=["home", "work"], seed=7)
    assert len(planned) == 12
    ids = [r for _d, r, _c in planned]
    assert all(a != b for a, b in zip(ids, ids[1:], strict=False))
    assert {c for *_x, c in planned} == {"home", "work"}
    assert planned[0][0] == date(2026, 1, 5) and planned[3][0] == date(2026, 1, 12)


def test_schedule_without_mastered_rungs_explains_what_is_needed():
    with pytest.raises(ClinicalInputError) as caught:
        rules.schedule([], date(2026, 1, 5), per_week=2, weeks=2)
    assert caught.value.field == "rungs" and "mastered" in str(caught.value)


def test_rising_re_ratings_on_either_scale():
    assert rules.rising({1: 50, 2: 60}, {1: 65, 2: 62}) == [1]
    assert rules.rising({1: 5}, {1: 6}, scale_max=10) == [1]
    assert rules.rising({1: 5}, {1: 4, 3: 9}, scale_max=10) == []


@pytest.mark.parametrize("hour, quiet, expected", [
    (22, (21, 8), True), (7, (21, 8), True), (8, (21, 8), False), (13, (12, 14), True),
    (18, (18, 18), False)])
def test_quiet_hours(hour, quiet, expected):
    assert rules.in_quiet_hours(hour, *quiet) is expected


def test_reminder_at_18_local_in_a_utc_minus_5_zone_also_across_daylight_saving():
    winter = rules.send_at(date(2026, 3, 7), "America/New_York", hour=18, quiet_from=21,
                           quiet_until=8)
    summer = rules.send_at(date(2026, 3, 9), "America/New_York", hour=18, quiet_from=21,
                           quiet_until=8)
    assert winter.astimezone(UTC) == datetime(2026, 3, 7, 23, tzinfo=UTC)
    assert summer.astimezone(UTC) == datetime(2026, 3, 9, 22, tzinfo=UTC)


def test_a_reminder_hour_inside_quiet_hours_moves_to_their_end():
    moved = rules.send_at(date(2026, 3, 7), "UTC", hour=22, quiet_from=21, quiet_until=8)
    assert moved.hour == 8 and moved.date() == date(2026, 3, 7)
