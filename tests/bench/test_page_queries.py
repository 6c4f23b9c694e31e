"""Every page of the benchmark that no app's own tests count already reads in the same number of
queries for a short and a long history (or a small and a large caseload): the client record, the
practice-log list, the recommendations page, the logs API list, the portal's Today, the handout
PDFs and signing in. (Counted elsewhere: caseload and the clients API in
tests/clients/test_caseload_queries.py, the ladder in tests/planning/test_ladder_queries.py,
needs attention in tests/pacing/test_attention.py, logging in tests/practice/test_log_queries.py,
progress in tests/progress/test_queries.py, the summaries' builders in
tests/records/test_pdf.py.)"""


import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from bravely.clients.models import Client
from bravely.practice.models import PracticeLog
from tests.factories import PASSWORD, add_logs, make_check_in, make_log, signed_in, token


def history(actor, planned, n):
    """More of everything the client's pages list: logs on every rung (each refreshes the
    recommendations), check-ins, and bulk logs."""
    for i, rung in enumerate(planned.rungs * n):
        make_log(actor, planned.client, rung, peak=45 + i % 20, hours_ago=2 + i)
    for _ in range(n):
        make_check_in(actor, planned.client)
    add_logs(planned, 100 * n)


def count(http, method, url, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(http, method)(url, **kwargs)
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(ctx.captured_queries)


PAGES = ["/clients/{pk}/", "/clients/{pk}/practice/", "/clients/{pk}/recommendations/",
         "/clients/{pk}/documents/handout.pdf"]


@pytest.mark.parametrize("page", PAGES)
def test_a_clinicians_page_reads_the_same_for_a_short_or_a_long_history(
        page, planned, actor, alice):
    http = signed_in(alice)
    url = page.format(pk=planned.client.pk)
    history(actor, planned, 1)
    count(http, "get", url)  # warm: the session's first use
    small = count(http, "get", url)
    history(actor, planned, 3)
    assert PracticeLog.objects.filter(client=planned.client).count() > 300
    assert count(http, "get", url) == small


def test_the_logs_api_list_reads_the_same_for_a_short_or_a_long_history(planned, actor, alice):
    headers = {"Authorization": f"Bearer {token(alice)}"}
    http = HttpClient()
    url = f"/api/v1/clients/{planned.client.pk}/logs"
    history(actor, planned, 1)
    count(http, "get", url, headers=headers)  # the token's first use is recorded once
    small = count(http, "get", url, headers=headers)
    history(actor, planned, 3)
    assert count(http, "get", url, headers=headers) == small


@pytest.mark.parametrize("url", ["/me/", "/me/record/plan.pdf"])
def test_the_portal_reads_the_same_for_a_short_or_a_long_history(url, planned, actor, portal):
    history(actor, planned, 1)
    count(portal, "get", url)
    small = count(portal, "get", url)
    history(actor, planned, 3)
    assert count(portal, "get", url) == small


def test_signing_in_reads_the_same_for_a_small_or_a_large_caseload(practice, alice):
    def sign_in():
        return count(HttpClient(), "post", "/accounts/login/",
                     data={"login": alice.email, "password": PASSWORD})

    Client.objects.bulk_create(Client(practice=practice, display_name=f"C{i}",
                                      primary_clinician=alice, region="US") for i in range(5))
    sign_in()
    small = sign_in()
    clients = Client.objects.bulk_create(
        Client(practice=practice, display_name=f"D{i}", primary_clinician=alice, region="US")
        for i in range(200))
    Client.care_team.through.objects.bulk_create(
        Client.care_team.through(client_id=c.pk, user_id=alice.pk) for c in clients)
    assert sign_in() == small
