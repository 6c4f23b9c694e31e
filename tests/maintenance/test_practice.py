"""Maintenance practice: a schedule from the top of the ladder, planned versus done, everyday
exposures in a few taps, and logs through the practice service (a peak over the ceiling is still
the pacing signal)."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bravely.maintenance import selectors, services
from bravely.maintenance.models import LifestyleExposure, MaintenanceItem
from bravely.pacing.models import PacingState
from bravely.pacing.selectors import needs_attention
from bravely.pacing.services import open_recommendations
from tests.factories import log_form


def log_data(peak=40, **extra):
    return {"started_at": timezone.now() - timedelta(hours=1), "duration_minutes": 20,
            "distress_before": 30, "distress_peak": peak, "distress_after": 20, **extra}


def test_schedule_draws_from_the_top_of_the_ladder_in_varied_order(maint, actor):
    items = services.build_schedule(actor, maint.client, per_week=2, weeks=3,
                                    contexts=["At work", "With friends"])
    assert len(items) == 6
    top = {r.pk for r in selectors.maintenance_rung_choices(maint.client)}
    assert top == {maint.rungs[2].pk}  # the top third of three mastered rungs
    assert {i.context for i in items} == {"At work", "With friends"}
    # planning again replaces what is still open, keeping it as cancelled
    services.build_schedule(actor, maint.client, per_week=1, weeks=2)
    assert selectors.items(maint.client).count() == 2
    assert MaintenanceItem.objects.filter(cancelled_at__isnull=False).count() == 6


def test_schedule_without_mastered_rungs_says_what_is_needed(planned, actor):
    with pytest.raises(ValidationError) as caught:
        services.build_schedule(actor, planned.client, per_week=2, weeks=2)
    assert "mastered" in caught.value.message_dict["rungs"][0]


def test_planned_versus_done(maint, actor):
    items = services.build_schedule(actor, maint.client, per_week=2, weeks=1)
    services.log_item(actor, items[0], log_data(), idempotency_key="k1", source="session")
    counts = selectors.planned_vs_done(maint.client, today=items[-1].planned_on)
    assert (counts["planned"], counts["done"]) == (2, 1)
    # the same key again is the same log, and the item stays linked to it
    log, created = services.log_item(actor, items[0], log_data(), idempotency_key="k1",
                                     source="session")
    assert not created and MaintenanceItem.objects.get(pk=items[0].pk).log_id == log.pk


def test_a_peak_over_the_ceiling_in_a_maintenance_log_is_still_the_pacing_signal(
        maint, actor, alice):
    items = services.build_schedule(actor, maint.client, per_week=1, weeks=1)
    log, _ = services.log_item(actor, items[0], log_data(peak=80), idempotency_key="k",
                               source="session")
    assert log.over_ceiling and log.ceiling == 70
    row = needs_attention(alice).get(pk=maint.client.pk)  # in the queue (not "everyone")
    assert row.over_ceiling == 1 and row.notable_peak == 80
    assert row.notable_rung == items[0].rung.behaviour
    # The log went through submit_log, so pacing was refreshed with it; the engine's per-rung
    # rules look at the active rung, so on a mastered ladder the signal is the queue's.
    state = PacingState.objects.get(client=maint.client)
    assert state.refreshed_at >= log.created_at and state.failed_at is None


def test_with_an_active_rung_the_engine_recommends_on_a_maintenance_log(maint, actor):
    from bravely.planning.models import Rung
    from bravely.planning.services import update_rung

    rung = Rung.objects.get(pk=maint.rungs[2].pk)
    update_rung(actor, rung, {"status": "active"}, version=rung.version)  # kept in practice
    item = MaintenanceItem.objects.create(client=maint.client, rung=rung,
                                          planned_on=timezone.localdate(), created_by=actor.user)
    log, _ = services.log_item(actor, item, log_data(peak=80), idempotency_key="k2",
                               source="session")
    assert any(log.pk in r.evidence.get("log_ids", []) for r in
               open_recommendations(maint.client))


def test_the_client_logs_a_planned_practice_in_the_portal(maint, actor, portal):
    items = services.build_schedule(actor, maint.client, per_week=1, weeks=1)
    page = portal.get("/me/maintenance/").content.decode()
    assert items[0].rung.behaviour in page
    response = portal.post(f"/me/maintenance/{items[0].pk}/", log_form(distress_peak="50"))
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert MaintenanceItem.objects.get(pk=items[0].pk).is_done


def test_a_lifestyle_exposure_in_a_few_taps(maint, portal):
    page = portal.get("/me/lifestyle/").content.decode()
    assert "Be there for my friends" in page
    key = uuid.uuid4().hex
    data = {"idempotency_key": key, "what": "Took the crowded train",
            "value": str(maint.statement.pk), "distress_peak": "40"}
    assert portal.post("/me/lifestyle/", data).status_code == 302
    assert portal.post("/me/lifestyle/", data).status_code == 302  # a double tap: one entry
    entry = LifestyleExposure.objects.get()
    assert (entry.what, entry.value, entry.distress_peak) == (
        "Took the crowded train", maint.statement, 40)
    response = portal.post("/me/lifestyle/", {**data, "idempotency_key": "other",
                                              "distress_peak": "500"})
    assert response.status_code == 200 and "distress_peak" in response.content.decode()
    assert LifestyleExposure.objects.count() == 1


def test_a_risk_answer_in_a_refused_maintenance_log_still_reaches_the_care_team(maint, actor):
    from bravely.practice.models import RiskAlert

    item = services.build_schedule(actor, maint.client, per_week=1, weeks=1)[0]
    with pytest.raises(ValidationError):
        services.log_item(actor, item, log_data(duration_minutes=0, risk_flag=True),
                          idempotency_key="r", source="portal")
    assert RiskAlert.objects.filter(client=maint.client, closed_at__isnull=True).count() == 1
    assert not MaintenanceItem.objects.get(pk=item.pk).is_done
