"""`bravely worker`: due reminders by e-mail, exactly once (a restart, a second worker), at the
client's local hour outside quiet hours, with no clinical text, and an unsubscribe link that
works without signing in."""

import re
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client as HttpClient

from bravely.clients.models import Client
from bravely.maintenance import reminders, services
from bravely.maintenance.models import Booster, ReminderPreference, SentReminder

DUE = date(2026, 3, 9)  # the Monday after the US change to daylight-saving time


@pytest.fixture
def due(maint, jordan, actor):
    """Jordan (America/New_York, UTC-4 on DUE) has booster 1 due on DUE; a note with a marker."""
    Client.objects.filter(pk=maint.client.pk).update(time_zone="America/New_York")
    booster = Booster.objects.filter(client=maint.client).order_by("number").first()
    Booster.objects.filter(client=maint.client).exclude(pk=booster.pk).update(
        due_on=DUE + timedelta(days=60))
    Booster.objects.filter(pk=booster.pk).update(due_on=DUE)
    from bravely.practice.services import write_journal

    write_journal(actor, maint.client, "MARKER-7731 my private fear")
    return maint


def at(hour, minute=0):
    return datetime(2026, 3, 9, hour, minute, tzinfo=UTC)


def test_run_once_twice_sends_one_e_mail(due):
    with mock.patch("django.utils.timezone.now", return_value=at(22, 5)):
        call_command("worker", "--once")
        call_command("worker", "--once")  # a restart: the claim is in the database
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jordan@example.org"]
    assert SentReminder.objects.get().status == SentReminder.Status.SENT


def test_sent_at_18_local_time_after_the_daylight_saving_change(due):
    assert reminders.send_due(at(21, 59))["sent"] == 0  # 17:59 in New York
    assert reminders.send_due(at(22, 0))["sent"] == 1  # 18:00 in New York (UTC-4 now)


def test_two_workers_cannot_both_claim(due):
    found = reminders.due_reminders(at(22, 0))
    assert len(found) == 1
    first = reminders._claim(*found[0])
    second = reminders._claim(*found[0])
    assert first is not None and second is None
    assert reminders.due_reminders(at(22, 0)) == []


def test_the_e_mail_holds_no_clinical_text(due):
    reminders.send_due(at(22, 0))
    body = mail.outbox[0].body + mail.outbox[0].subject
    assert "MARKER-7731" not in body
    for text in ("Join a lunch table", "booster", "Jordan", "Be there"):
        assert text.lower() not in body.lower()
    assert "/me/" in body


def test_quiet_hours_and_pausing(due, actor):
    services.set_reminders(actor, due.client, enabled=True, quiet_from=17, quiet_until=20)
    assert reminders.send_due(at(22, 0))["sent"] == 0  # 18:00 local is quiet: moved to 20:00
    assert reminders.send_due(at(0, 0) + timedelta(days=1))["sent"] == 1  # 20:00 local
    services.set_reminders(actor, due.client, enabled=False, quiet_from=21, quiet_until=8)
    Booster.objects.filter(client=due.client, number=2).update(due_on=DUE)
    assert reminders.send_due(at(23, 0))["sent"] == 0


def test_bad_reminder_hours_are_refused(due, actor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.set_reminders(actor, due.client, enabled=True, quiet_from=25, quiet_until=8)
    assert "quiet_from" in caught.value.message_dict


def test_a_failed_send_is_retried_with_a_pause_then_left_for_the_clinician(due, alice):
    with mock.patch("bravely.maintenance.reminders.send_mail",
                    side_effect=OSError("550 mailbox unavailable")):
        assert reminders.send_due(at(22, 0)) == {"sent": 0, "failed": 1}
        row = SentReminder.objects.get()
        assert row.status == SentReminder.Status.FAILED and "550" in row.error
        assert reminders.send_due(at(22, 1))["failed"] == 0  # not yet: the pause
        assert reminders.send_due(at(22, 6))["failed"] == 1
        assert reminders.send_due(at(22, 17))["failed"] == 1
        assert reminders.send_due(at(23, 59))["failed"] == 0  # given up after 3 attempts
    assert SentReminder.objects.get().attempts == 3 and len(mail.outbox) == 0
    from tests.factories import signed_in

    page = signed_in(alice).get(f"/clients/{due.client.pk}/maintenance/").content.decode()
    assert "could not be sent" in page


def test_unsubscribe_without_signing_in(due, alice):
    reminders.send_due(at(22, 0))
    link = re.search(r"https?://\S+/reminders/stop/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    anon = HttpClient()
    assert "Stop reminders" in anon.get(path).content.decode()  # a GET changes nothing
    assert ReminderPreference.objects.filter(client=due.client, enabled=False).count() == 0
    assert "no more reminder" in anon.post(path).content.decode()
    assert not ReminderPreference.objects.get(client=due.client).enabled
    assert "already off" in anon.get(path).content.decode()  # reused
    assert anon.get(path[:-5] + "xxxx/").status_code == 400  # forged
    from tests.factories import signed_in

    page = signed_in(alice).get(f"/clients/{due.client.pk}/maintenance/").content.decode()
    assert "unsubscribed" in page


def test_the_client_pauses_reminders_in_the_portal(due, portal):
    assert portal.get("/me/reminders/").status_code == 200
    response = portal.post("/me/reminders/", {"quiet_from": "21", "quiet_until": "8"})
    assert response.status_code == 302
    assert not ReminderPreference.objects.get(client=due.client).enabled
    response = portal.post("/me/reminders/", {"enabled": "on", "quiet_from": "99",
                                              "quiet_until": "8"})
    assert response.status_code == 200 and "quiet_from" in response.content.decode()
