"""Booster check-ins: the schedule per client, re-ratings, and 'offer a booster session' in the
needs-attention queue."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bravely.maintenance import selectors, services
from bravely.maintenance.models import Booster, BoosterOffer
from bravely.pacing.selectors import needs_attention
from tests.factories import plan_data, signed_in


def first(maint):
    return selectors.boosters(maint.client).first()


def test_a_client_schedule_replaces_the_open_boosters(maint, actor):
    services.update_phase(actor, maint.phase, booster_weeks=[3, 6],
                          started_on=maint.phase.started_on, responded_not_remitted=False)
    weeks = [(b.due_on - maint.phase.started_on).days // 7
             for b in selectors.boosters(maint.client)]
    assert weeks == [3, 6]
    assert Booster.objects.filter(cancelled_at__isnull=False).count() == 4
    services.update_phase(actor, maint.phase, booster_weeks=[], started_on=maint.phase.started_on,
                          responded_not_remitted=True)
    weeks = [(b.due_on - maint.phase.started_on).days // 7
             for b in selectors.boosters(maint.client)]
    assert weeks == [1, 2, 4, 6]  # earlier: responded but did not remit


@pytest.mark.parametrize("weeks, started_days_ago, field", [
    ([2, 2], 0, "booster_weeks"), ([4, 2], 0, "booster_weeks"), ([1, 8], 14, "booster_weeks"),
    ([2], -3, "started_on")])
def test_bad_schedules_are_refused_and_nothing_changes(maint, actor, weeks, started_days_ago,
                                                      field):
    before = list(selectors.boosters(maint.client).values_list("pk", flat=True))
    with pytest.raises(ValidationError) as caught:
        services.update_phase(actor, maint.phase, booster_weeks=weeks,
                              started_on=timezone.localdate() - timedelta(days=started_days_ago),
                              responded_not_remitted=False)
    assert field in caught.value.message_dict
    assert list(selectors.boosters(maint.client).values_list("pk", flat=True)) == before


def test_steady_re_ratings_without_warning_signs_need_nothing(maint, actor, alice):
    top = selectors.top_rungs(maint.client)
    services.record_booster(actor, first(maint), rung_ratings={r.pk: r.predicted_distress
                                                               for r in top},
                            value_ratings={maint.statement.pk: 7})
    assert not BoosterOffer.objects.exists()
    assert needs_attention(alice, everyone=True).get(pk=maint.client.pk).offer_booster == 0


def test_rising_re_ratings_put_an_offer_in_the_queue(maint, actor, alice):
    top = selectors.top_rungs(maint.client)
    booster = services.record_booster(actor, first(maint), rung_ratings={
        top[0].pk: top[0].predicted_distress + 20}, value_ratings={})
    assert booster.rising == [top[0].pk]
    offer = BoosterOffer.objects.get()
    assert offer.reasons == ["rising"]
    row = needs_attention(alice).get(pk=maint.client.pk)
    assert row.offer_booster == 1
    page = signed_in(alice).get("/attention/").content.decode()
    assert "Offer a booster session" in page
    with pytest.raises(ValidationError):
        services.decide_offer(actor, offer, status="dismissed", note="")
    services.decide_offer(actor, offer, status="offered", note="Booked for Tuesday")
    assert needs_attention(alice, everyone=True).get(pk=maint.client.pk).offer_booster == 0


def test_a_warning_sign_puts_an_offer_in_the_queue(maint, actor):
    services.save_plan(actor, maint.client, plan_data(), based_on=None)
    services.record_booster(actor, first(maint), rung_ratings={}, value_ratings={},
                            warning_signs=["Skipping lunch with the team"])
    assert BoosterOffer.objects.get().reasons == ["warning_sign"]


def test_the_next_booster_compares_with_the_last_one(maint, actor):
    top = selectors.top_rungs(maint.client)[0]
    one, two = list(selectors.boosters(maint.client))[:2]
    services.record_booster(actor, one, rung_ratings={top.pk: 30}, value_ratings={})
    done = services.record_booster(actor, two, rung_ratings={top.pk: 45}, value_ratings={})
    assert done.rung_ratings[0]["earlier"] == 30 and done.rising == [top.pk]


def test_bad_ratings_are_refused(maint, actor, bob):
    top = selectors.top_rungs(maint.client)[0]
    with pytest.raises(ValidationError) as caught:
        services.record_booster(actor, first(maint), rung_ratings={top.pk: 101},
                                value_ratings={})
    assert "rung_ratings" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.record_booster(actor, first(maint), rung_ratings={}, value_ratings={-1: 5})
    assert not first(maint).is_done
    services.record_booster(actor, first(maint), rung_ratings={}, value_ratings={})
    with pytest.raises(ValidationError):
        services.record_booster(actor, Booster.objects.get(pk=first(maint).pk),
                                rung_ratings={}, value_ratings={})


def test_the_client_does_a_due_booster_in_the_portal(maint, actor, portal):
    booster = first(maint)
    Booster.objects.filter(pk=booster.pk).update(due_on=timezone.localdate())
    page = portal.get("/me/maintenance/").content.decode()
    assert f"/me/booster/{booster.pk}/" in page
    top = selectors.top_rungs(maint.client)
    data = {f"rung_{r.pk}": str(r.predicted_distress + 15) for r in top}
    data[f"value_{maint.statement.pk}"] = "6"
    assert portal.post(f"/me/booster/{booster.pk}/", data).status_code == 302
    assert BoosterOffer.objects.get().reasons == ["rising"]


def test_a_yes_to_the_risk_question_alerts_the_team_and_shows_support_at_once(
        maint, portal, django_capture_on_commit_callbacks):
    from django.core import mail

    from bravely.practice.models import RiskAlert

    booster = first(maint)
    Booster.objects.filter(pk=booster.pk).update(due_on=timezone.localdate())
    page = portal.get(f"/me/booster/{booster.pk}/").content.decode()
    assert 'name="risk"' in page
    top = selectors.top_rungs(maint.client)
    data = {f"rung_{r.pk}": str(r.predicted_distress) for r in top}
    data[f"value_{maint.statement.pk}"] = "6"
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(f"/me/booster/{booster.pk}/", {**data, "risk": "yes"})
    assert response.status_code == 200
    assert response.templates[0].name == "portal/support_now.html"
    alert = RiskAlert.objects.get(client=maint.client)
    assert alert.source == "booster" and not alert.raised_in_session
    booster.refresh_from_db()
    assert booster.risk and booster.risk_alert == alert and booster.is_done
    assert len(mail.outbox) == 1


def test_a_refused_booster_with_a_yes_still_alerts(maint, portal):
    from bravely.practice.models import RiskAlert

    booster = first(maint)
    top = selectors.top_rungs(maint.client)
    data = {f"rung_{r.pk}": "999" for r in top}  # out of range: the form refuses it
    response = portal.post(f"/me/booster/{booster.pk}/", {**data, "risk": "yes"})
    assert response.templates[0].name == "portal/support_now.html"
    assert RiskAlert.objects.get(client=maint.client).source == "booster"
    booster.refresh_from_db()
    assert not booster.is_done


def test_a_no_raises_nothing(maint, actor):
    from bravely.practice.models import RiskAlert

    top = selectors.top_rungs(maint.client)
    services.record_booster(actor, first(maint), rung_ratings={
        r.pk: r.predicted_distress for r in top}, value_ratings={}, risk_answer=False)
    assert not RiskAlert.objects.exists()
