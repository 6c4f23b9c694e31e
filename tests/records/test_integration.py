"""The record with the other apps wired in: the progress charts and the outcome measures in
the clinical and discharge summaries, the measures in a session note's period facts."""

import datetime as dt

import pytest
from django.utils import timezone

from bravely.measures import services as measure_services
from bravely.records import documents, pdf, selectors
from tests.factories import score_measure
from tests.records.test_pdf import text_of


@pytest.fixture
def measured(logged, actor):
    phq9 = {i.code: i for i in measure_services.ensure_builtins()}["PHQ-9"]
    today = timezone.localdate()
    score_measure(actor, logged.client, phq9, [3, 3, 3, 3, 2, 2, 2, 2, 0],
                  completed_on=today - dt.timedelta(days=20))
    score_measure(actor, logged.client, phq9, [1, 1, 1, 0, 0, 0, 0, 0, 0],
                  completed_on=today - dt.timedelta(days=2))
    return logged


def test_document_charts_come_from_the_progress_app(measured):
    shown = documents.charts(measured.client)
    titles = [title for title, _svg, _rows in shown]
    assert any(t.startswith("Distress per practice") for t in titles)
    assert "Expectancy: how likely the feared outcome seemed" in titles
    assert any(t.startswith("The ladder over time") for t in titles)
    assert "Practice: assigned and done each week" in titles
    assert "Values over time: importance and how fully they were lived" in titles
    assert "Patient Health Questionnaire-9 (PHQ-9) over time" in titles
    assert all(svg.startswith("<svg") for _t, svg, _r in shown)


@pytest.mark.parametrize("kind", ["summary", "discharge"])
def test_the_summaries_have_the_charts_and_the_measures(measured, kind):
    text = text_of(pdf.render_pdf(kind, measured.client))
    for title in ("Distress per practice", "Expectancy: how likely the feared outcome",
                  "The ladder over time", "Practice: assigned and done each week",
                  "(PHQ-9) over time"):
        assert title in text, title
    assert "20" in text  # the first PHQ-9 total
    assert "recovered" in text  # 20 -> 3 on the PHQ-9: reliable change and below the cut-off
    assert "Progress charts appear here" not in text


def test_the_session_notes_facts_have_the_measures(measured):
    today = timezone.localdate()
    facts = selectors.period_facts(measured.client, today - dt.timedelta(days=7), today)
    lines = selectors.facts_lines(facts)
    phq9 = "Measure Patient Health Questionnaire-9 (PHQ-9): 3 ("
    assert any(line.startswith(phq9) for line in lines), lines
    assert not any("20" in line for line in lines if line.startswith("Measure"))  # out of period



def test_the_export_holds_the_measures_with_responses_scores_and_change(measured):
    from bravely.records import export
    from tests.records.test_export import validate

    data = export.client_record(measured.client)
    validate(data)
    first, second = data["measures"]
    assert first["instrument"]["code"] == "PHQ-9" and first["status"] == "submitted"
    assert len(first["responses"]) == 9 and first["responses"][0]["value"] == 3
    assert first["score"]["total"] == 20 and first["score"]["change"] == "baseline"
    assert first["score"]["severity_label"] == "Severe"
    assert second["score"]["total"] == 3 and second["score"]["change"] == "recovered"
    assert second["score"]["difference"] == -17
    validate(export.client_record(measured.client, audience=export.CLIENT))


def test_the_fhir_bundle_has_a_response_per_measure_and_an_observation_per_score(measured):
    from bravely.records import fhir
    from tests.records.test_fhir import check

    bundle = fhir.bundle(measured.client)
    kinds = check(bundle)  # R4B validation, every reference resolves
    assert kinds.count("QuestionnaireResponse") == 2
    resources = [e["resource"] for e in bundle["entry"]]
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    assert responses[0]["questionnaire"] == "http://loinc.org/q/44249-1"
    assert [a["answer"][0]["valueInteger"] for a in responses[0]["item"]][:2] == [3, 3]
    scores = [r for r in resources if r["resourceType"] == "Observation"
              and r["code"].get("text", "").endswith("(PHQ-9)")]
    assert [s["valueInteger"] for s in scores] == [20, 3]
    assert scores[0]["code"]["coding"][0] == {
        "system": "http://loinc.org", "code": "44261-6",
        "display": "Patient Health Questionnaire-9 (PHQ-9) total score"}
    assert scores[1]["note"] == [{"text": "recovered"}]
    assert scores[1]["interpretation"] == [{"text": "Minimal"}]
    assert all(s["derivedFrom"][0]["reference"].startswith("urn:uuid:") for s in scores)


@pytest.mark.parametrize("kind", ["summary", "discharge"])
def test_the_summaries_have_the_latest_relapse_prevention_plan(planned, actor, kind):
    from bravely.maintenance import services as maintenance
    from tests.factories import make_maintenance, plan_data

    make_maintenance(actor, planned)
    first = maintenance.save_plan(actor, planned.client, plan_data(), based_on=None)
    text = text_of(pdf.render_pdf(kind, planned.client))
    assert "A slip is not a fall." in text and "Not acknowledged." in text
    latest = maintenance.save_plan(actor, planned.client, plan_data(
        lapse_note="One hard day is a lapse.", change_note="Clearer words"),
        based_on=first.version)
    maintenance.acknowledge_plan(actor, latest, method="session", note="Read together")
    text = text_of(pdf.render_pdf(kind, planned.client))
    assert "One hard day is a lapse." in text and "A slip is not a fall." not in text
    assert "Version 2" in text and "Read together" in text and "Not acknowledged." not in text
    assert "No relapse-prevention plan recorded." not in text
