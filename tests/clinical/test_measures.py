"""Outcome-measure scoring, severity and reliable change against hand calculations."""

import json
import math
import pathlib
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bravely.clinical import measures as m

INSTRUMENTS = pathlib.Path(__file__).parents[2] / "src/bravely/measures/instruments"


def load(name):
    return m.parse_definition(json.loads((INSTRUMENTS / f"{name}.json").read_text()))


PHQ9, GAD7, PCL5 = load("phq9"), load("gad7"), load("pcl5")


def answers(instrument, values):
    return dict(zip(instrument.item_ids, values, strict=True))


def small(**extra):
    data = {"code": "T", "name": "Test", "version": "1", "reliable_difference": 2,
            "items": [{"id": "a", "options": [{"score": s} for s in range(4)]},
                      {"id": "b", "options": [{"score": s} for s in range(4)], "reverse": True},
                      {"id": "c", "options": [{"score": s} for s in range(4)]}]}
    data.update(extra)
    return data


def test_shipped_definitions_have_the_published_shape():
    assert (len(PHQ9.items), PHQ9.max_total, PHQ9.cutoff) == (9, 27, 10)
    assert (len(GAD7.items), GAD7.max_total, GAD7.cutoff) == (7, 21, 8)
    assert (len(PCL5.items), PCL5.max_total, PCL5.cutoff) == (20, 80, 33)
    assert [i.id for i in PHQ9.risk_items] == ["phq9-9"]
    assert PHQ9.loinc_panel == "44249-1" and PHQ9.loinc_total == "44261-6"
    assert GAD7.loinc_panel == "69737-5" and GAD7.loinc_total == "70274-6"
    assert [len(s.items) for s in PCL5.subscales] == [5, 2, 7, 6]


def test_no_item_wording_is_shipped():
    for path in INSTRUMENTS.glob("*.json"):
        data = json.loads(path.read_text())
        for item in data["items"]:
            assert set(item) <= {"id", "options", "reverse", "risk_from"}
            assert all(set(o) <= {"score", "code"} for o in item["options"])


