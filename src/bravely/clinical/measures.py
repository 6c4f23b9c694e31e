"""Standard outcome measures: instrument definitions, scoring, severity and reliable change.

Pure Python, no Django. An instrument is data (`parse_definition` reads the JSON Bravely ships
in `bravely/measures/instruments/` and the JSON a practice imports); this module never holds
any questionnaire's item wording, only item ids, response scores and the published scoring.

Sources (docs/measures.md lists every figure):
- Reliable change: Jacobson & Truax 1991, J Consult Clin Psychol 59:12-19.
  RC = (x2 - x1) / S_diff, S_diff = SD1 * sqrt(2) * sqrt(1 - r_xx); |RC| > 1.96 is reliable.
  Clinically significant change: reliable change that also crosses the clinical cut-off
  ("recovered").
- Where an instrument's own SD and reliability are not set, a published minimum reliable
  difference is used instead (NHS Talking Therapies: PHQ-9 6 points, GAD-7 4 points).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

RC_CRITICAL = 1.96
SCORING_VERSION = "bravely-measures 1"  # bump when a scoring rule here changes

# Change labels (stable codes; the Django side translates them for people).
BASELINE = "baseline"
IMPROVED = "reliably_improved"
NO_CHANGE = "no_reliable_change"
DETERIORATED = "reliably_deteriorated"
RECOVERED = "recovered"
LABELS = (BASELINE, IMPROVED, NO_CHANGE, DETERIORATED, RECOVERED)

MISSING_NONE = "none"  # every item must be answered for a total
MISSING_PRORATE = "prorate"  # up to max_missing items may be missing: mean of answered x count


class DefinitionError(ValueError):
    """An instrument definition is not usable; `problems` names each thing that is wrong."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class ScoringError(ValueError):
    """Answers that cannot be scored against the definition (unknown item, score out of range)."""

    def __init__(self, item_id: str, message: str):
        self.item_id = item_id
        super().__init__(message)


@dataclass(frozen=True)
class Option:
    score: int
    code: str = ""  # an answer code (e.g. a LOINC answer code) when the publisher has one


@dataclass(frozen=True)
class Item:
    id: str
    options: tuple[Option, ...]
    reverse: bool = False
    # A score at or above this signals risk (PHQ-9 item 9: 1, i.e. anything above 0).
    risk_from: int | None = None

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(o.score for o in self.options)

    @property
    def min_score(self) -> int:
        return min(self.scores)

    @property
    def max_score(self) -> int:
        return max(self.scores)

    def scored(self, value: int) -> int:
        """The value that counts towards the total (reverse-scored items are flipped)."""
        return self.min_score + self.max_score - value if self.reverse else value

    def signals_risk(self, value: int | None) -> bool:
        return self.risk_from is not None and value is not None and value >= self.risk_from


@dataclass(frozen=True)
class Subscale:
    id: str
    name: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    version: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...] = ()
    subscales: tuple[Subscale, ...] = ()
    cutoff: int | None = None  # caseness at or above (lower_is_better) / below (higher is better)
    lower_is_better: bool = True
    sd: float | None = None
    reliability: float | None = None
    reliable_difference: int | None = None  # used when sd and reliability are not both set
    missing: str = MISSING_NONE
    max_missing: int = 0
    loinc_panel: str = ""
    loinc_total: str = ""
    source: str = ""
    licence: str = ""
    notes: str = ""

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    def item(self, item_id: str) -> Item:
        for candidate in self.items:
            if candidate.id == item_id:
                return candidate
        raise KeyError(item_id)

    @property
    def min_total(self) -> int:
        return sum(i.min_score for i in self.items)

    @property
    def max_total(self) -> int:
        return sum(i.max_score for i in self.items)

    @property
    def risk_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.risk_from is not None)


@dataclass(frozen=True)
class Score:
    total: int | None  # None when too many items are missing
    subscales: Mapping[str, int | None]
    answered: int
    missing: tuple[str, ...]
    prorated: bool
    risk_items: tuple[str, ...]  # ids of items whose answer signals risk

    @property
    def complete(self) -> bool:
        return self.total is not None


@dataclass(frozen=True)
class Change:
    difference: int  # current - baseline
    rc: float | None  # the Jacobson & Truax index, None when a minimum difference is used
    reliable: bool
    improved: bool
    deteriorated: bool
    crossed_cutoff: bool  # from the clinical to the non-clinical side
    label: str


