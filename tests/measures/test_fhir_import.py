"""FHIR R4 Questionnaire import: round trip, strict rejection naming what is wrong, and the
import of a whole instrument under the practice's licence."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bravely.measures import fhir, selectors, services
from bravely.measures.definitions import builtin_definitions
from bravely.measures.models import Instrument, Wording
from tests.factories import fictional_wording, signed_in

LICENCE = "Our own test wording."


def test_round_trip(phq9, practice, dana):
    from bravely.audit.services import Actor

    questionnaire = fictional_wording(phq9)
    wording = services.import_wording(Actor(dana), practice, phq9, questionnaire,
                                      licence_note=LICENCE)
    assert wording.items["phq9-1"] == {"text": "Demo question 1", "options": {
        "0": "Answer worth 0", "1": "Answer worth 1", "2": "Answer worth 2",
        "3": "Answer worth 3"}}
    again = fhir.to_questionnaire(phq9.rules, wording.items, title=wording.title)
    assert again == questionnaire
    labels = selectors.item_labels(phq9, selectors.wording_for(practice, phq9))
    assert labels[8]["text"] == "Demo question 9" and labels[8]["risk"]


def test_neutral_labels_until_wording_is_imported(phq9, practice):
    labels = selectors.item_labels(phq9, selectors.wording_for(practice, phq9))
    assert [i["text"] for i in labels[:2]] == ["Item 1 of 9", "Item 2 of 9"]
    assert labels[0]["options"] == [(0, "0"), (1, "1"), (2, "2"), (3, "3")]


def _broken(instrument, change):
    questionnaire = fictional_wording(instrument)
    change(questionnaire)
    return questionnaire


@pytest.mark.parametrize("change, message", [
    (lambda q: q["item"][2]["answerOption"][1].pop("extension"),
     "item phq9-3, answer 2: missing score"),
    (lambda q: q["item"][3].update(linkId="phq9-3"), "item phq9-3: duplicate linkId"),
    (lambda q: q["item"].pop(), "the questionnaire has 8 choice items; PHQ-9 has 9"),
    (lambda q: q.update(resourceType="Patient"), "resourceType: must be 'Questionnaire'"),
    (lambda q: q.pop("status"), "status: must be one of"),
    (lambda q: q["item"][0].update(linkId="x1"), "item x1: not an item of PHQ-9"),
    (lambda q: q["item"][4]["answerOption"].pop(), "item phq9-5: answer scores 0, 1, 2 do not "
                                                   "match the definition's 0, 1, 2, 3"),
    (lambda q: q["item"][5].update(type="string"), "item phq9-6: type 'string' is not a choice"),
    (lambda q: q["item"][6]["answerOption"][0]["valueCoding"].pop("display"),
     "item phq9-7, answer 1: missing display"),
    (lambda q: q["item"][1].pop("text"), "item phq9-2: missing text"),
    (lambda q: q.pop("item"), "item: missing"),
])
def test_malformed_questionnaires_are_refused_naming_what_is_wrong(phq9, practice, dana,
                                                                   change, message):
    from bravely.audit.services import Actor

    with pytest.raises(ValidationError) as error:
        services.import_wording(Actor(dana), practice, phq9, _broken(phq9, change),
                                licence_note=LICENCE)
    problems = error.value.message_dict["questionnaire"]
    assert any(message in p for p in problems), problems
    assert not Wording.objects.exists()


def test_groups_display_and_calculated_items_are_read_through(phq9):
    questionnaire = fictional_wording(phq9)
    questionnaire["item"] = [
        {"linkId": "intro", "type": "display", "text": "Read this first"},
        {"linkId": "g", "type": "group", "item": questionnaire["item"]},
        {"linkId": "total", "type": "integer", "readOnly": True, "text": "Total"},
    ]
    assert len(fhir.match(phq9.rules, fhir.read_questionnaire(questionnaire))) == 9


def test_a_whole_instrument_is_imported_with_its_wording(practice, dana, builtins):
    from bravely.audit.services import Actor

    definition = copy.deepcopy(builtin_definitions()["GAD-7"])
    definition.update(code="CLINIC-7", name="Our clinic's seven", version="2")
    instrument = services.import_instrument(Actor(dana), practice, definition,
                                            licence_note=LICENCE)
    assert instrument.practice == practice and instrument.rules.max_total == 21
    services.import_wording(Actor(dana), practice, instrument, fictional_wording(instrument),
                            licence_note=LICENCE)
    assert selectors.wording_for(practice, instrument).items["gad7-7"]["text"] == \
        "Demo question 7"


@pytest.mark.parametrize("change, message", [
    (lambda d: d["items"][0].update(options=[]), "item gad7-1: missing scores"),
    (lambda d: d["items"][1].update(id="gad7-1"), "item gad7-1: duplicate item id"),
    (lambda d: d["items"][2]["options"][0].pop("score"), "item gad7-3, option 1: missing score"),
    (lambda d: d.update(code="GAD-7"), "GAD-7 is built in"),
])
def test_a_broken_instrument_is_refused(practice, dana, builtins, change, message):
    from bravely.audit.services import Actor

    definition = copy.deepcopy(builtin_definitions()["GAD-7"])
    definition.update(code="MINE", version="1")
    change(definition)
    before = Instrument.objects.count()
    with pytest.raises(ValidationError) as error:
        services.import_instrument(Actor(dana), practice, definition, licence_note=LICENCE)
    assert any(message in p for p in error.value.messages), error.value.messages
    assert Instrument.objects.count() == before


def _upload(data, name="q.json"):
    return SimpleUploadedFile(name, json.dumps(data).encode(), "application/json")


def test_the_import_page(dana, phq9, practice):
    http = signed_in(dana)
    response = http.post("/practice/measures/import/", {
        "kind": "wording", "instrument": phq9.pk, "licence_note": LICENCE,
        "questionnaire": _upload(fictional_wording(phq9))})
    assert response.status_code == 302
    assert selectors.wording_for(practice, phq9) is not None
    page = http.get("/practice/measures/").content.decode()
    assert "imported" in page


def test_the_import_page_shows_what_is_wrong(dana, phq9):
    broken = _broken(phq9, lambda q: q["item"][2]["answerOption"][1].pop("extension"))
    response = signed_in(dana).post("/practice/measures/import/", {
        "kind": "wording", "instrument": phq9.pk, "licence_note": LICENCE,
        "questionnaire": _upload(broken)})
    assert response.status_code == 200
    assert "item phq9-3, answer 2: missing score" in response.content.decode()
    not_json = signed_in(dana).post("/practice/measures/import/", {
        "kind": "wording", "instrument": phq9.pk, "licence_note": LICENCE,
        "questionnaire": SimpleUploadedFile("q.json", b"{nope", "application/json")})
    assert "The file is not valid JSON" in not_json.content.decode()
