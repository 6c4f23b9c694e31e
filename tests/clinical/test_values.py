import pytest

from bravely.clinical.scales import ClinicalInputError
from bravely.clinical.values import (
    DEFAULT_DOMAINS,
    DomainRating,
    ScoringFormula,
    compare_assessments,
    score_assessment,
    validate_rating,
)


def ratings(*rows):
    return [DomainRating(d, i, c) for d, i, c in rows]


def test_default_domains():
    keys = [key for key, _label in DEFAULT_DOMAINS]
    assert len(keys) == 11 == len(set(keys))
    assert keys[0] == "family" and "personal_growth" in keys and "physical_health" in keys
    assert all(label for _key, label in DEFAULT_DOMAINS)


@pytest.mark.parametrize(
    ("rating", "field"),
    [
        (DomainRating("work", 0, 5), "importance"),
        (DomainRating("work", 11, 5), "importance"),
        (DomainRating("work", 5, 0), "consistency"),
        (DomainRating("work", 5, 11), "consistency"),
        (DomainRating("work", 5.0, 5), "importance"),
        (DomainRating("work", 5, None), "consistency"),
        (DomainRating("work", True, 5), "importance"),
        (DomainRating("", 5, 5), "domain"),
    ],
)
def test_bad_ratings_name_the_field(rating, field):
    with pytest.raises(ValueError) as info:
        validate_rating(rating)
    assert isinstance(info.value, ClinicalInputError)
    assert info.value.field == field
    assert field in str(info.value)


@pytest.mark.parametrize("value", [1, 10])
def test_rating_bounds_are_inclusive(value):
    validate_rating(DomainRating("work", value, value))


def test_score_products_gaps_and_composite():
    score = score_assessment(ratings(("family", 10, 4), ("work", 8, 8), ("recreation", 5, 1)))
    assert [(d.domain, d.product, d.gap) for d in score.domains] == [
        ("family", 40, 6),
        ("work", 64, 0),
        ("recreation", 5, 4),
    ]
    assert score.composite == 36.3  # (40 + 64 + 5) / 3 = 36.33
    # recreation's gap is big enough but its importance (5) is below 6
    assert score.candidate_domains == ("family",)


def test_composite_rounds_half_up():
    # (3*5 + 2*5) / 2 = 12.5 -> 12.5; (1*1 + 2*2 + 3*10 + 4*1) / 4 = 39 / 4 = 9.75 -> 9.8
    assert score_assessment(ratings(("a", 3, 5), ("b", 2, 5))).composite == 12.5
    rows = ratings(("a", 1, 1), ("b", 2, 2), ("c", 3, 10), ("d", 4, 1))
    assert score_assessment(rows).composite == 9.8


def test_consistency_composite_when_configured():
    formula = ScoringFormula(product_composite=False)
    score = score_assessment(ratings(("family", 10, 4), ("work", 8, 7)), formula)
    assert score.composite == 5.5
    assert score.formula is formula


def test_candidates_ordered_by_gap_then_importance_then_key():
    rows = ratings(
        ("work", 9, 4),  # gap 5, importance 9
        ("family", 10, 5),  # gap 5, importance 10
        ("education", 9, 4),  # gap 5, importance 9 -> before work by key
        ("health", 10, 2),  # gap 8
        ("friendships", 7, 5),  # gap 2 < min_gap
    )
    score = score_assessment(rows, ScoringFormula(gap_count=10))
    assert score.candidate_domains == ("health", "family", "education", "work")
    assert score_assessment(rows).candidate_domains == ("health", "family", "education")
    assert score_assessment(rows, ScoringFormula(gap_count=0)).candidate_domains == ()
    strict = ScoringFormula(min_gap=6, min_importance=10)
    assert score_assessment(rows, strict).candidate_domains == ("health",)


def test_candidates_do_not_depend_on_input_order():
    rows = ratings(("work", 9, 4), ("education", 9, 4), ("family", 10, 5))
    assert (
        score_assessment(rows).candidate_domains
        == score_assessment(rows[::-1]).candidate_domains
        == ("family", "education", "work")
    )


def test_threshold_is_inclusive():
    score = score_assessment(ratings(("work", 6, 3)))
    assert score.candidate_domains == ("work",)


def test_empty_assessment():
    score = score_assessment([])
    assert (score.domains, score.composite, score.candidate_domains) == ((), None, ())


def test_duplicate_domain_is_rejected():
    with pytest.raises(ValueError, match="work is rated more than once"):
        score_assessment(ratings(("work", 5, 5), ("work", 6, 6)))


@pytest.mark.parametrize("field", ["gap_count", "min_gap", "min_importance"])
def test_formula_rejects_negative_settings(field):
    with pytest.raises(ValueError, match=field):
        ScoringFormula(**{field: -1})


def test_describe_names_the_settings():
    message, params = ScoringFormula(gap_count=2, min_gap=4, min_importance=7).describe()
    text = message.format(**params)
    assert "times consistency" in text
    assert "up to 2 domains" in text and "at least 7" in text and "at least 4" in text
    message, params = ScoringFormula(product_composite=False).describe()
    assert "average consistency" in message.format(**params)


def test_compare_assessments():
    earlier = score_assessment(ratings(("family", 10, 4), ("work", 8, 8), ("education", 5, 5)))
    later = score_assessment(ratings(("family", 9, 7), ("work", 8, 6), ("recreation", 7, 3)))
    change = compare_assessments(earlier, later)
    rows = {
        c.domain: (c.importance_change, c.consistency_change, c.gap_change) for c in change.domains
    }
    assert [c.domain for c in change.domains] == ["family", "work", "education", "recreation"]
    assert rows == {
        "family": (-1, 3, -4),
        "work": (0, -2, 2),
        "education": (None, None, None),
        "recreation": (None, None, None),
    }
    by_domain = {c.domain: c for c in change.domains}
    assert by_domain["education"].later is None and by_domain["education"].earlier.product == 25
    assert by_domain["recreation"].earlier is None and by_domain["recreation"].later.gap == 4
    # earlier (40 + 64 + 25) / 3 = 43.0; later (63 + 48 + 21) / 3 = 44.0
    assert (earlier.composite, later.composite, change.composite_change) == (43.0, 44.0, 1.0)


def test_composite_change_has_no_float_noise():
    earlier = score_assessment(ratings(("a", 3, 5), ("b", 2, 5), ("c", 1, 1)))  # 26 / 3 = 8.7
    later = score_assessment(ratings(("a", 3, 4), ("b", 2, 1)))  # 14 / 2 = 7.0
    assert compare_assessments(earlier, later).composite_change == -1.7


def test_composite_change_none_when_missing_or_formulas_differ():
    rated = score_assessment(ratings(("work", 5, 5)))
    empty = score_assessment([])
    other = score_assessment(ratings(("work", 5, 5)), ScoringFormula(product_composite=False))
    assert compare_assessments(empty, rated).composite_change is None
    assert compare_assessments(rated, other).composite_change is None
    assert compare_assessments(rated, rated).composite_change == 0.0
