import pytest
from hypothesis import given
from hypothesis import strategies as st

from bravely.clinical.scales import (
    ClinicalInputError,
    DistressScale,
    _,
    from_percent,
    points_from_percent,
    to_percent,
    validate_distress,
)

SUDS, THERMO = DistressScale.SUDS100, DistressScale.THERMOMETER10


def test_marker_returns_the_template_unchanged():
    assert _("Rung {position} has no linked value.") == "Rung {position} has no linked value."


@pytest.mark.parametrize(
    ("key", "low", "high", "step"), [("suds100", 0, 100, 1), ("thermometer10", 0, 10, 1)]
)
def test_scales_are_looked_up_by_stored_key(key, low, high, step):
    scale = DistressScale(key)
    assert (scale.value, scale.min, scale.max, scale.step) == (key, low, high, step)
    assert scale.label


@pytest.mark.parametrize(
    ("scale", "value"), [(SUDS, 0), (SUDS, 100), (SUDS, 55), (THERMO, 0), (THERMO, 10)]
)
def test_values_inside_the_scale_pass(scale, value):
    validate_distress(scale, value)


@pytest.mark.parametrize(
    ("scale", "value", "fragment"),
    [
        (SUDS, -1, "between 0 and 100"),
        (SUDS, 101, "between 0 and 100"),
        (THERMO, 11, "between 0 and 10"),
        (THERMO, 2.5, "whole number"),
        (THERMO, 2.0, "whole number"),
        (THERMO, "3", "whole number"),
        (THERMO, None, "whole number"),
        (THERMO, True, "whole number"),
    ],
)
def test_values_outside_the_scale_raise_naming_the_field(scale, value, fragment):
    with pytest.raises(ValueError, match=fragment) as info:
        validate_distress(scale, value, "peak_distress")
    assert isinstance(info.value, ClinicalInputError)
    assert info.value.field == "peak_distress"
    assert str(info.value).startswith("peak_distress must be")
    assert info.value.message.format(**info.value.params) == str(info.value)


@pytest.mark.parametrize(
    ("scale", "value", "pct"), [(SUDS, 40, 40.0), (THERMO, 3, 30.0), (THERMO, 10, 100.0)]
)
def test_percent_conversions(scale, value, pct):
    assert to_percent(scale, value) == pct
    assert from_percent(scale, pct) == value


def test_a_20_point_step_on_suds_is_2_on_the_thermometer():
    assert points_from_percent(THERMO, 20) == 2.0
    assert points_from_percent(SUDS, 20) == 20.0
    assert points_from_percent(THERMO, 15) == 1.5


@given(st.integers(0, 10))
def test_thermometer_points_map_onto_suds_tens(value):
    assert to_percent(THERMO, value) == to_percent(SUDS, value * 10) == value * 10
    assert from_percent(THERMO, to_percent(THERMO, value)) == value


@given(st.integers(0, 100))
def test_whole_percents_convert_without_float_noise(pct):
    # 7 / 100 * 100 would be 7.000000000000001 and make "exactly at the limit" warn.
    assert from_percent(SUDS, pct) == points_from_percent(SUDS, pct) == pct
    assert points_from_percent(THERMO, pct) * 10 == pct
