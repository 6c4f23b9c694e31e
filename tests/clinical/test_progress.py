"""clinical.progress: the change in expectancy, adherence per week, goal progress, values over
time; hand-calculated cases and properties."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bravely.clinical.progress import (
    Assigned,
    adherence_by_week,
    expectancy_change,
    goal_progress,
    trend_line,
    values_over_time,
    week_start,
)
from bravely.clinical.scales import ClinicalInputError

MON = date(2026, 3, 2)  # a Monday


def test_expectancy_change_by_hand():
    # 60, 50, 40, 20: change -40; slope = sum((i - 1.5)(v - 42.5)) / 5 = -65 / 5 = -13.0
    result = expectancy_change([60, None, 50, 40, 20], ["yes", "", "no", "partly", "no"])
    assert (result.count, result.first, result.latest, result.change) == (4, 60, 20, -40)
    assert result.slope == -13.0
    assert (result.happened, result.partly, result.did_not, result.unanswered) == (1, 1, 2, 1)
    assert trend_line([60, 50, 40, 20]) == pytest.approx((62.0, 23.0))


def test_expectancy_change_with_one_or_no_ratings():
    assert expectancy_change([]).first is None
    one = expectancy_change([70])
    assert (one.first, one.change, one.slope) == (70, None, None)


def test_expectancy_refuses_a_likelihood_out_of_range():
    with pytest.raises(ClinicalInputError) as error:
        expectancy_change([50, 101])
    assert error.value.field == "likelihood_before"


def test_adherence_counts_pro_rata_assigned_and_every_practice_done():
    # Three a week from Thursday 5 March to Sunday 15 March: 3 * 4/7 = 1.7 -> 2, then 3.
    assigned = [Assigned(MON + timedelta(days=3), MON + timedelta(days=13), 3)]
    done = [MON + timedelta(days=3), MON + timedelta(days=4), MON + timedelta(days=9),
            MON - timedelta(days=1)]  # the last one is before the first week: not counted
    weeks = adherence_by_week(assigned, done, MON + timedelta(days=2), MON + timedelta(days=20))
    assert [(w.week, w.assigned, w.done) for w in weeks] == [
        (MON, 2, 2), (MON + timedelta(weeks=1), 3, 1), (MON + timedelta(weeks=2), 0, 0)]


@given(st.lists(st.integers(0, 60), max_size=40), st.integers(1, 21), st.integers(0, 50))
def test_adherence_done_adds_up_and_assigned_never_exceeds_the_rate(offsets, per_week, length):
    done = [MON + timedelta(days=o) for o in offsets]
    weeks = adherence_by_week([Assigned(MON, MON + timedelta(days=length), per_week)], done,
                              MON, MON + timedelta(days=60))
    assert sum(w.done for w in weeks) == len(offsets)
    assert all(0 <= w.assigned <= per_week for w in weeks)
    assert all(w.week == week_start(w.week) for w in weeks)


def test_goal_progress_by_hand():
    # Twice a week for four weeks (28 days): 8 times. Ten days in: 8 * 10/28 = 2.86 -> 2.
    start = MON
    done = [start + timedelta(days=1), start + timedelta(days=1), start + timedelta(days=8),
            start - timedelta(days=1), start + timedelta(days=30)]
    result = goal_progress(2, "week", start, start + timedelta(days=27), done,
                           today=start + timedelta(days=9))
    assert (result.target, result.done, result.expected_by_now) == (8, 3, 2)
    assert result.cumulative == ((start + timedelta(days=1), 2), (start + timedelta(days=8), 3))
    assert result.on_track


def test_goal_progress_refuses_an_unknown_period():
    with pytest.raises(ClinicalInputError):
        goal_progress(1, "fortnight", MON, MON, [], MON)


def test_values_over_time_carries_importance_into_check_ins():
    points = values_over_time(
        [(MON, [("friends", 9, 3)]), (MON + timedelta(days=14), [("friends", 9, 6)])],
        [(MON + timedelta(days=7), [("friends", 4), ("friends", 5), ("work", 6)])])
    friends = points["friends"]
    assert [(p.source, p.importance, p.consistency, p.gap) for p in friends] == [
        ("assessment", 9, 3, 6), ("check_in", 9, 4.5, 4.5), ("assessment", 9, 6, 3)]
    assert points["work"][0].importance is None and points["work"][0].gap is None
