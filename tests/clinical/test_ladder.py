import pytest
from hypothesis import given
from hypothesis import strategies as st

from bravely.clinical.ladder import LadderPolicy, RungSpec, check_ladder
from bravely.clinical.scales import DistressScale

SUDS, THERMO = DistressScale.SUDS100, DistressScale.THERMOMETER10
GOOD = [30, 35, 40, 50, 60, 65, 70, 80, 90]


def ladder(predicted, **overrides):
    """Rungs r1, r2, ... at positions 1, 2, ... linked to one value; overrides by key."""
    rungs = []
    for i, value in enumerate(predicted, start=1):
        key = f"r{i}"
        fields = {"value_keys": ("family",), **overrides.get(key, {})}
        rungs.append(RungSpec(key, i, value, **fields))
    return rungs


def summary(warnings):
    return [(w.code, w.rung_key) for w in warnings]


def test_good_ladder_has_no_warnings():
    assert check_ladder(ladder(GOOD), SUDS, ceiling=90) == []


def test_each_problem_is_reported():
    rungs = ladder(
        [70, 95, 60],
        r1={"value_keys": ()},
        r3={"own_ceiling": 50},
    )
    assert summary(check_ladder(rungs, SUDS, ceiling=90)) == [
        ("too_few_rungs", None),
        ("first_rung_high", "r1"),
        ("no_value", "r1"),
        ("above_ceiling", "r2"),
        ("step_too_large", "r2"),
        ("above_ceiling", "r3"),
        ("not_graded", "r3"),
        ("step_too_large", "r3"),
    ]


def test_messages_format_with_their_params():
    rungs = ladder([70, 95, 60], r3={"own_ceiling": 50})
    text = {(w.code, w.rung_key): w.message.format(**w.params) for w in check_ladder(
        rungs, SUDS, ceiling=90)}
    assert text[("step_too_large", "r2")] == (
        "Rung 2 is 25 points from rung 1; neighbouring rungs are best at most 20 apart."
    )
    assert text[("above_ceiling", "r2")] == (
        "Rung 2 is predicted at 95, above the distress ceiling of 90."
    )
    assert text[("above_ceiling", "r3")].endswith("ceiling of 50.")
    assert text[("first_rung_high", "r1")] == (
        "The first rung is predicted at 70; first exposures usually start around 30 to 40."
    )
    assert text[("too_few_rungs", None)].startswith("The ladder has 3 rungs; ladders usually")


def test_not_graded_is_info():
    warnings = check_ladder(ladder(GOOD[:4] + [45] + GOOD[5:]), SUDS)
    assert [(w.code, w.rung_key, w.severity) for w in warnings] == [
        ("not_graded", "r5", "info")
    ]
    assert warnings[0].params == {
        "position": 5, "previous_position": 4, "predicted": 45, "previous_predicted": 50,
    }


@pytest.mark.parametrize(
    ("scale", "first", "second", "warned"),
    [
        (SUDS, 30, 50, False),  # exactly 20 apart is fine
        (SUDS, 30, 51, True),
        (THERMO, 3, 5, False),
        (THERMO, 3, 6, True),
    ],
)
def test_step_limit_on_the_clients_scale(scale, first, second, warned):
    rungs = ladder([first, second])
    codes = [w.code for w in check_ladder(rungs, scale)]
    assert ("step_too_large" in codes) is warned


def test_step_limit_follows_policy():
    rungs = ladder([30, 45])
    assert "step_too_large" in [
        w.code for w in check_ladder(rungs, SUDS, policy=LadderPolicy(max_step_percent=10))
    ]
    warning = check_ladder(ladder([3, 5]), THERMO, policy=LadderPolicy(max_step_percent=15))[1]
    assert (warning.code, warning.params["max_step"]) == ("step_too_large", 1.5)