@pytest.mark.parametrize("total, label", [
    (0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"),
    (14, "Moderate"), (15, "Moderately severe"), (19, "Moderately severe"), (20, "Severe"),
    (27, "Severe")])
def test_phq9_bands(total, label):
    assert m.severity(PHQ9, total).label == label


@pytest.mark.parametrize("total, label", [(4, "Minimal"), (5, "Mild"), (10, "Moderate"),
                                          (15, "Severe"), (21, "Severe")])
def test_gad7_bands(total, label):
    assert m.severity(GAD7, total).label == label


def test_sum_subscales_and_risk():
    result = m.score(PHQ9, answers(PHQ9, [3, 2, 1, 0, 3, 2, 1, 0, 1]))
    assert result.total == 13 and result.complete and result.risk_items == ("phq9-9",)
    pcl = m.score(PCL5, answers(PCL5, [4] * 5 + [3] * 2 + [2] * 7 + [1] * 6))
    assert pcl.total == 20 + 6 + 14 + 6
    assert pcl.subscales == {"B": 20, "C": 6, "D": 14, "E": 6}


def test_item_nine_at_zero_is_no_risk_signal_but_not_safe_either():
    assert m.score(PHQ9, answers(PHQ9, [3] * 8 + [0])).risk_items == ()


def test_reverse_scored_item_is_flipped():
    instrument = m.parse_definition(small())
    assert m.score(instrument, {"a": 1, "b": 0, "c": 2}).total == 1 + 3 + 2


def test_missing_item_gives_no_total_without_proration():
    result = m.score(PHQ9, {f"phq9-{i}": 1 for i in range(1, 9)})
    assert result.total is None and result.missing == ("phq9-9",)


def test_proration_by_the_definition():
    instrument = m.parse_definition(small(missing="prorate", max_missing=1))
    # a=2, c=3 answered (b missing): mean 2.5 x 3 = 7.5 -> 8 (half up)
    assert m.score(instrument, {"a": 2, "c": 3}).total == 8
    assert m.score(instrument, {"a": 2}).total is None


@pytest.mark.parametrize("value", [4, -1, "2", True, 1.5])
def test_answer_out_of_range_is_refused_naming_the_item(value):
    with pytest.raises(m.ScoringError, match="phq9-3"):
        m.score(PHQ9, {"phq9-3": value})


def test_unknown_item_is_refused():
    with pytest.raises(m.ScoringError, match="not an item of PHQ-9"):
        m.score(PHQ9, {"phq9-10": 1})


def test_rci_by_hand():
    # SD 5, r .84: S_diff = 5 * sqrt(2) * sqrt(.16) = 2.8284; 20 -> 14: -6 / 2.8284 = -2.1213
    assert m.reliable_change_index(20, 14, 5, 0.84) == pytest.approx(-2.1213, abs=1e-4)
    instrument = m.parse_definition(small(reliable_difference=None, sd=1.0, reliability=0.84,
                                          cutoff=5))
    # 1 point change: 1 / (1 * 1.41421 * 0.4) = 1.7678 < 1.96: not reliable
    assert m.change(instrument, 6, 7).label == m.NO_CHANGE
    assert m.change(instrument, 6, 7).rc == pytest.approx(1.7678, abs=1e-4)
    # 2 points: 3.5355 > 1.96
    assert m.change(instrument, 6, 8).label == m.DETERIORATED
    assert m.change(instrument, 8, 6).label == m.IMPROVED  # stays at/above cut-off 5
    assert m.change(instrument, 6, 4).label == m.RECOVERED  # crosses below 5


@pytest.mark.parametrize("before, after, label", [
    (18, 12, m.IMPROVED),  # drop of 6, still >= 10
    (15, 9, m.RECOVERED),  # drop of 6 and below the cut-off 10
    (15, 10, m.NO_CHANGE),  # drop of 5
    (11, 8, m.NO_CHANGE),  # crossed the cut-off but not reliably: not recovered
    (8, 14, m.DETERIORATED),
    (8, 13, m.NO_CHANGE),
])
def test_phq9_change_with_the_nhs_reliable_difference(before, after, label):
    assert m.change(PHQ9, before, after).label == label


def test_gad7_reliable_difference_is_four():
    assert m.change(GAD7, 12, 8).label == m.IMPROVED
    assert m.change(GAD7, 12, 7).label == m.RECOVERED
    assert m.change(GAD7, 12, 9).label == m.NO_CHANGE


def test_higher_is_better_direction():
    instrument = m.parse_definition(small(lower_is_better=False, cutoff=5))
    assert m.change(instrument, 3, 6).label == m.RECOVERED
    assert m.change(instrument, 6, 3).label == m.DETERIORATED


def test_series_labels():
    assert m.labels(PHQ9, [18, None, 15, 11, 8]) == [
        m.BASELINE, "", m.NO_CHANGE, m.IMPROVED, m.RECOVERED]


def test_not_on_track():
    start = date(2026, 1, 5)
    flat = [(start, 16), (start + timedelta(weeks=6), 14)]
    assert m.not_on_track(PHQ9, flat, weeks=6).reason == "no_improvement"
    assert m.not_on_track(PHQ9, flat, weeks=8) is None  # too early to tell
    worse = [(start, 10), (start + timedelta(weeks=1), 17)]
    assert m.not_on_track(PHQ9, worse, weeks=8).reason == "deteriorated"
    better = [(start, 18), (start + timedelta(weeks=8), 9)]
    assert m.not_on_track(PHQ9, better, weeks=6) is None
    assert m.not_on_track(PHQ9, flat[:1], weeks=1) is None


@pytest.mark.parametrize("change, message", [
    ({"items": [{"id": "a", "options": []}]}, "item a: missing scores"),
    ({"items": [{"id": "a", "options": [{"label": "x"}]}]}, "item a, option 1: missing score"),
    ({"items": [{"id": "a", "options": [{"score": 0}, {"score": 1}]},
                {"id": "a", "options": [{"score": 0}, {"score": 1}]}]},
     "item a: duplicate item id"),
    ({"code": ""}, "code: missing"),
    ({"items": []}, "items: missing"),
    ({"bands": [{"low": 0, "high": 3, "label": "Low"}, {"low": 5, "high": 9, "label": "High"}]},
     "band High: starts at 5"),
    ({"bands": [{"low": 0, "high": 5, "label": "Low"}]}, "bands: must cover the whole range 0-9"),
    ({"cutoff": 40}, "cutoff: 40 is outside"),
    ({"sd": 5}, "sd and reliability: set both"),
    ({"reliable_difference": None}, "reliable change: set sd and reliability"),
    ({"reliability": 1.2, "sd": 3}, "reliability: must be at least 0 and below 1"),
    ({"items": [{"id": "a", "options": [{"score": 0}, {"score": 1}], "risk_from": 3}]},
     "risk_from 3 is outside"),
    ({"subscales": [{"id": "S", "items": ["zz"]}]}, "subscale S: unknown items zz"),
    ({"missing": "guess"}, "missing: must be"),
])
def test_invalid_definitions_name_what_is_wrong(change, message):
    with pytest.raises(m.DefinitionError) as error:
        m.parse_definition(small(**change))
    assert any(message in p for p in error.value.problems), error.value.problems


scores = st.integers(min_value=0, max_value=27)


@given(scores, scores)
def test_change_is_antisymmetric_in_reliability(x1, x2):
    forward, back = m.change(PHQ9, x1, x2), m.change(PHQ9, x2, x1)
    assert forward.reliable == back.reliable
    assert forward.improved == back.deteriorated


@given(st.floats(1, 20), st.floats(0, 0.99), st.integers(0, 80), st.integers(0, 80))
def test_rci_matches_the_formula(sd, r, x1, x2):
    expected = (x2 - x1) / (sd * math.sqrt(2) * math.sqrt(1 - r))
    assert m.reliable_change_index(x1, x2, sd, r) == pytest.approx(expected)


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_total_is_the_sum_and_in_one_band(values):
    result = m.score(PHQ9, answers(PHQ9, values))
    assert result.total == sum(values)
    assert m.severity(PHQ9, result.total) is not None
    assert (result.risk_items == ("phq9-9",)) == (values[8] > 0)
