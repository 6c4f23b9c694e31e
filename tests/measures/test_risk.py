"""A risk item answer (PHQ-9 item 9 above 0) reaches the care team through practice.risk, at
once and whatever else happens to the submission."""

import itertools

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bravely.measures import selectors, services
from bravely.practice.models import RiskAlert
from tests.factories import make_client, phq9_answers

NUMBERS = itertools.count()

HYPOTHESIS = settings(max_examples=25, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


@HYPOTHESIS
@given(values=st.lists(st.integers(0, 3), min_size=9, max_size=9), submit=st.booleans(),
       source=st.sampled_from(["portal", "session", "api"]))
def test_risk_item_raises_an_alert_exactly_when_item_nine_is_above_zero(
        actor, practice, alice, phq9, values, submit, source):
    client_record = make_client(practice, alice, name=f"Client {next(NUMBERS)}")
    administration = services.administration_for_entry(actor, client_record, phq9)
    done = services.save_answers(actor, administration, phq9_answers(*values), source=source,
                                 submit=submit)
    alerts = RiskAlert.objects.filter(client=client_record, source="measure")
    assert alerts.count() == (1 if values[8] > 0 else 0)
    assert (done.risk_alert_id is not None) == (values[8] > 0)
    if values[8] > 0:
        assert alerts.get().raised_in_session == (source == "session")


@HYPOTHESIS
@given(risk_value=st.integers(1, 3),
       bad=st.sampled_from([{"phq9-1": 9}, {"phq9-2": "x"}, {"nope": 1}]))
def test_a_refused_submission_with_a_risk_answer_still_alerts(actor, practice, alice, phq9,
                                                              risk_value, bad):
    client_record = make_client(practice, alice, name=f"Client {next(NUMBERS)}")
    administration = services.administration_for_entry(actor, client_record, phq9)
    with pytest.raises(ValidationError):
        services.save_answers(actor, administration, {"phq9-9": risk_value, **bad},
                              source="portal")
    assert RiskAlert.objects.filter(client=client_record, source="measure").count() == 1


def test_after_submission_a_resent_risk_answer_still_alerts(actor, client_record, phq9):
    administration = services.administration_for_entry(actor, client_record, phq9)
    services.save_answers(actor, administration, phq9_answers(*[0] * 9), source="session",
                          submit=True)
    with pytest.raises(ValidationError):
        services.save_answers(actor, administration, {"phq9-9": 2}, source="portal")
    assert RiskAlert.objects.filter(source="measure").count() == 1


def test_the_client_sees_support_at_once_and_the_team_is_emailed(
        actor, client_record, phq9, portal, django_capture_on_commit_callbacks):
    services.schedule_measure(actor, client_record, phq9, starts_on=timezone.localdate())
    administration = selectors.due_for_client(client_record).get()
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(f"/me/measures/{administration.pk}/?item=9", {"value": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "Thank you for telling us" in page
    assert "Carry on with the questions" in page
    assert RiskAlert.objects.get().source == "measure"
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "Item 9" not in mail.outbox[0].body  # a link only, no clinical detail


def test_the_alert_is_shown_on_the_client_record(actor, client_record, phq9, alice):
    from tests.factories import score_measure, signed_in

    score_measure(actor, client_record, phq9, [0] * 8 + [1])
    page = signed_in(alice).get(f"/clients/{client_record.pk}/").content.decode()
    assert "Outcome measure on" in page


def test_a_paper_form_for_an_archived_client_with_a_risk_answer_still_alerts(
        actor, client_record, phq9, alice):
    from bravely.clients import services as client_services
    from tests.factories import signed_in

    client_services.archive_client(actor, client_record, "Moved away.")
    response = signed_in(alice).post(
        f"/clients/{client_record.pk}/measures/enter/{phq9.pk}/",
        {"completed_on": timezone.localdate().isoformat(),
         **dict.fromkeys(phq9.rules.item_ids, "2")})
    assert "archived" in response.content.decode()
    alert = RiskAlert.objects.get(client=client_record, source="measure")
    assert alert.raised_in_session and "Risk item answered" in response.content.decode()


def test_an_incomplete_paper_form_with_a_risk_answer_alerts(client_record, phq9, alice):
    from tests.factories import signed_in

    response = signed_in(alice).post(
        f"/clients/{client_record.pk}/measures/enter/{phq9.pk}/",
        {"completed_on": timezone.localdate().isoformat(), "phq9-9": "3"})
    assert response.status_code == 200 and "Risk item answered" in response.content.decode()
    assert RiskAlert.objects.filter(client=client_record, source="measure").count() == 1
