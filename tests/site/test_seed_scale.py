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


def test_the_bounded_log_reads_give_the_engine_the_same_answers(db):
    """Over seeded histories (weeks of logs, early exits, rising ratings), the refresh's bounded
    reads (`_plan_logs`) make the engine say exactly what it says over every log."""
    from django.utils import timezone

    from bravely.clinical import pacing as engine
    from bravely.clinical.scales import DistressScale
    from bravely.pacing.services import client_now, plan_inputs, policy_for
    from bravely.planning.selectors.safety import current_safety

    scale.seed(clinicians=1, clients_per_clinician=6, weeks=20, refresh=False, quiet=True,
               logs_per_week=6)
    plans = ExposurePlan.objects.filter(status="active").select_related("client")
    assert plans.exists()
    for plan in plans:
        client = plan.client
        now = client_now(client, timezone.now())
        policy = policy_for(plan, client.practice_id)
        distress = DistressScale(client.distress_scale)
        safety = current_safety(client)
        every = plan_inputs(client, plan, safety, [], distress, now)
        bounded = plan_inputs(client, plan, safety, [], distress, now, policy)
        assert len(bounded[3]) < len(every[3])
        assert (engine.recommend(policy, *bounded, now)
                == engine.recommend(policy, *every, now))
