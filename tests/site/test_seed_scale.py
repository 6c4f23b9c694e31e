"""`bravely seed-scale` at a small size: the data is valid (audit chain, versions, the engine
reads it), and the main pages render for the seeded people."""

import io

import pytest
from django.core.management import call_command

from bravely.accounts.models import User
from bravely.audit.services import verify_chains
from bravely.clients.models import Client
from bravely.pacing.models import Recommendation
from bravely.planning.models import ExposurePlan, Rung
from bravely.portal.models import ClientAccount
from bravely.practice.models import CheckIn, PracticeLog
from bravely.site import scale
from tests.factories import token


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    call_command("seed-scale", clinicians=2, clients_per_clinician=4, weeks=6, quiet=True,
                 stdout=out, stderr=io.StringIO())
    assert "8 clients" in out.getvalue()
    return out.getvalue()


def test_seed_makes_a_valid_practice(seeded):
    assert all(r.intact for r in verify_chains())
    assert Client.objects.count() == 8
    assert PracticeLog.objects.count() > 20 and CheckIn.objects.exists()
    for plan in ExposurePlan.objects.filter(status="active"):
        assert 8 <= plan.rungs.count() <= 12
        assert plan.rungs.filter(status=Rung.Status.ACTIVE).count() == 1
    assert Recommendation.objects.filter(status="open").exists()
    # every log copies what it was measured against, as submit_log does
    log = PracticeLog.objects.select_related("rung").first()
    assert log.ceiling and log.feared_outcome == log.rung.feared_outcome
    assert log.likelihood_before == log.rung.feared_likelihood


def test_seed_twice_with_a_prefix_keeps_both_chains_valid(seeded):
    call_command("seed-scale", clinicians=1, clients_per_clinician=2, weeks=2, quiet=True,
                 prefix="b-", name="Second", stdout=io.StringIO(), stderr=io.StringIO())
    assert all(r.intact for r in verify_chains())
    assert len(verify_chains()) == 2


@pytest.mark.parametrize("login", ["clinician1", "supervisor1"])
def test_pages_render_for_the_seeded_staff(seeded, client, login):
    user = User.objects.get(email=f"{login}@{scale.DOMAIN}")
    assert client.login(email=user.email, password=scale.PASSWORD)
    first = Client.objects.filter(exposure_plans__status="active").order_by("id").first()
    plan = first.exposure_plans.get(status="active")
    pages = ["/clients/", "/attention/", "/attention/?all=1", f"/clients/{first.pk}/",
             f"/clients/{first.pk}/plans/{plan.pk}/", f"/clients/{first.pk}/practice/",
             f"/clients/{first.pk}/recommendations/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    raw = token(user)
    for url in ["/api/v1/clients", f"/api/v1/clients/{first.pk}/logs", "/api/v1/attention"]:
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200, url


def test_portal_today_renders_for_a_seeded_client(seeded, client):
    account = ClientAccount.objects.select_related("user").first()
    assert client.login(email=account.user.email, password=scale.PASSWORD)
    assert client.get("/me/").status_code == 200