@pytest.mark.parametrize(
    ("scale", "first", "warned"),
    [(SUDS, 60, False), (SUDS, 61, True), (THERMO, 6, False), (THERMO, 7, True)],
)
def test_first_rung_high(scale, first, warned):
    codes = [w.code for w in check_ladder(ladder([first]), scale)]
    assert ("first_rung_high" in codes) is warned


@pytest.mark.parametrize(
    ("ceiling", "own", "warned"),
    [(None, None, False), (80, None, False), (79, None, True), (None, 79, True),
     (90, 79, True), (70, 85, True), (80, 80, False)],
)
def test_ceilings(ceiling, own, warned):
    rungs = ladder([30, 35, 40, 45, 50, 55, 60, 80], r8={"own_ceiling": own})
    warnings = check_ladder(rungs, SUDS, ceiling=ceiling)
    assert [w.rung_key for w in warnings if w.code == "above_ceiling"] == (["r8"] if warned else [])


def test_above_ceiling_names_the_lower_ceiling():
    rungs = ladder(GOOD, r9={"own_ceiling": 70})
    [warning] = check_ladder(rungs, SUDS, ceiling=85)
    assert (warning.code, warning.params["ceiling"]) == ("above_ceiling", 70)


def test_rung_counts():
    assert summary(check_ladder(ladder(GOOD[:7]), SUDS)) == [("too_few_rungs", None)]
    assert check_ladder(ladder(GOOD[:8]), SUDS) == []
    many = ladder([30 + 4 * i for i in range(16)])
    assert summary(check_ladder(many, SUDS)) == [("too_many_rungs", None)]
    assert check_ladder(many[:15], SUDS) == []
    assert check_ladder([], SUDS)[0].params["count"] == 0


def test_skipped_rungs_are_only_checked_for_values():
    # r3 is skipped: its 100 is not above the ceiling nor a big step, r2 -> r4 is 10 apart,
    # and it does not count towards the number of rungs.
    predicted = [30, 40, 100, 50, 55, 60, 65, 70, 80]
    rungs = ladder(predicted, r3={"status": "skipped", "value_keys": ()})
    assert summary(check_ladder(rungs, SUDS, ceiling=90)) == [("no_value", "r3")]
    rungs = ladder(predicted[:8], r3={"status": "skipped"})
    assert summary(check_ladder(rungs, SUDS)) == [("too_few_rungs", None)]


def test_skipped_first_rung_is_not_the_start():
    rungs = ladder([90] + GOOD, r1={"status": "skipped"})
    assert check_ladder(rungs, SUDS) == []


def test_rungs_are_checked_in_position_order():
    rungs = [
        RungSpec("a", 30, 60, ("work",)),
        RungSpec("b", 10, 30, ("work",)),
        RungSpec("c", 20, 45, ("work",)),
    ]
    assert summary(check_ladder(rungs, SUDS, policy=LadderPolicy(min_rungs=1))) == []
    rungs[0] = RungSpec("a", 5, 60, ("work",))
    assert summary(check_ladder(rungs, SUDS, policy=LadderPolicy(min_rungs=1))) == [
        ("not_graded", "b"),
        ("step_too_large", "b"),
    ]


def test_value_keys_list_becomes_a_tuple():
    assert RungSpec("a", 1, 30, ["work"]).value_keys == ("work",)


@pytest.mark.parametrize(
    ("rungs", "scale", "ceiling", "field"),
    [
        (ladder([101]), SUDS, None, "predicted_distress"),
        (ladder([11]), THERMO, None, "predicted_distress"),
        (ladder([-1]), SUDS, None, "predicted_distress"),
        (ladder([3.5]), THERMO, None, "predicted_distress"),
        (ladder([5], r1={"own_ceiling": 12}), THERMO, None, "own_ceiling"),
        (ladder([5]), THERMO, 50, "ceiling"),
        (ladder([3, 4])[:1] * 2, SUDS, None, "key"),
        ([RungSpec("a", 1, 30, ("v",)), RungSpec("b", 1, 40, ("v",))], SUDS, None, "position"),
        ([RungSpec("a", None, 30, ("v",))], SUDS, None, "position"),
    ],
)
def test_bad_input_raises_naming_the_field(rungs, scale, ceiling, field):
    with pytest.raises(ValueError) as info:
        check_ladder(rungs, scale, ceiling)
    assert info.value.field == field


