"""Maintenance reads the outcome measures: reliable deterioration since the end of active
treatment offers a booster session, "responded but not remitted" brings boosters earlier, and a
measure due sends a reminder."""

from datetime import timedelta
from unittest import mock

from bravely.clinical import maintenance as rules
from bravely.maintenance import reminders, selectors, services
from bravely.maintenance.models import Booster, BoosterOffer, MaintenancePhase, SentReminder
from bravely.measures import services as measure_services
from bravely.measures.models import Administration
from tests.factories import score_measure
from tests.maintenance.test_worker import DUE, at, due  # noqa: F401 - `due` is a fixture


def phq9():
    return {i.code: i for i in measure_services.ensure_builtins()}["PHQ-9"]


def total(n):
    """PHQ-9 answers adding up to n (0-27)."""
    return [min(3, max(0, n - 3 * i)) for i in range(9)]


def ended_days_ago(maint, days=10):
    """Active treatment ended `days` ago (so that scores can come after it)."""
    MaintenancePhase.objects.filter(pk=maint.phase.pk).update(
        started_on=maint.phase.started_on - timedelta(days=days))
    maint.phase.refresh_from_db()
    return maint.phase.started_on


def steady(maint, actor):
    top = selectors.top_rungs(maint.client)
    booster = Booster.objects.filter(client=maint.client).order_by("number").first()
    return services.record_booster(actor, booster, rung_ratings={
        r.pk: r.predicted_distress for r in top}, value_ratings={})


def test_reliable_deterioration_after_treatment_offers_a_booster(maint, actor):
    ended = ended_days_ago(maint)
    score_measure(actor, maint.client, phq9(), total(6), completed_on=ended - timedelta(days=1))
    score_measure(actor, maint.client, phq9(), total(14), completed_on=ended + timedelta(days=1))
    assert selectors.reliable_deterioration(maint.client)
    steady(maint, actor)
    assert BoosterOffer.objects.get().reasons == ["deterioration"]


def test_a_small_rise_or_a_worse_score_before_treatment_ended_offers_nothing(maint, actor):
    ended = ended_days_ago(maint)
    score_measure(actor, maint.client, phq9(), total(3), completed_on=ended - timedelta(days=9))
    score_measure(actor, maint.client, phq9(), total(15), completed_on=ended - timedelta(days=1))
    score_measure(actor, maint.client, phq9(), total(18), completed_on=ended + timedelta(days=1))
    assert not selectors.reliable_deterioration(maint.client)  # 15 -> 18: not reliable
    steady(maint, actor)
    assert not BoosterOffer.objects.exists()


def test_responded_but_not_remitted_brings_boosters_earlier(maint, actor):
    ended = ended_days_ago(maint)
    weeks = maint.phase.booster_weeks or selectors.settings_for(
        maint.client.practice).booster_weeks
    assert selectors.weeks_for(maint.phase) == rules.booster_weeks(weeks,
                                                                   responded_not_remitted=False)
    score_measure(actor, maint.client, phq9(), total(22), completed_on=ended - timedelta(days=60))
    assert not selectors.responded_not_remitted(maint.client, ended)  # one score only
    score_measure(actor, maint.client, phq9(), total(13), completed_on=ended - timedelta(days=2))
    assert selectors.responded_not_remitted(maint.client, ended)  # 22 -> 13: better, still >= 10
    earlier = rules.booster_weeks(weeks, responded_not_remitted=True)
    assert earlier != rules.booster_weeks(weeks, responded_not_remitted=False)
    assert selectors.weeks_for(maint.phase) == earlier


def test_remission_is_not_responded_but_not_remitted(maint, actor):
    ended = ended_days_ago(maint)
    score_measure(actor, maint.client, phq9(), total(22), completed_on=ended - timedelta(days=60))
    score_measure(actor, maint.client, phq9(), total(5), completed_on=ended - timedelta(days=2))
    assert not selectors.responded_not_remitted(maint.client, ended)


def test_a_measure_due_sends_a_reminder_once(due, actor):  # noqa: F811
    with mock.patch("django.utils.timezone.now", return_value=at(12)):
        schedule = measure_services.schedule_measure(actor, due.client, phq9(), starts_on=DUE)
    administration = Administration.objects.get(schedule=schedule)
    with mock.patch("django.utils.timezone.now", return_value=at(22, 5)):
        found = reminders.due_reminders(at(22, 5))
        keys = {key for _c, kind, key in found if kind == SentReminder.Kind.MEASURE}
        assert keys == {f"measure:{administration.pk}"}
        reminders.send_due(at(22, 5))
        assert SentReminder.objects.filter(kind=SentReminder.Kind.MEASURE).count() == 1
        reminders.send_due(at(22, 6))
        assert SentReminder.objects.filter(kind=SentReminder.Kind.MEASURE).count() == 1
