"""Client records through the pages: create, edit, archive and restore, and bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.clients.models import Client
from tests.factories import signed_in


def form_data(primary, **overrides) -> dict:
    data = {
        "display_name": "Sam Rivera",
        "pronouns": "he/him",
        "date_of_birth": "1990-04-01",
        "status": "intake",
        "presenting_concerns": "Fear of flying.",
        "primary_clinician": primary.pk,
        "distress_scale": "suds100",
        "locale": "en",
        "region": "US-CA",
    }
    data.update(overrides)
    return data


def snapshot():
    return Client.objects.count(), AuditEvent.objects.count()


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


def test_create_client_puts_primary_clinician_on_the_care_team(alice, bob, practice):
    http = signed_in(alice)
    response = http.post("/clients/new/", form_data(alice, care_team=[bob.pk]))
    client = Client.objects.get(display_name="Sam Rivera")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.pk}/"
    assert client.practice == practice
    assert client.primary_clinician == alice
    assert set(client.care_team.all()) == {alice, bob}
    assert (client.region, client.status, str(client.date_of_birth)) == (
        "US-CA", "intake", "1990-04-01")
    event = last_event()
    assert (event.action, event.object_type, event.client_id) == ("create", "client", client.pk)
    assert event.actor == alice and event.via == "web"


def test_primary_clinician_is_on_the_care_team_when_not_ticked(alice, bob):
    http = signed_in(alice)
    http.post("/clients/new/", form_data(bob, care_team=[alice.pk]))
    client = Client.objects.get(display_name="Sam Rivera")
    assert set(client.care_team.all()) == {alice, bob}


def test_edit_records_an_update_listing_changed_fields(alice, client_record):
    http = signed_in(alice)
    response = http.post(f"/clients/{client_record.pk}/edit/", form_data(
        alice, display_name="Jordan R.", status="active", region="US", date_of_birth=""))
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.display_name == "Jordan R."
    event = last_event()
    assert (event.action, event.client_id) == ("update", client_record.pk)
    changed = event.details["changed"]
    assert changed["display_name"] == ["Jordan Reyes", "Jordan R."]
    assert "status" not in changed and "region" not in changed
    assert {"pronouns", "presenting_concerns"} <= set(changed)


def test_archive_keeps_the_row_and_hides_it_from_the_caseload(alice, client_record):
    http = signed_in(alice)
    response = http.post(f"/clients/{client_record.pk}/archive/", {"reason": "Moved away"})
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.archived_at is not None
    assert client_record.archived_by == alice
    assert Client.objects.filter(pk=client_record.pk).exists()
    event = last_event()
    assert (event.action, event.details["reason"]) == ("archive", "Moved away")

    assert "Jordan Reyes" not in http.get("/clients/").content.decode()
    assert "Jordan Reyes" in http.get("/clients/?archived=1").content.decode()
    assert http.get(f"/clients/{client_record.pk}/").status_code == 200

    response = http.post(f"/clients/{client_record.pk}/restore/")
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.archived_at is None
    assert "Jordan Reyes" in http.get("/clients/").content.decode()
    assert "Jordan Reyes" not in http.get("/clients/?archived=1").content.decode()


def test_archive_needs_a_reason(alice, client_record):
    before = snapshot()
    response = signed_in(alice).post(f"/clients/{client_record.pk}/archive/", {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    client_record.refresh_from_db()
    assert client_record.archived_at is None
    assert snapshot() == before


def test_archiving_twice_is_refused_with_a_message(alice, client_record):
    http = signed_in(alice)
    http.post(f"/clients/{client_record.pk}/archive/", {"reason": "Moved away"})
    client_record.refresh_from_db()
    first = client_record.archived_at
    before = snapshot()
    response = http.post(f"/clients/{client_record.pk}/archive/", {"reason": "Again"})
    assert response.status_code == 200
    assert "already archived" in response.content.decode()
    client_record.refresh_from_db()
    assert client_record.archived_at == first
    assert snapshot() == before


BAD_INPUT = [
    ("date_of_birth", {"date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat()},
     "cannot be in the future"),
    ("date_of_birth", {"date_of_birth": "1899-12-31"}, "from 1900 on"),
    ("display_name", {"display_name": "x" * 101}, "at most 100 characters"),
    ("display_name", {"display_name": ""}, "required"),
    ("display_name", {"display_name": "   "}, "required"),
    ("status", {"status": "cured"}, "valid choice"),
    ("region", {"region": "usa"}, "country code"),
    ("region", {"region": "U1"}, "country code"),
    ("distress_scale", {"distress_scale": "suds1000"}, "valid choice"),
    ("primary_clinician", {"primary_clinician": "charlie"}, "valid choice"),
    ("primary_clinician", {"primary_clinician": 987654}, "valid choice"),
    ("primary_clinician", {"primary_clinician": "not-a-number"}, "valid choice"),
    ("care_team", {"care_team": ["charlie"]}, "valid choice"),
    ("pronouns", {"pronouns": "p" * 41}, "at most 40 characters"),
]
LABELS = {"date_of_birth": "Date of birth", "display_name": "Display name", "status": "Status",
          "pronouns": "Pronouns", "region": "Region", "primary_clinician": "Primary clinician",
          "distress_scale": "Preferred distress scale", "care_team": "Care team"}


def _resolve(overrides, charlie):
    resolved = {}
    for key, value in overrides.items():
        if value == "charlie":
            value = charlie.pk
        elif value == ["charlie"]:
            value = [charlie.pk]
        resolved[key] = value
    return resolved


@pytest.mark.parametrize("field,overrides,message", BAD_INPUT,
                         ids=[f"{f}={list(o.values())[0]!s:.20}" for f, o, _m in BAD_INPUT])
def test_bad_input_on_create_names_the_field_and_saves_nothing(
        alice, charlie, field, overrides, message):
    before = snapshot()
    response = signed_in(alice).post("/clients/new/",
                                     form_data(alice, **_resolve(overrides, charlie)))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    page = response.content.decode()
    assert f"{LABELS[field]}:" in page  # the error summary names the field
    assert snapshot() == before


@pytest.mark.parametrize("field,overrides,message", BAD_INPUT,
                         ids=[f"{f}={list(o.values())[0]!s:.20}" for f, o, _m in BAD_INPUT])
def test_bad_input_on_edit_names_the_field_and_changes_nothing(
        alice, charlie, client_record, field, overrides, message):
    before = snapshot()
    response = signed_in(alice).post(f"/clients/{client_record.pk}/edit/",
                                     form_data(alice, **_resolve(overrides, charlie)))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert Client.objects.get(pk=client_record.pk).display_name == "Jordan Reyes"
    assert snapshot() == before


@pytest.mark.parametrize("url", ["/clients/new/", "edit"])
def test_a_nul_character_is_refused_naming_the_field(alice, client_record, url):
    """No one types a NUL character (PostgreSQL cannot store one): core.middleware answers 400
    naming the field before any form sees it (tests/test_tampered_input.py sweeps every page)."""
    before = snapshot()
    url = f"/clients/{client_record.pk}/edit/" if url == "edit" else url
    response = signed_in(alice).post(url, form_data(alice, display_name="Sam\x00Rivera"))
    assert response.status_code == 400
    assert "“display_name”" in response.content.decode()
    assert snapshot() == before


def test_lower_case_region_is_accepted_and_stored_upper_case(alice):
    response = signed_in(alice).post("/clients/new/", form_data(alice, region=" gb "))
    assert response.status_code == 302
    assert Client.objects.get(display_name="Sam Rivera").region == "GB"


def test_supervisor_cannot_post_edits(ruth, client_record):
    before = snapshot()
    http = signed_in(ruth)
    response = http.post(f"/clients/{client_record.pk}/edit/",
                         form_data(ruth, display_name="Changed by ruth"))
    assert response.status_code == 404
    assert http.post(f"/clients/{client_record.pk}/archive/",
                     {"reason": "no"}).status_code == 404
    assert http.post("/clients/new/", form_data(ruth)).status_code == 404
    client_record.refresh_from_db()
    assert client_record.display_name == "Jordan Reyes"
    assert client_record.archived_at is None
    assert snapshot() == before


def test_other_clinicians_cannot_post_edits(bob, charlie, client_record):
    before = snapshot()
    for user in (bob, charlie):
        http = signed_in(user)
        assert http.post(f"/clients/{client_record.pk}/edit/",
                         form_data(user, display_name="Hijacked")).status_code == 404
        assert http.post(f"/clients/{client_record.pk}/archive/",
                         {"reason": "x"}).status_code == 404
    assert Client.objects.get(pk=client_record.pk).display_name == "Jordan Reyes"
    assert snapshot() == before


def test_search_boxes_survive_odd_input(alice, dana, client_record):
    http = signed_in(alice)
    for query in ("jordan", "%", "x" * 500):
        response = http.get("/clients/", {"q": query})
        assert response.status_code == 200, query
    assert http.get("/clients/", {"q": "jor\x00dan"}).status_code == 400  # core.middleware
    http = signed_in(dana)
    assert http.get("/practice/audit/", {"actor": "alice"}).status_code == 200
    assert http.get("/practice/audit/", {"actor": "a\x00b"}).status_code == 400
    # not an id: 400 naming the field (tests/test_tampered_input.py)
    assert http.get("/practice/audit/", {"client": "99999999999999999999"}).status_code == 400
