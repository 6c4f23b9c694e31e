"""Values assessment scoring, after the Valued Living Questionnaire.

VLQ: Wilson, Sandoz, Kitchens & Roberts 2010 (Psychological Record 60:249-272). Each life domain is
rated for importance and for consistency of the past week's actions, both 1-10. The domain list and
the composite (mean of importance x consistency) are unverified and the scoring is debated, hence
``ScoringFormula`` is configurable. Large importance-minus-consistency gaps are where valued
exposure targets usually come from (shared/clinical-facts.md, "Values instruments").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bravely.clinical.scales import ClinicalInputError, _

RATING_MIN, RATING_MAX = 1, 10

#: The VLQ's usual domains (list unverified) plus personal growth, from the Bull's-Eye survey.
DEFAULT_DOMAINS: tuple[tuple[str, str], ...] = (
    ("family", _("Family")),
    ("intimate_relationships", _("Intimate relationships")),
    ("parenting", _("Parenting")),
    ("friendships", _("Friendships")),
    ("work", _("Work")),
    ("education", _("Education")),
    ("recreation", _("Recreation")),
    ("spirituality", _("Spirituality")),
    ("community", _("Community")),
    ("physical_health", _("Physical health")),
    ("personal_growth", _("Personal growth")),
)


@dataclass(frozen=True)
class DomainRating:
    domain: str
    importance: int
    consistency: int


def validate_rating(rating: DomainRating) -> None:
    """Raise ClinicalInputError (a ValueError) naming the field that is not a whole 1-10."""
    if not isinstance(rating.domain, str) or not rating.domain.strip():
        raise ClinicalInputError("domain", _("Each rating needs a life domain."))
    for field in ("importance", "consistency"):
        value = getattr(rating, field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ClinicalInputError(
                field,
                _("{field} for {domain} must be a whole number from {min} to {max}, "
                  "not {value!r}."),
                domain=rating.domain, min=RATING_MIN, max=RATING_MAX, value=value,
            )
        if not RATING_MIN <= value <= RATING_MAX:
            raise ClinicalInputError(
                field,
                _("{field} for {domain} must be from {min} to {max}, not {value}."),
                domain=rating.domain, min=RATING_MIN, max=RATING_MAX, value=value,
            )


@dataclass(frozen=True)
class ScoringFormula:
    """How an assessment is scored; stored with each assessment so old scores stay explainable.

    ``product_composite``: composite = mean of importance x consistency (1-100, as in the VLQ);
    when false, the composite is the mean consistency (1-10), which some studies report instead
    because importance ratings cluster near the top.
    """

    product_composite: bool = True
    gap_count: int = 3
    min_gap: int = 3
    min_importance: int = 6

    def __post_init__(self) -> None:
        for field in ("gap_count", "min_gap", "min_importance"):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ClinicalInputError(
                    field, _("{field} must be a whole number of 0 or more, not {value!r}."),
                    value=value,
                )

    def describe(self) -> tuple[str, dict[str, object]]:
        """The formula in plain language: a translatable template and its params."""
        params = {
            "gap_count": self.gap_count,
            "min_gap": self.min_gap,
            "min_importance": self.min_importance,
        }
        if self.product_composite:
            return _(
                "Composite: for each life domain, importance (1-10) times consistency (1-10), "
                "averaged over the rated domains (1-100). Suggested for exposure work: up to "
                "{gap_count} domains rated at least {min_importance} for importance whose gap "
                "(importance minus consistency) is at least {min_gap}, largest gap first."
            ), params
        return _(
            "Composite: the average consistency rating (1-10) over the rated domains. Suggested "
            "for exposure work: up to {gap_count} domains rated at least {min_importance} for "
            "importance whose gap (importance minus consistency) is at least {min_gap}, largest "
            "gap first."
        ), params


@dataclass(frozen=True)
class DomainScore:
    domain: str
    importance: int
    consistency: int
    product: int
    gap: int  # importance - consistency; positive means living less by it than it matters


@dataclass(frozen=True)
class AssessmentScore:
    domains: tuple[DomainScore, ...]  # in the order the ratings were given
    composite: float | None  # rounded to 1 decimal, half up; None without ratings
    candidate_domains: tuple[str, ...]  # domain keys, largest gap first
    formula: ScoringFormula


def _mean_1dp(total: int, count: int) -> float:
    """total / count rounded half up to one decimal, exactly (no float tie surprises)."""
    return (total * 20 + count) // (count * 2) / 10


def score_assessment(
    ratings: Iterable[DomainRating], formula: ScoringFormula | None = None
) -> AssessmentScore:
    formula = formula or ScoringFormula()
    ratings = tuple(ratings)
    seen: set[str] = set()
    for rating in ratings:
        validate_rating(rating)
        if rating.domain in seen:
            raise ClinicalInputError(
                "domain", _("{domain} is rated more than once."), domain=rating.domain
            )
        seen.add(rating.domain)

    domains = tuple(
        DomainScore(
            r.domain, r.importance, r.consistency, r.importance * r.consistency,
            r.importance - r.consistency,
        )
        for r in ratings
    )
    composite = None
    if domains:
        total = sum(d.product if formula.product_composite else d.consistency for d in domains)
        composite = _mean_1dp(total, len(domains))
    eligible = [
        d for d in domains if d.gap >= formula.min_gap and d.importance >= formula.min_importance
    ]
    eligible.sort(key=lambda d: (-d.gap, -d.importance, d.domain))
    candidates = tuple(d.domain for d in eligible[: formula.gap_count])
    return AssessmentScore(domains, composite, candidates, formula)


@dataclass(frozen=True)
class DomainChange:
    domain: str
    earlier: DomainScore | None  # None when the domain was not rated earlier
    later: DomainScore | None  # None when the domain was not rated later
    importance_change: int | None  # later - earlier; None unless rated both times
    consistency_change: int | None
    gap_change: int | None


@dataclass(frozen=True)
class AssessmentChange:
    domains: tuple[DomainChange, ...]  # earlier's order, then domains new in the later one
    composite_change: float | None  # None unless both have a composite from the same formula


def compare_assessments(earlier: AssessmentScore, later: AssessmentScore) -> AssessmentChange:
    before = {d.domain: d for d in earlier.domains}
    after = {d.domain: d for d in later.domains}
    keys = list(before) + [k for k in after if k not in before]
    changes = []
    for key in keys:
        b, a = before.get(key), after.get(key)
        both = b is not None and a is not None
        changes.append(
            DomainChange(
                key, b, a,
                a.importance - b.importance if both else None,
                a.consistency - b.consistency if both else None,
                a.gap - b.gap if both else None,
            )
        )
    composite_change = None
    same_kind = earlier.formula.product_composite == later.formula.product_composite
    if earlier.composite is not None and later.composite is not None and same_kind:
        # Both are already 1-decimal values; work in tenths so 12.3 - 10.1 is 2.2, not 2.2000001.
        composite_change = (round(later.composite * 10) - round(earlier.composite * 10)) / 10
    return AssessmentChange(tuple(changes), composite_change)