@dataclass(frozen=True)
class NotOnTrack:
    reason: str  # "deteriorated" | "no_improvement"
    baseline_on: date
    baseline: int
    latest_on: date
    latest: int
    weeks: int
    change: Change


# --- reading and checking a definition -------------------------------------------------


def _int(value, where: str, problems: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{where}: must be a whole number, got {value!r}")
        return None
    return value


def parse_definition(data: Mapping) -> Instrument:
    """An `Instrument` from its JSON form, or a DefinitionError naming every problem found."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise DefinitionError(["the definition must be a JSON object"])
    for key in ("code", "name", "version"):
        if not isinstance(data.get(key), str) or not data.get(key, "").strip():
            problems.append(f"{key}: missing (a non-empty text is required)")
    raw_items = data.get("items")
    items: list[Item] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.append("items: missing (a list of at least one item is required)")
        raw_items = []
    for n, raw in enumerate(raw_items, 1):
        where = f"items[{n}]"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: must be an object")
            continue
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not item_id.strip():
            problems.append(f"{where}.id: missing")
            item_id = f"#{n}"
        where = f"item {item_id}"
        raw_options = raw.get("options")
        options: list[Option] = []
        if not isinstance(raw_options, list) or not raw_options:
            problems.append(f"{where}: missing scores (options must list at least one score)")
            raw_options = []
        for m, option in enumerate(raw_options, 1):
            if not isinstance(option, Mapping) or "score" not in option:
                problems.append(f"{where}, option {m}: missing score")
                continue
            score = _int(option["score"], f"{where}, option {m}, score", problems)
            if score is not None:
                options.append(Option(score=score, code=str(option.get("code", "") or "")))
        risk_from = raw.get("risk_from")
        if risk_from is not None:
            risk_from = _int(risk_from, f"{where}.risk_from", problems)
        items.append(Item(id=item_id, options=tuple(options), reverse=bool(raw.get("reverse")),
                          risk_from=risk_from))
    bands = []
    for n, raw in enumerate(data.get("bands") or [], 1):
        if not isinstance(raw, Mapping):
            problems.append(f"bands[{n}]: must be an object")
            continue
        low = _int(raw.get("low"), f"bands[{n}].low", problems)
        high = _int(raw.get("high"), f"bands[{n}].high", problems)
        label = raw.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.append(f"bands[{n}].label: missing")
        if low is not None and high is not None and isinstance(label, str):
            bands.append(Band(low, high, label))
    subscales = []
    for n, raw in enumerate(data.get("subscales") or [], 1):
        if not isinstance(raw, Mapping) or not isinstance(raw.get("items"), list):
            problems.append(f"subscales[{n}]: must be an object with a list of items")
            continue
        subscales.append(Subscale(id=str(raw.get("id") or f"#{n}"),
                                  name=str(raw.get("name") or raw.get("id") or ""),
                                  items=tuple(str(i) for i in raw["items"])))
    numbers = {}
    for key in ("sd", "reliability"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(f"{key}: must be a number, got {value!r}")
            value = None
        numbers[key] = value
    cutoff = data.get("cutoff")
    if cutoff is not None:
        cutoff = _int(cutoff, "cutoff", problems)
    reliable_difference = data.get("reliable_difference")
    if reliable_difference is not None:
        reliable_difference = _int(reliable_difference, "reliable_difference", problems)
    max_missing = _int(data.get("max_missing", 0), "max_missing", problems) or 0
    if problems:
        raise DefinitionError(problems)
    instrument = Instrument(
        code=data["code"].strip(), name=data["name"].strip(), version=data["version"].strip(),
        items=tuple(items), bands=tuple(bands), subscales=tuple(subscales), cutoff=cutoff,
        lower_is_better=bool(data.get("lower_is_better", True)), sd=numbers["sd"],
        reliability=numbers["reliability"], reliable_difference=reliable_difference,
        missing=str(data.get("missing", MISSING_NONE)), max_missing=max_missing,
        loinc_panel=str(data.get("loinc_panel", "") or ""),
        loinc_total=str(data.get("loinc_total", "") or ""),
        source=str(data.get("source", "") or ""), licence=str(data.get("licence", "") or ""),
        notes=str(data.get("notes", "") or ""),
    )
    validate(instrument)
    return instrument


def validate(instrument: Instrument) -> None:
    """Refuse a definition that cannot be scored as published, naming every problem."""
    problems: list[str] = []
    seen: set[str] = set()
    for item in instrument.items:
        if item.id in seen:
            problems.append(f"item {item.id}: duplicate item id")
        seen.add(item.id)
        if not item.options:
            problems.append(f"item {item.id}: missing scores")
            continue
        if len(set(item.scores)) != len(item.scores):
            problems.append(f"item {item.id}: duplicate scores in its options")
        if any(s < 0 for s in item.scores):
            problems.append(f"item {item.id}: scores must not be negative")
        if item.risk_from is not None and not item.min_score < item.risk_from <= item.max_score:
            problems.append(f"item {item.id}: risk_from {item.risk_from} is outside its scores "
                            f"({item.min_score + 1}-{item.max_score} possible)")
    for sub in instrument.subscales:
        unknown = [i for i in sub.items if i not in seen]
        if unknown:
            problems.append(f"subscale {sub.id}: unknown items {', '.join(unknown)}")
        if not sub.items:
            problems.append(f"subscale {sub.id}: no items")
    if len({s.id for s in instrument.subscales}) != len(instrument.subscales):
        problems.append("subscales: duplicate subscale id")
    if not problems and instrument.items:
        lo, hi = instrument.min_total, instrument.max_total
        previous = None
        for band in sorted(instrument.bands, key=lambda b: b.low):
            if band.low > band.high:
                problems.append(f"band {band.label}: low {band.low} is above high {band.high}")
            if previous is not None and band.low != previous.high + 1:
                problems.append(f"band {band.label}: starts at {band.low}, but the band before "
                                f"ends at {previous.high} (bands must not overlap or leave gaps)")
            previous = band
        if instrument.bands:
            ordered = sorted(instrument.bands, key=lambda b: b.low)
            if ordered[0].low != lo or ordered[-1].high != hi:
                problems.append(f"bands: must cover the whole range {lo}-{hi}")
        if instrument.cutoff is not None and not lo < instrument.cutoff <= hi:
            problems.append(f"cutoff: {instrument.cutoff} is outside the total range {lo}-{hi}")
    if instrument.sd is not None and instrument.sd <= 0:
        problems.append("sd: must be above 0")
    if instrument.reliability is not None and not 0 <= instrument.reliability < 1:
        problems.append("reliability: must be at least 0 and below 1")
    if (instrument.sd is None) != (instrument.reliability is None):
        problems.append("sd and reliability: set both (or neither, with reliable_difference)")
    if instrument.sd is None and instrument.reliable_difference is None:
        problems.append("reliable change: set sd and reliability, or reliable_difference")
    if instrument.reliable_difference is not None and instrument.reliable_difference < 1:
        problems.append("reliable_difference: must be at least 1")
    if instrument.missing not in (MISSING_NONE, MISSING_PRORATE):
        problems.append(f"missing: must be '{MISSING_NONE}' or '{MISSING_PRORATE}'")
    if instrument.max_missing < 0 or (instrument.items
                                      and instrument.max_missing >= len(instrument.items)):
        problems.append("max_missing: must be at least 0 and below the number of items")
    if instrument.missing == MISSING_NONE and instrument.max_missing:
        problems.append("max_missing: only applies with missing 'prorate'")
    if problems:
        raise DefinitionError(problems)


# --- scoring ------------------------------------------------------------------------------


def check_answer(instrument: Instrument, item_id: str, value) -> int:
    """The answer as a score, or a ScoringError naming the item and the allowed scores."""
    try:
        item = instrument.item(item_id)
    except KeyError:
        raise ScoringError(item_id, f"item {item_id}: not an item of {instrument.code}") from None
    if isinstance(value, bool) or not isinstance(value, int) or value not in item.scores:
        allowed = ", ".join(str(s) for s in item.scores)
        raise ScoringError(item_id, f"item {item_id}: {value!r} is not one of its scores "
                                    f"({allowed})")
    return value


def _half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def _sum(instrument: Instrument, ids: Sequence[str], answers: Mapping[str, int]
         ) -> tuple[int | None, bool]:
    answered = [instrument.item(i).scored(answers[i]) for i in ids if answers.get(i) is not None]
    missing = len(ids) - len(answered)
    if missing == 0:
        return sum(answered), False
    if instrument.missing == MISSING_PRORATE and missing <= instrument.max_missing and answered:
        return _half_up(sum(answered) * len(ids) / len(answered)), True
    return None, False


def score(instrument: Instrument, answers: Mapping[str, int | None]) -> Score:
    """Total and subscales by the published rule: a plain sum with reverse-scored items flipped;
    with missing items no total, unless the definition prorates (mean of the answered items times
    the item count, rounded half up) and no more than `max_missing` are missing."""
    clean: dict[str, int] = {}
    for item_id, value in answers.items():
        if value is None:
            continue
        clean[item_id] = check_answer(instrument, item_id, value)
    total, prorated = _sum(instrument, instrument.item_ids, clean)
    subscales = {s.id: _sum(instrument, s.items, clean)[0] for s in instrument.subscales}
    missing = tuple(i for i in instrument.item_ids if i not in clean)
    risk = tuple(i.id for i in instrument.risk_items if i.signals_risk(clean.get(i.id)))
    return Score(total=total, subscales=subscales, answered=len(clean), missing=missing,
                 prorated=prorated, risk_items=risk)


def severity(instrument: Instrument, total: int | None) -> Band | None:
    if total is None:
        return None
    for band in instrument.bands:
        if band.low <= total <= band.high:
            return band
    return None


def is_clinical(instrument: Instrument, total: int) -> bool | None:
    """On the clinical side of the cut-off (None without a cut-off)."""
    if instrument.cutoff is None:
        return None
    return total >= instrument.cutoff if instrument.lower_is_better else total < instrument.cutoff


def reliable_change_index(x1: float, x2: float, sd: float, reliability: float) -> float:
    """Jacobson & Truax 1991: (x2 - x1) / (SD1 * sqrt(2) * sqrt(1 - r))."""
    s_diff = sd * math.sqrt(2) * math.sqrt(1 - reliability)
    return (x2 - x1) / s_diff


def change(instrument: Instrument, baseline: int, current: int) -> Change:
    """Reliable and clinically significant change from baseline to now, labelled."""
    difference = current - baseline
    if instrument.sd is not None and instrument.reliability is not None:
        rc = reliable_change_index(baseline, current, instrument.sd, instrument.reliability)
        reliable = abs(rc) > RC_CRITICAL
    else:
        rc = None
        reliable = abs(difference) >= (instrument.reliable_difference or 0) > 0
    better = difference < 0 if instrument.lower_is_better else difference > 0
    improved, deteriorated = reliable and better, reliable and difference != 0 and not better
    crossed = bool(is_clinical(instrument, baseline)) and is_clinical(instrument, current) is False
    if improved and crossed:
        label = RECOVERED
    elif improved:
        label = IMPROVED
    elif deteriorated:
        label = DETERIORATED
    else:
        label = NO_CHANGE
    return Change(difference=difference, rc=rc, reliable=reliable, improved=improved,
                  deteriorated=deteriorated, crossed_cutoff=crossed, label=label)


def labels(instrument: Instrument, totals: Sequence[int | None]) -> list[str]:
    """The change label of each total in a series against the first complete one (the baseline);
    "" for a total that could not be scored."""
    result, baseline = [], None
    for total in totals:
        if total is None:
            result.append("")
        elif baseline is None:
            baseline = total
            result.append(BASELINE)
        else:
            result.append(change(instrument, baseline, total).label)
    return result


def not_on_track(instrument: Instrument, series: Sequence[tuple[date, int]], *,
                 weeks: int) -> NotOnTrack | None:
    """A client is not on track when the latest score is reliably worse than the baseline, or
    when `weeks` or more after the baseline it is still not reliably better. Series in date order
    (scored totals only); None when on track or too early to tell."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    if len(series) < 2:
        return None
    (first_on, first), (last_on, last) = series[0], series[-1]
    result = change(instrument, first, last)
    elapsed = (last_on - first_on).days // 7
    reason = None
    if result.deteriorated:
        reason = "deteriorated"
    elif not result.improved and elapsed >= weeks:
        reason = "no_improvement"
    if reason is None:
        return None
    return NotOnTrack(reason=reason, baseline_on=first_on, baseline=first, latest_on=last_on,
                      latest=last, weeks=elapsed, change=result)
