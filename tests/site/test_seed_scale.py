"""`bravely seed-scale` at a small size: the data is valid (audit chain, versions, signed
notes' hashes, the engine and the measures' rules read it), and the pages render for the seeded
people, the progress page, the maintenance pages and the PDFs included."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from bravely.accounts.models import User
from bravely.audit.models import AuditEvent, chain_key
from bravely.audit.services import fast_payload, record_many, verify_chains
from bravely.clients.models import Client
from bravely.maintenance.models import Booster, MaintenanceItem, MaintenancePhase, RelapsePlan
from bravely.measures.models import Administration, Schedule
from bravely.pacing.models import Recommendation
from bravely.planning.models import ExposurePlan, Rung
from bravely.portal.models import ClientAccount
from bravely.practice.models import CheckIn, PracticeLog
from bravely.records.models import SessionNote
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


def test_seed_stores_measures_notes_and_maintenance_as_the_services_do(seeded):
    treated = Client.objects.exclude(status="intake")
    assert Schedule.objects.count() == treated.count()
    submitted = Administration.objects.filter(status="submitted").select_related("instrument")
    assert submitted.count() > treated.count()
    for administration in submitted:
        rules = administration.instrument.rules
        answers = {r.item_id: r.value for r in administration.responses.all()}
        assert set(answers) == set(rules.item_ids)
        assert administration.total == scale.measure_rules.score(rules, answers).total
        assert administration.scoring_version == administration.instrument.scoring_version
    assert Administration.objects.filter(status="due").exists()
    notes = SessionNote.objects.signed()
    assert notes.count() >= treated.count()
    assert all(note.hash_is_intact() for note in notes)
    for note in notes.filter(addenda__isnull=False).distinct():
        assert all(a.signed_payload()["note_hash"] == note.signed_hash for a in note.addenda.all())
    maintenance = Client.objects.filter(status="maintenance")
    assert maintenance.exists()
    for client in maintenance:
        phase = MaintenancePhase.objects.get(client=client)
        assert RelapsePlan.objects.filter(client=client, version=1).exists()
        assert Booster.objects.filter(client=client).count() == 4
        assert client.exposure_plans.get().rungs.exclude(status="mastered").count() == 0
        done = MaintenanceItem.objects.filter(client=client, log__isnull=False)
        assert all(item.log.rung_id == item.rung_id for item in done)
        assert all(item.planned_on > phase.started_on for item in done)


def test_the_fast_audit_payload_is_the_models_payload(db):
    """record_many hashes text it builds itself: byte for byte what AuditEvent.payload() gives
    for the stored row, for every kind of value the details can hold."""
    user = User.objects.create_user("fast@example.com", "pw-long-enough-1")
    at = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    events = [
        {"at": at, "actor_id": user.pk, "actor_label": user.email, "practice_id": 7,
         "client_id": 3, "action": "create", "object_type": "practicelog", "object_id": "12",
         "via": "web", "details": {"rung": 5, "peak": 55, "over_ceiling": True, "x": None}},
        {"at": at.replace(microsecond=0), "actor_id": None, "actor_label": "bravely-pacing",
         "practice_id": 7, "client_id": None, "action": "view", "object_type": "client",
         "object_id": "note \"7\" é", "ip_address": "192.0.2.1", "via": "api",
         "details": {"b": [1, "two", False], "a": "Zoë ✓", "f": 0.1, 2: "int key",
                     "nested": {"z": 1, "a": [{"k": "v"}]}}},
        {"at": at + timedelta(days=1), "actor_id": user.pk, "actor_label": user.email,
         "practice_id": 7, "client_id": 3, "action": "submit", "object_type": "administration",
         "object_id": "", "details": {}},
    ]
    record_many([dict(e) for e in events])
    stored = list(AuditEvent.objects.filter(chain=chain_key(7)).order_by("seq"))
    assert len(stored) == len(events)
    for event, row in zip(events, stored, strict=True):
        assert fast_payload(event, row.chain, row.seq) == row.payload()
        assert row.compute_hash() == row.hash
    assert all(r.intact for r in verify_chains())


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
    assert client.get("/me/progress/").status_code == 200


def test_progress_maintenance_notes_and_pdfs_render_with_the_seeded_data(seeded, client):
    kept = Client.objects.filter(status="maintenance").order_by("id").first()
    active = Client.objects.filter(status="active").order_by("id").first()
    assert client.login(email=kept.primary_clinician.email, password=scale.PASSWORD)
    progress = client.get(f"/clients/{kept.pk}/progress/")
    assert progress.status_code == 200
    assert kept.administrations.filter(status="submitted").first().instrument.code.encode() \
        in progress.content
    for url in [f"/clients/{kept.pk}/maintenance/", f"/clients/{kept.pk}/maintenance/plan/",
                f"/clients/{kept.pk}/maintenance/schedule/", f"/clients/{kept.pk}/notes/",
                f"/clients/{kept.pk}/notes/{kept.session_notes.signed().first().pk}/"]:
        assert client.get(url).status_code == 200, url
    for who, kind in [(kept, "summary"), (kept, "discharge"), (active, "handout")]:
        if who.primary_clinician_id != kept.primary_clinician_id:
            client.force_login(who.primary_clinician)
        response = client.get(f"/clients/{who.pk}/documents/{kind}.pdf")
        assert response.status_code == 200, kind
        assert response.content.startswith(b"%PDF")


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
