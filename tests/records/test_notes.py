"""Session notes: drafts, signing, immutability, addenda, co-signatures, the period's facts."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from bravely.audit.models import AuditEvent
from bravely.audit.services import Actor
from bravely.core.models import ImmutableError
from bravely.records import selectors, services
from bravely.records.models import SessionNote


def test_a_draft_is_created_with_the_period_and_audited(draft, logged):
    assert not draft.is_signed
    assert (draft.session_date - draft.period_start).days == 7
    assert AuditEvent.objects.filter(action="create", object_type="sessionnote").exists()


def test_the_period_facts_name_practice_checkins_and_trend(draft):
    lines = selectors.facts_lines(selectors.period_facts(draft.client, draft.period_start,
                                                         draft.session_date))
    text = "\n".join(lines)
    assert "3 practices logged" in text
    assert "Say hello to a colleague" in text
    assert "1 check-in" in text
    assert "Expected likelihood" in text


def test_signing_hashes_and_freezes_the_note(signed, actor):
    assert signed.is_signed and signed.hash_is_intact()
    with pytest.raises(ValidationError) as error:
        services.update_draft(actor, signed, {"data": "changed"})
    assert "note" in error.value.message_dict
    signed.data = "changed behind the service's back"
    with pytest.raises(ImmutableError):
        signed.save()
    with pytest.raises(ImmutableError):
        signed.delete()
    with pytest.raises(ImmutableError):
        SessionNote.objects.filter(pk=signed.pk).update(data="x")
    with pytest.raises(ImmutableError):
        SessionNote.objects.filter(pk=signed.pk).delete()
    assert not SessionNote.objects.get(pk=signed.pk).data.startswith("changed")


def test_a_change_made_in_the_database_breaks_the_hash(signed):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE records_sessionnote SET data = 'forged' WHERE id = %s",
                       [signed.pk])
    assert not SessionNote.objects.get(pk=signed.pk).hash_is_intact()


def test_signing_needs_all_three_parts(draft, actor):
    services.update_draft(actor, draft, {"data": "Only data"})
    with pytest.raises(ValidationError) as error:
        services.sign_note(actor, draft)
    assert set(error.value.message_dict) == {"assessment", "plan"}
    assert not SessionNote.objects.get(pk=draft.pk).is_signed


def test_a_stale_save_is_refused_and_nothing_changes(draft, actor):
    services.update_draft(actor, draft, {"data": "first"}, version=1)
    with pytest.raises(ValidationError) as error:
        services.update_draft(actor, draft, {"data": "second"}, version=1)
    assert "version" in error.value.message_dict
    assert SessionNote.objects.get(pk=draft.pk).data == "first"


def test_only_the_author_edits_a_draft(draft, bob):
    with pytest.raises(ValidationError):
        services.update_draft(Actor(bob), draft, {"data": "bob"})


def test_bad_dates_name_the_field(logged, actor):
    from datetime import date, timedelta

    from django.utils import timezone

    with pytest.raises(ValidationError) as error:
        services.create_note(actor, logged.client,
                             {"session_date": timezone.localdate() + timedelta(days=5)})
    assert "session_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_note(actor, logged.client, {"session_date": date(2026, 1, 1),
                                                    "period_start": date(2026, 2, 1)})
    assert "period_start" in error.value.message_dict
    assert not SessionNote.objects.exists()


def test_addenda_are_signed_and_only_on_signed_notes(signed, draft, actor):
    addendum = services.add_addendum(actor, signed, "Correction: four practices.")
    assert addendum.signed_hash and addendum.signed_by == actor.user
    with pytest.raises(ValidationError):
        services.add_addendum(actor, signed, "   ")


def test_an_addendum_to_a_draft_is_refused(logged, actor):
    note = services.create_note(actor, logged.client, {})
    with pytest.raises(ValidationError) as error:
        services.add_addendum(actor, note, "text")
    assert "text" in error.value.message_dict


def test_the_supervisor_cosigns_once(signed, ruth, bob):
    assert selectors.may_cosign(ruth, signed)
    assert not selectors.may_cosign(bob, signed)
    services.cosign(Actor(ruth), signed, "Agreed.")
    note = selectors.get_note(signed.client, signed.pk)
    assert not selectors.may_cosign(ruth, note)
    with pytest.raises(ValidationError):
        services.cosign(Actor(ruth), note)


def _http(user):
    http = HttpClient()
    http.force_login(user)
    return http


def test_the_page_without_js_saves_inserts_facts_and_signs(draft, alice):
    http = _http(alice)
    url = reverse("note_detail", args=[draft.client.pk, draft.pk])
    base = {"session_date": draft.session_date.isoformat(),
            "period_start": draft.period_start.isoformat(), "data": "Came on time.",
            "assessment": "", "plan": "", "version": 1}
    assert http.post(url, {**base, "action": "save"}).status_code == 302
    assert http.post(url, {**base, "version": 2, "action": "insert_facts"}).status_code == 302
    note = SessionNote.objects.get(pk=draft.pk)
    assert note.data.startswith("Came on time.") and "practices logged" in note.data
    refused = http.post(url, {**base, "data": note.data, "version": note.version,
                              "action": "sign"})
    assert refused.status_code == 200
    assert "Write the assessment before signing." in refused.content.decode()
    done = http.post(url, {**base, "data": note.data, "assessment": "Going well.",
                           "plan": "Rung 2.", "version": note.version, "action": "sign"})
    assert done.status_code == 302
    assert SessionNote.objects.get(pk=draft.pk).is_signed


def test_autosave_with_htmx_answers_a_status_and_the_new_version(draft, alice):
    http = _http(alice)
    url = reverse("note_autosave", args=[draft.client.pk, draft.pk])
    response = http.post(url, {"session_date": draft.session_date.isoformat(),
                               "period_start": draft.period_start.isoformat(),
                               "data": "typing", "assessment": "", "plan": "", "version": 1},
                         headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Draft saved" in body and 'value="2"' in body
    stale = http.post(url, {"session_date": draft.session_date.isoformat(),
                            "period_start": draft.period_start.isoformat(),
                            "data": "other tab", "assessment": "", "plan": "", "version": 1},
                      headers={"HX-Request": "true"})
    assert "Not saved" in stale.content.decode()
    assert SessionNote.objects.get(pk=draft.pk).data == "typing"


def test_a_signed_note_page_shows_no_editor(signed, alice):
    html = _http(alice).get(reverse("note_detail", args=[signed.client.pk, signed.pk])
                            ).content.decode()
    assert "Sign the note" not in html and "The signed text is intact" in html
    assert "Sign and add the addendum" in html


def test_the_note_page_runs_in_constant_queries(planned, actor, alice,
                                                django_assert_num_queries):
    from tests.records.conftest import log

    log(actor, planned, 2)
    note = services.create_note(actor, planned.client, {})
    http = _http(alice)
    url = reverse("note_detail", args=[planned.client.pk, note.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        http.get(url)
    log(actor, planned, 30, peak=55, days_ago=2)
    with CaptureQueriesContext(connection) as many:
        http.get(url)
    assert len(few) == len(many)


def test_the_demo_has_a_signed_cosigned_note_and_a_draft_and_stays_idempotent(db):
    from bravely.site.demo import load_demo

    load_demo()
    notes = list(SessionNote.objects.order_by("session_date"))
    assert [n.is_signed for n in notes] == [True, False]
    assert notes[0].hash_is_intact()
    assert notes[0].cosignatures.count() == 1 and notes[0].addenda.count() == 1
    load_demo()
    assert SessionNote.objects.count() == 2
