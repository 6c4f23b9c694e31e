"""Who gets what, for every page and API route of the foundation (alice/bob/charlie style)."""

import pytest

from bravely.accounts.services import create_api_token, invite
from bravely.audit.services import Actor
from tests.access import check_api, check_page

R, S, N = 302, 200, 404  # redirect (to sign in, or after a successful POST), OK, not found
ALL_STAFF_OK = {"anon": R, "alice": S, "bob": S, "charlie": S, "ruth": S, "dana": S}
ADMIN_ONLY = {"anon": R, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": S}

ROUTES = [
    ("home", "GET", {}, {"anon": R, "alice": R, "dana": R}),
    ("caseload", "GET", {}, ALL_STAFF_OK),
    ("client_new", "GET", {}, {"anon": R, "alice": S, "bob": S, "charlie": S, "ruth": N,
                               "dana": S}),
    ("client_detail", "GET", {"pk": "client"},
     {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N}),
    ("client_edit", "GET", {"pk": "client"},
     {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": N, "dana": N}),
    ("client_archive", "GET", {"pk": "client"},
     {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": N, "dana": N}),
    ("client_restore", "POST", {"pk": "client"},
     {"anon": R, "bob": N, "charlie": N, "ruth": N, "dana": N, "alice": R}),
    ("consent_new", "GET", {"pk": "client"},
     {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": N, "dana": N}),
    ("practice_settings", "GET", {}, ADMIN_ONLY),
    ("practice_members", "GET", {}, ADMIN_ONLY),
    ("member_edit", "GET", {"pk": "alice_membership"}, ADMIN_ONLY),
    ("invite", "GET", {}, ADMIN_ONLY),
    ("invitation_revoke", "POST", {"pk": "invitation"},
     {"anon": R, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": R}),
    ("consent_items", "GET", {}, ADMIN_ONLY),
    ("consent_item_edit", "GET", {"pk": "consent_item"}, ADMIN_ONLY),
    ("invitation_accept", "GET", {"token": "not-a-real-token"},
     {"anon": 410, "alice": 410}),
    ("api_tokens", "GET", {}, ALL_STAFF_OK),
    ("my_settings", "GET", {}, ALL_STAFF_OK),
    ("api_token_revoke", "POST", {"pk": "alice_token"},
     {"anon": R, "bob": N, "charlie": N, "ruth": N, "dana": N, "alice": R}),
    ("audit_log", "GET", {}, ADMIN_ONLY),
]

A = 401
API_ROUTES = [
    ("GET", "/clients", {}, None, {"anon": A, "alice": S, "bob": S, "charlie": S, "ruth": S,
                                   "dana": S}),
    ("POST", "/clients", {}, {"display_name": "New Person"},
     {"anon": A, "alice": 201, "ruth": N, "charlie": 201}),
    ("GET", "/clients/{client_id}", {"client_id": "client"}, None,
     {"anon": A, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N}),
    ("PATCH", "/clients/{client_id}", {"client_id": "client"}, {"pronouns": "they/them"},
     {"anon": A, "alice": S, "bob": N, "charlie": N, "ruth": N, "dana": N}),
    ("POST", "/clients/{client_id}/archive", {"client_id": "client"}, {"reason": "moved"},
     {"anon": A, "bob": N, "charlie": N, "ruth": N, "dana": N, "alice": S}),
]


@pytest.fixture
def objects(client_record, alice, dana, practice):
    invitation, _raw = invite(Actor(dana), practice, "new@example.org", "clinician")
    return {
        "client": client_record,
        "alice_membership": alice.membership,
        "invitation": invitation,
        "consent_item": practice.consent_items.first(),
        "alice_token": create_api_token(Actor(alice), "laptop")[0],
    }


@pytest.mark.parametrize("entry", ROUTES, ids=[f"{e[1]} {e[0]}" for e in ROUTES])
def test_page_access(entry, everyone, objects):
    assert check_page(entry, everyone, objects) == []


@pytest.mark.parametrize("entry", API_ROUTES, ids=[f"{e[0]} {e[1]}" for e in API_ROUTES])
def test_api_access(entry, everyone, objects):
    assert check_api(entry, everyone, objects) == []


def test_list_shows_only_clients_in_scope(everyone, client_record, api_client_for=None):
    from django.test import Client as HttpClient

    for who, expected in {"alice": 1, "bob": 0, "charlie": 0, "ruth": 1, "dana": 0}.items():
        http = HttpClient()
        http.force_login(everyone[who])
        page = http.get("/clients/")
        assert (client_record.display_name in page.content.decode()) == bool(expected), who


def test_inactive_member_sees_nothing(alice, client_record):
    from django.test import Client as HttpClient

    alice.membership.is_active = False
    alice.membership.save()
    http = HttpClient()
    http.force_login(alice)
    assert http.get(f"/clients/{client_record.pk}/").status_code == 404
    assert http.get("/clients/").status_code == 404
