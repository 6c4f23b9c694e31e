"""The caseload page and the clients API run in a constant number of queries."""

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from bravely.clients.models import Client
from tests.factories import token


def add_clients(practice, clinician, n):
    start = Client.objects.count()
    clients = Client.objects.bulk_create(
        Client(practice=practice, display_name=f"Client {i:03}", primary_clinician=clinician,
               region="US")
        for i in range(start, start + n)
    )
    Client.care_team.through.objects.bulk_create(
        Client.care_team.through(client_id=c.pk, user_id=clinician.pk) for c in clients
    )


def count_queries(http, url, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url, **kwargs)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_caseload_page_queries_do_not_grow_with_caseload(practice, alice, settings):
    settings.BRAVELY_PAGE_SIZE = 250
    http = HttpClient()
    http.force_login(alice)
    add_clients(practice, alice, 5)
    small = count_queries(http, "/clients/")
    add_clients(practice, alice, 195)
    large = count_queries(http, "/clients/")
    assert "Client 199" in http.get("/clients/").content.decode()
    assert small == large


def test_supervisor_caseload_is_constant_too(practice, alice, ruth):
    http = HttpClient()
    http.force_login(ruth)
    add_clients(practice, alice, 5)
    small = count_queries(http, "/clients/")
    add_clients(practice, alice, 195)
    assert count_queries(http, "/clients/") == small


def test_clients_api_list_queries_do_not_grow(practice, alice):
    raw = token(alice, "bench")
    headers = {"Authorization": f"Bearer {raw}"}
    http = HttpClient()
    add_clients(practice, alice, 5)
    count_queries(http, "/api/v1/clients", headers=headers)  # first use stamps the token
    small = count_queries(http, "/api/v1/clients?page_size=100", headers=headers)
    add_clients(practice, alice, 195)
    large = count_queries(http, "/api/v1/clients?page_size=100", headers=headers)
    assert small == large


def test_caseload_is_paginated(practice, alice):
    add_clients(practice, alice, 30)
    http = HttpClient()
    http.force_login(alice)
    first = http.get("/clients/").content.decode()
    assert "Client 000" in first and "Client 029" not in first
    assert "Client 029" in http.get("/clients/?page=2").content.decode()
    assert http.get("/clients/?page=999").status_code == 200
    assert http.get("/clients/?page=abc").status_code == 200
