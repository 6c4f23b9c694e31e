"""Reading item wording from a FHIR R4 Questionnaire and matching it to a definition.

No Django here. A practice imports the wording it is entitled to use as a Questionnaire JSON
file; it is matched to the instrument's definition by its items: the same number of choice
items, each `linkId` the id of a definition item, and each item's `answerOption`s carrying the
same scores as the definition (the score of an answer option is its `ordinalValue` extension,
FHIR R4, or `itemWeight`, R5; on the option or on its `valueCoding`). Groups are read through;
display items and read-only (calculated, e.g. a total) items are skipped. Anything else is
refused with every problem named. `to_questionnaire` writes the same format back, so wording
round-trips.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from bravely.clinical.measures import Instrument

ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
SCORE_URLS = (ORDINAL_VALUE, ITEM_WEIGHT)
STATUSES = ("draft", "active", "retired", "unknown")
CHOICE_TYPES = ("choice", "coding")


class QuestionnaireError(ValueError):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class QuestionnaireItem:
    link_id: str
    text: str
    options: tuple[tuple[int, str, str], ...]  # (score, code, display)


@dataclass(frozen=True)
class Questionnaire:
    title: str
    items: tuple[QuestionnaireItem, ...]


def _score(option: Mapping):
    for holder in (option, option.get("valueCoding") or {}):
        for extension in holder.get("extension") or []:
            if isinstance(extension, Mapping) and extension.get("url") in SCORE_URLS:
                value = extension.get("valueDecimal", extension.get("valueInteger"))
                if isinstance(value, bool) or not isinstance(value, int | float):
                    return "bad"
                return int(value) if float(value).is_integer() else "bad"
    return None


def _walk(items, problems, out, path=""):
    for n, raw in enumerate(items, 1):
        where = f"item {path}{n}"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: must be an object")
            continue
        link_id = raw.get("linkId")
        if not isinstance(link_id, str) or not link_id.strip():
            problems.append(f"{where}: missing linkId")
            continue
        where = f"item {link_id}"
        kind = raw.get("type")
        if kind == "group":
            _walk(raw.get("item") or [], problems, out, f"{path}{n}.")
            continue
        if kind == "display" or raw.get("readOnly") is True:
            continue
        if kind not in CHOICE_TYPES:
            problems.append(f"{where}: type {kind!r} is not a choice item")
            continue
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: missing text")
            text = ""
        options = []
        raw_options = raw.get("answerOption")
        if not isinstance(raw_options, list) or not raw_options:
            problems.append(f"{where}: missing answerOption (its answers and their scores)")
            raw_options = []
        for m, option in enumerate(raw_options, 1):
            if not isinstance(option, Mapping) or not isinstance(option.get("valueCoding"),
                                                                 Mapping):
                problems.append(f"{where}, answer {m}: missing valueCoding")
                continue
            coding = option["valueCoding"]
            display = coding.get("display")
            if not isinstance(display, str) or not display.strip():
                problems.append(f"{where}, answer {m}: missing display (the answer's wording)")
                continue
            score = _score(option)
            if score is None:
                problems.append(f"{where}, answer {m}: missing score (an ordinalValue or "
                                f"itemWeight extension)")
                continue
            if score == "bad":
                problems.append(f"{where}, answer {m}: the score must be a whole number")
                continue
            options.append((score, str(coding.get("code") or ""), display.strip()))
        out.append(QuestionnaireItem(link_id=link_id, text=text.strip(), options=tuple(options)))


def read_questionnaire(data) -> Questionnaire:
    """The choice items of a FHIR R4 Questionnaire, or a QuestionnaireError naming every problem."""
    if not isinstance(data, Mapping):
        raise QuestionnaireError(["the file must hold one JSON object (a FHIR Questionnaire)"])
    problems: list[str] = []
    if data.get("resourceType") != "Questionnaire":
        problems.append(f"resourceType: must be 'Questionnaire', got {data.get('resourceType')!r}")
    if data.get("status") not in STATUSES:
        problems.append(f"status: must be one of {', '.join(STATUSES)} (FHIR R4 requires it)")
    items: list[QuestionnaireItem] = []
    if not isinstance(data.get("item"), list) or not data["item"]:
        problems.append("item: missing (the questionnaire has no items)")
    else:
        _walk(data["item"], problems, items)
    seen = set()
    for item in items:
        if item.link_id in seen:
            problems.append(f"item {item.link_id}: duplicate linkId")
        seen.add(item.link_id)
    if problems:
        raise QuestionnaireError(problems)
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    return Questionnaire(title=title.strip(), items=tuple(items))


def match(instrument: Instrument, questionnaire: Questionnaire) -> dict:
    """The wording for each of the instrument's items ({item id: {"text", "options": {score:
    display}}}), or a QuestionnaireError naming what does not match."""
    problems = []
    if len(questionnaire.items) != len(instrument.items):
        problems.append(f"the questionnaire has {len(questionnaire.items)} choice items; "
                        f"{instrument.code} has {len(instrument.items)}")
    known = set(instrument.item_ids)
    for item in questionnaire.items:
        if item.link_id not in known:
            problems.append(f"item {item.link_id}: not an item of {instrument.code} (its item "
                            f"ids are {', '.join(instrument.item_ids)})")
    found = {item.link_id: item for item in questionnaire.items}
    wording = {}
    for definition_item in instrument.items:
        item = found.get(definition_item.id)
        if item is None:
            problems.append(f"item {definition_item.id}: missing from the questionnaire")
            continue
        scores = sorted(score for score, _code, _display in item.options)
        expected = sorted(definition_item.scores)
        if scores != expected:
            problems.append(f"item {item.link_id}: answer scores {_list(scores)} do not match "
                            f"the definition's {_list(expected)}")
            continue
        wording[item.link_id] = {"text": item.text,
                                 "options": {str(s): d for s, _c, d in item.options}}
    if problems:
        raise QuestionnaireError(problems)
    return wording


def _list(scores) -> str:
    return ", ".join(str(s) for s in scores) or "none"


def to_questionnaire(instrument: Instrument, wording: Mapping, *, title: str = "") -> dict:
    """A FHIR R4 Questionnaire with the instrument's items, scores and this wording."""
    items = []
    for item in instrument.items:
        words = wording.get(item.id, {})
        options = []
        for option in item.options:
            coding = {"display": words.get("options", {}).get(str(option.score), "")}
            if option.code:
                coding["code"] = option.code
            options.append({"valueCoding": coding, "extension": [
                {"url": ORDINAL_VALUE, "valueDecimal": option.score}]})
        items.append({"linkId": item.id, "type": "choice", "required": True,
                      "text": words.get("text", ""), "answerOption": options})
    questionnaire = {"resourceType": "Questionnaire", "status": "active",
                     "title": title or instrument.name, "item": items}
    if instrument.loinc_panel:
        questionnaire["code"] = [{"system": "http://loinc.org", "code": instrument.loinc_panel}]
    return questionnaire