@pytest.mark.parametrize(
    "kwargs",
    [{"max_step_percent": 0}, {"min_rungs": 16}, {"usual_start_low": 50}],
)
def test_inconsistent_policy_is_rejected(kwargs):
    with pytest.raises(ValueError):
        LadderPolicy(**kwargs)


# Property tests ---------------------------------------------------------------------------------

STATUSES = st.sampled_from(["planned", "planned", "active", "done", "skipped"])


@st.composite
def ladders(draw, high=100):
    """Any valid ladder on a 0-``high`` scale with unique keys and positions, shuffled."""
    size = draw(st.integers(0, 18))
    positions = draw(st.lists(st.integers(-5, 60), min_size=size, max_size=size, unique=True))
    rungs = [
        RungSpec(
            key=f"k{i}",
            position=position,
            predicted_distress=draw(st.integers(0, high)),
            value_keys=tuple(draw(st.lists(st.sampled_from(["family", "work"]), max_size=2))),
            own_ceiling=draw(st.none() | st.integers(0, high)),
            status=draw(STATUSES),
        )
        for i, position in enumerate(positions)
    ]
    return draw(st.permutations(rungs))


@given(ladders(), st.randoms(use_true_random=False), st.none() | st.integers(0, 100))
def test_output_does_not_depend_on_input_order(rungs, rnd, ceiling):
    shuffled = list(rungs)
    rnd.shuffle(shuffled)
    assert check_ladder(shuffled, SUDS, ceiling) == check_ladder(rungs, SUDS, ceiling)


@given(ladders(), st.none() | st.integers(0, 100))
def test_warnings_are_sorted_ladder_level_first_then_position_then_code(rungs, ceiling):
    position = {r.key: r.position for r in rungs}
    keys = [
        (0, 0, w.code) if w.rung_key is None else (1, position[w.rung_key], w.code)
        for w in check_ladder(rungs, SUDS, ceiling)
    ]
    assert keys == sorted(keys)


@given(ladders(), st.none() | st.integers(0, 100))
def test_exactly_one_no_value_warning_per_unlinked_rung(rungs, ceiling):
    warned = [w.rung_key for w in check_ladder(rungs, SUDS, ceiling) if w.code == "no_value"]
    assert sorted(warned) == sorted(r.key for r in rungs if not r.value_keys)


@given(
    start=st.integers(0, 60),
    steps=st.lists(st.integers(0, 20), min_size=7, max_size=14),
    headroom=st.integers(0, 10),
    data=st.data(),
)
def test_well_built_ladder_has_no_warnings(start, steps, headroom, data):
    predicted = [start]
    for step in steps:
        predicted.append(min(100, predicted[-1] + step))
    rungs = [
        RungSpec(
            f"k{i}", i * 10, value, ("family",),
            own_ceiling=data.draw(st.none() | st.integers(value, 100)),
        )
        for i, value in enumerate(predicted)
    ]
    ceiling = min(100, max(predicted) + headroom)
    assert check_ladder(data.draw(st.permutations(rungs)), SUDS, ceiling) == []


@given(ladders(high=10), st.none() | st.integers(0, 10))
def test_thermometer_warnings_match_suds_for_scaled_inputs(rungs, ceiling):
    scaled = [
        RungSpec(
            r.key, r.position, r.predicted_distress * 10, r.value_keys,
            None if r.own_ceiling is None else r.own_ceiling * 10, r.status,
        )
        for r in rungs
    ]
    suds_ceiling = None if ceiling is None else ceiling * 10
    assert summary(check_ladder(rungs, THERMO, ceiling)) == summary(
        check_ladder(scaled, SUDS, suds_ceiling)
    )
