"""Scheduling, entering from paper, resuming a half-completed measure, refusals."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.clients import services as client_services
from bravely.core.models import ImmutableError
from bravely.measures import selectors, services
from bravely.measures.models import Administration, Response
from tests.factories import score_measure, signed_in

TODAY = timezone.localdate


def test_schedule_once_makes_one_due(actor, client_record, phq9):
    schedule = services.schedule_measure(actor, client_record, phq9, starts_on=TODAY())
    due = list(selectors.due_for_client(client_record))
    assert [a.schedule for a in due] == [schedule]
    assert AuditEvent.objects.filter(object_type="schedule", action="create").exists()


def test_repeating_schedule_makes_the_next_one_due_after_submission(actor, client_record, phq9):
    services.schedule_measure(actor, client_record, phq9, starts_on=TODAY(), every_weeks=2)
    first = selectors.due_for_client(client_record).get()
    services.save_answers(actor, first, dict.fromkeys(phq9.rules.item_ids, 1),
                          source="session", submit=True)
    following = selectors.open_administrations(client_record).get()
    assert following.due_on == first.due_on + timedelta(weeks=2)
    assert not selectors.due_for_client(client_record).exists()  # not due yet


def test_scores_are_stored_with_the_scoring_version(actor, client_record, phq9):
    done = score_measure(actor, client_record, phq9, [3, 3, 2, 2, 1, 1, 0, 0, 0])
    assert (done.total, done.severity, done.status) == (12, "Moderate", "submitted")
    assert done.scoring_version == "PHQ-9 v1; bravely-measures 1"
    assert AuditEvent.objects.filter(action="submit", object_type="administration").exists()


def test_a_response_out_of_range_is_refused_naming_the_item(actor, client_record, phq9):
    administration = services.administration_for_entry(actor, client_record, phq9)
    with pytest.raises(ValidationError) as error:
        services.save_answers(actor, administration, {"phq9-4": 7}, source="session")
    assert error.value.message_dict == {"phq9-4": ["Item 4: choose one of the answers shown."]}
    assert not Response.objects.exists()


def test_submitting_with_items_missing_names_them_and_keeps_nothing_half_saved(
        actor, client_record, phq9):
    administration = services.administration_for_entry(actor, client_record, phq9)
    with pytest.raises(ValidationError) as error:
        services.save_answers(actor, administration, {"phq9-1": 1}, source="session",
                              submit=True)
    assert "items 2, 3, 4, 5, 6, 7, 8, 9 are not answered yet" in error.value.messages[0]
    administration.refresh_from_db()
    assert administration.status == "due" and not Response.objects.exists()


def test_a_half_completed_measure_resumed_after_a_day_keeps_its_answers(
        actor, client_record, phq9, jordan, portal):
    services.schedule_measure(actor, client_record, phq9, starts_on=TODAY())
    administration = selectors.due_for_client(client_record).get()
    url = f"/me/measures/{administration.pk}/"
    for n in range(1, 5):
        assert portal.post(f"{url}?item={n}", {"value": "1"}).status_code == 302
    Response.objects.filter(administration=administration).update(
        answered_at=timezone.now() - timedelta(days=1))
    # a day later, from another device: the next unanswered item, the answers still there
    later = signed_in(jordan)
    page = later.get(url)
    assert "Question 5 of 9" in page.content.decode()
    assert selectors.answers(administration) == {f"phq9-{n}": 1 for n in range(1, 5)}
    for n in range(5, 10):
        later.post(f"{url}?item={n}", {"value": "0"})
    review = later.get(url).content.decode()
    assert "Check your answers" in review
    assert later.post(url + "?item=review").status_code == 302
    administration.refresh_from_db()
    assert administration.total == 4 and administration.source == "portal"


def test_an_answer_can_change_until_submitted_never_after(actor, client_record, phq9):
    administration = services.administration_for_entry(actor, client_record, phq9)
    services.save_answers(actor, administration, {"phq9-1": 1}, source="session")
    services.save_answers(actor, administration, {"phq9-1": 2}, source="session")
    assert selectors.answers(administration) == {"phq9-1": 2}
    services.save_answers(actor, administration, dict.fromkeys(phq9.rules.item_ids, 0),
                          source="session", submit=True)
    with pytest.raises(ValidationError, match="already submitted"):
        services.save_answers(actor, administration, {"phq9-1": 3}, source="session")
    stored = Administration.objects.get(pk=administration.pk)
    with pytest.raises(ImmutableError):
        stored.save()
    with pytest.raises(ImmutableError):
        stored.delete()
    with pytest.raises(ImmutableError):
        stored.responses.first().delete()


def test_a_measure_for_an_archived_client_is_refused_clearly(actor, client_record, phq9, alice):
    client_services.archive_client(actor, client_record, "Moved away.")
    with pytest.raises(ValidationError) as error:
        services.schedule_measure(actor, client_record, phq9, starts_on=TODAY())
    assert "archived" in error.value.message_dict["client"][0]
    response = signed_in(alice).post(f"/clients/{client_record.pk}/measures/enter/{phq9.pk}/",
                                     {"completed_on": TODAY().isoformat(),
                                      **dict.fromkeys(phq9.rules.item_ids, "1")})
    assert response.status_code == 200
    assert "archived" in response.content.decode()
    assert not Administration.objects.exists()


def test_the_clinician_enters_a_paper_form(alice, client_record, phq9):
    http = signed_in(alice)
    url = f"/clients/{client_record.pk}/measures/enter/{phq9.pk}/"
    assert "Item 1 of 9" in http.get(url).content.decode()
    response = http.post(url, {"completed_on": TODAY().isoformat(),
                               **dict.fromkeys(phq9.rules.item_ids, "2")})
    assert response.status_code == 302
    page = http.get(f"/clients/{client_record.pk}/measures/").content.decode()
    assert "Moderately severe" in page and "baseline" in page


def test_schedule_page(alice, client_record, phq9):
    http = signed_in(alice)
    url = f"/clients/{client_record.pk}/measures/schedule/"
    bad = http.post(url, {"instrument": phq9.pk, "frequency": "repeat", "every_weeks": "",
                          "starts_on": TODAY().isoformat(), "review_after_weeks": 6})
    assert "Say every how many weeks." in bad.content.decode()
    ok = http.post(url, {"instrument": phq9.pk, "frequency": "repeat", "every_weeks": 2,
                         "starts_on": TODAY().isoformat(), "review_after_weeks": 6})
    assert ok.status_code == 302
    assert client_record.measure_schedules.get().every_weeks == 2


def test_the_clinician_ends_a_schedule_and_nothing_more_is_asked(alice, client_record, phq9,
                                                                 actor):
    schedule = services.schedule_measure(actor, client_record, phq9, starts_on=TODAY(),
                                         every_weeks=2)
    http = signed_in(alice)
    page = http.get(f"/clients/{client_record.pk}/measures/").content.decode()
    assert "End schedule" in page
    response = http.post(f"/clients/{client_record.pk}/measures/schedules/{schedule.pk}/end/")
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.ended_at is not None
    assert not selectors.due_for_client(client_record).exists()
    page = http.get(f"/clients/{client_record.pk}/measures/").content.decode()
    assert "End schedule" not in page and "(ended)" in page
    assert schedule.administrations.count() == 1  # the unanswered one is kept, not deleted
    event = AuditEvent.objects.filter(object_type="schedule", action="update").latest("id")
    assert event.details == {"ended": True} and event.client_id == client_record.pk


def test_a_measure_already_started_can_still_be_finished_after_its_schedule_ends(
        actor, client_record, phq9):
    schedule = services.schedule_measure(actor, client_record, phq9, starts_on=TODAY(),
                                         every_weeks=2)
    administration = schedule.administrations.get()
    services.save_answers(actor, administration, {"phq9-1": 1}, source="portal")
    services.end_schedule(actor, schedule)
    assert list(selectors.due_for_client(client_record)) == [administration]
    services.save_answers(actor, administration, dict.fromkeys(phq9.rules.item_ids, 1),
                          source="portal", submit=True)
    assert schedule.administrations.count() == 1  # no next one after the schedule ended


def test_another_clients_schedule_cannot_be_ended_through_this_client(
        alice, client_record, phq9, actor, practice):
    other_client = client_services.create_client(actor, practice, {
        "display_name": "Sam Other", "primary_clinician": alice, "status": "active",
        "region": "US"})
    schedule = services.schedule_measure(actor, other_client, phq9, starts_on=TODAY())
    response = signed_in(alice).post(
        f"/clients/{client_record.pk}/measures/schedules/{schedule.pk}/end/")
    assert response.status_code == 404
    schedule.refresh_from_db()
    assert schedule.ended_at is None
