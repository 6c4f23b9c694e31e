"""A client with no reliable improvement after the schedule's weeks, or reliably worse, gets a
"not on track" item in Needs attention with the evidence; a later score on track closes it."""

from datetime import date, timedelta

from bravely.measures import services
from bravely.measures.models import OffTrack
from bravely.pacing.selectors import needs_attention
from tests.factories import score_measure, signed_in

START = date(2026, 1, 5)


def _phq(actor, client, phq9, total, week):
    values = [min(3, max(0, total - 3 * i)) for i in range(9)]
    return score_measure(actor, client, phq9, values, completed_on=START + timedelta(weeks=week))


def test_no_reliable_improvement_after_the_weeks(actor, client_record, phq9, alice):
    services.schedule_measure(actor, client_record, phq9, starts_on=START, every_weeks=2,
                              review_after_weeks=4)
    _phq(actor, client_record, phq9, 16, 0)
    _phq(actor, client_record, phq9, 14, 2)
    assert not OffTrack.objects.exists()  # two weeks in: too early
    _phq(actor, client_record, phq9, 13, 4)
    flag = OffTrack.objects.get()
    assert flag.reason == "no_improvement"
    assert flag.evidence | {"administration_ids": []} == {
        "instrument": "PHQ-9", "baseline_on": "2026-01-05", "baseline": 16,
        "latest_on": "2026-02-02", "latest": 13, "weeks": 4, "weeks_allowed": 4,
        "difference": -3, "rc": None, "label": "no_reliable_change", "administration_ids": []}
    [row] = needs_attention(alice)
    assert row.not_on_track == 1 and row.off_track_code == "PHQ-9"
    page = signed_in(alice).get("/attention/").content.decode()
    assert "not on track on 1 outcome measure" in page
    assert "no reliable improvement since the first score" in page
    measures_page = signed_in(alice).get(f"/clients/{client_record.pk}/measures/").content
    assert "First score 16 on 2026-01-05; latest 13 on 2026-02-02" in measures_page.decode()
    _phq(actor, client_record, phq9, 9, 6)  # reliably better: on track again
    flag.refresh_from_db()
    assert flag.closed_at is not None
    assert list(needs_attention(alice)) == []


def test_reliable_deterioration_at_once(actor, client_record, phq9):
    _phq(actor, client_record, phq9, 8, 0)
    _phq(actor, client_record, phq9, 15, 1)
    assert OffTrack.objects.get().reason == "deteriorated"
