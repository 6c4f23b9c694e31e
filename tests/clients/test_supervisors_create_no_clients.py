"""Supervisors oversee; they do not open client records. One rule, the same 404 everywhere."""

import pytest
from django.http import Http404

from bravely.accounts.services import create_api_token
from bravely.audit.services import Actor
from bravely.clients import services
from bravely.clients.models import Client


def test_the_service_refuses_a_supervisor(ruth, practice):
    with pytest.raises(Http404):
        services.create_client(Actor(ruth), practice, {"display_name": "New Person"})
    assert not Client.objects.exists()


def test_the_service_refuses_someone_of_another_practice(charlie, practice):
    with pytest.raises(Http404):
        services.create_client(Actor(charlie), practice, {"display_name": "New Person"})


def test_a_clinician_and_an_admin_may(alice, dana, practice):
    assert services.may_create_clients(alice, practice)
    assert services.may_create_clients(dana, practice)


def test_a_supervisor_gets_404_on_the_page_and_in_the_api(client, ruth):
    client.force_login(ruth)
    assert client.get("/clients/new/").status_code == 404
    token = create_api_token(Actor(ruth), "laptop")[1]
    response = client.post("/api/v1/clients", {"display_name": "New Person"},
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    assert not Client.objects.exists()
