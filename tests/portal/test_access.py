"""Access to the client portal, support summaries and the care team's practice pages."""

from types import SimpleNamespace

import pytest

from bravely.accounts.models import User
from bravely.audit.services import Actor
from bravely.portal.models import SupportPerson
from bravely.practice.models import RiskAlert
from bravely.practice.services import start_practice, submit_check_in, submit_log
from tests.access import check_page
from tests.factories import PASSWORD

R, S, N = 302, 200, 404
STAFF_WRITE = {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": N, "dana": N,
               "jordan": N, "sam": N}
STAFF_READ = {**STAFF_WRITE, "ruth": S}
CLIENT_ONLY = {"anon": R, "jordan": S, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": N,
               "sam": N}

ROUTES = [
    ("portal_access", "GET", {"pk": "client"}, STAFF_WRITE),
    ("support_new", "GET", {"pk": "client"}, STAFF_WRITE),
    ("support_revoke", "POST", {"pk": "client", "support_pk": "support"},
     {**STAFF_WRITE, "alice": R}),
    ("portal_join", "GET", {"token": "no-such-token"}, {"anon": 410, "jordan": 410}),
    ("portal_today", "GET", {}, CLIENT_ONLY),
    ("portal_ladder", "GET", {}, CLIENT_ONLY),
    ("portal_values", "GET", {}, CLIENT_ONLY),
    ("portal_values_rate", "GET", {}, CLIENT_ONLY),
    ("portal_statement_new", "GET", {}, CLIENT_ONLY),
    ("portal_safety", "GET", {}, CLIENT_ONLY),
    ("portal_sharing", "GET", {}, CLIENT_ONLY),
    ("portal_log_start", "GET", {}, {**CLIENT_ONLY, "jordan": R}),  # one assignment: go to it
    ("portal_log", "GET", {"assignment_pk": "assignment"}, CLIENT_ONLY),
    ("portal_log_draft", "POST", {}, {**CLIENT_ONLY, "jordan": 400}),
    ("portal_stop", "GET", {}, CLIENT_ONLY),
    ("portal_journal", "GET", {}, CLIENT_ONLY),
    ("portal_more", "GET", {}, CLIENT_ONLY),
    ("offline_worker", "GET", {}, {"anon": S, "jordan": S, "alice": S}),  # no client data
    ("portal_practise_start", "GET", {}, CLIENT_ONLY),  # a run is open: continue or start
    ("portal_practise_before", "GET", {"assignment_pk": "assignment"}, CLIENT_ONLY),
    ("portal_practise_offline", "GET", {"assignment_pk": "assignment"}, CLIENT_ONLY),
    ("portal_practise_offline_stop", "POST", {"assignment_pk": "assignment"},
     {**CLIENT_ONLY, "jordan": 422}),  # no ticket: refused, naming it
    ("portal_practise_run", "GET", {"key": "run"}, CLIENT_ONLY),
    ("portal_practise_stop", "GET", {"key": "run"}, CLIENT_ONLY),
    ("portal_practise_reflect", "GET", {"key": "run"}, CLIENT_ONLY),
    ("portal_practise_result", "GET", {"log_pk": "log"}, CLIENT_ONLY),
    ("portal_check_in", "GET", {}, CLIENT_ONLY),
    ("support_home", "GET", {}, {"anon": R, "sam": R, "jordan": N, "alice": N, "charlie": N}),
    ("support_summary", "GET", {"support_pk": "support"},
     {"anon": R, "sam": S, "jordan": N, "alice": N, "bob": N, "charlie": N, "ruth": N,
      "dana": N}),
    ("client_practice", "GET", {"pk": "client"}, STAFF_READ),
    ("check_in_settings", "GET", {}, {"anon": R, "dana": S, "alice": N, "bob": N, "charlie": N,
                                      "ruth": N, "jordan": N, "sam": N}),
    ("log_detail", "GET", {"pk": "client", "log_pk": "log"}, STAFF_READ),
    ("log_in_session", "GET", {"pk": "client", "rung_pk": "rung"}, STAFF_WRITE),
    ("close_risk_alert", "GET", {"pk": "client", "alert_pk": "alert"}, STAFF_WRITE),
]


@pytest.fixture
def users(everyone, jordan, planned, actor):
    sam = User.objects.create_user("sam@example.org", PASSWORD)
    SupportPerson.objects.create(client=planned.client, user=sam, name="Sam", relationship="friend",
                                 email="sam@example.org", shares=["ladder", "values", "progress"],
                                 consent_note="Agreed", recorded_by=actor.user)
    return {**everyone, "jordan": jordan, "sam": sam}


@pytest.fixture
def objects(users, planned, actor):
    from django.utils import timezone

    log, _ = submit_log(actor, planned.client, planned.rungs[0], {
        "started_at": timezone.now(), "duration_minutes": 15, "distress_before": 30,
        "distress_peak": 50, "distress_after": 20}, idempotency_key="a", source="session")
    submit_check_in(actor, planned.client, {"risk": True}, idempotency_key="b")
    run = start_practice(Actor(users["jordan"], "127.0.0.1", via="portal"), planned.client,
                         planned.assignment, likelihood_before=70, distress_now=40, key="run1")
    return {"run": SimpleNamespace(pk=run.key), "client": planned.client,
            "assignment": planned.assignment, "log": log,
            "rung": planned.rungs[0], "alert": RiskAlert.objects.get(),
            "support": SupportPerson.objects.get()}


@pytest.mark.parametrize("entry", ROUTES, ids=[f"{e[1]} {e[0]}" for e in ROUTES])
def test_page_access(entry, users, objects):
    assert check_page(entry, users, objects) == []


def test_support_person_sees_only_what_the_client_shares(users, objects):
    from django.test import Client as HttpClient

    support = objects["support"]
    support.shares = ["values"]
    support.save()
    http = HttpClient()
    http.force_login(users["sam"])
    page = http.get(f"/support/{support.pk}/").content.decode()
    assert "Be there for my friends" in page
    assert "Say hello to a colleague" not in page
    support.revoked_at = support.consented_at
    support.save()
    assert http.get(f"/support/{support.pk}/").status_code == 404
