import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client as HttpClient

from bravely.audit.models import AppendOnlyError, AuditEvent
from bravely.audit.services import GENESIS, record, verify_chain


def test_each_event_chains_to_the_previous_one(actor, client_record):
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) >= 2
    assert events[0].prev_hash == GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert verify_chain()[1] is None


def test_viewing_a_client_is_recorded_with_who_what_and_where(alice, client_record):
    http = HttpClient(REMOTE_ADDR="10.1.2.3")
    http.force_login(alice)
    http.get(f"/clients/{client_record.pk}/")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.client_id, event.actor_id) == ("view", client_record.pk, alice.pk)
    assert event.ip_address == "10.1.2.3"
    assert event.object_type == "client"


def test_caseload_view_records_which_clients_were_listed(alice, client_record):
    http = HttpClient()
    http.force_login(alice)
    http.get("/clients/")
    event = AuditEvent.objects.order_by("-id").first()
    assert event.object_type == "caseload"
    assert event.details["client_ids"] == [client_record.pk]


def test_events_cannot_be_changed_or_deleted_through_the_app(actor, client_record):
    event = AuditEvent.objects.first()
    event.action = "export"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="export")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_verify_finds_a_row_altered_directly_in_the_database(actor, client_record):
    for _ in range(3):
        record(actor, "view", client_record)
    call_command("audit", "verify")
    target = AuditEvent.objects.order_by("id")[2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s",
            ["someone-else@example.org", target.pk],
        )
    with pytest.raises(CommandError, match=f"broken at event {target.pk}"):
        call_command("audit", "verify")


def test_verify_finds_a_row_deleted_directly_in_the_database(actor, client_record):
    for _ in range(3):
        record(actor, "view", client_record)
    target = AuditEvent.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    checked, broken, why = verify_chain()
    assert broken is not None and broken.pk > target.pk
    assert "prev_hash" in why


def test_admin_browses_and_filters_the_practice_audit_log(dana, alice, charlie, client_record):
    record_for_charlie = record(type("A", (), {"user": charlie, "ip_address": None,
                                               "via": "web"})(), "view", object_type="caseload",
                                practice_id=charlie.membership.practice_id)
    http = HttpClient()
    http.force_login(dana)
    page = http.get("/practice/audit/", {"action": "create"}).content.decode()
    assert "alice@example.org" in page
    assert "charlie@example.org" not in page
    page = http.get("/practice/audit/", {"client": str(client_record.pk)}).content.decode()
    assert page.count("<tr>") >= 3
    assert record_for_charlie.practice_id != dana.membership.practice_id


def test_the_audit_log_names_records_in_words(dana, alice, client_record):
    http = HttpClient()
    http.force_login(alice)
    http.get("/clients/")
    http.force_login(dana)
    page = http.get("/practice/audit/").content.decode()
    assert f"Client #{client_record.pk}" in page  # a record: its kind and id
    assert "Caseload page</td>" in page  # a page: no id that could be mistaken for a record's
    assert ">caseload" not in page and ">client #" not in page


def test_every_page_recorded_in_the_audit_log_has_a_label():
    import re
    from pathlib import Path

    from bravely.audit.labels import PAGES, _model_names

    source = Path(__file__).parents[2] / "src" / "bravely"
    used = {m for path in source.rglob("*.py")
            for m in re.findall(r'object_type="([a-z_]+)"', path.read_text())}
    assert used and used <= set(PAGES) | set(_model_names())
