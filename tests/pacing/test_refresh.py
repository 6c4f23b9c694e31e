"""refresh_recommendations over real data built with the planning and practice services."""

from datetime import timedelta

from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.pacing.models import Recommendation
from bravely.pacing.services import fingerprint, refresh_recommendations
from tests.factories import VIOLATED, kinds

OPEN = Recommendation.Status.OPEN


def open_kinds(client):
    return kinds(Recommendation.objects.filter(client=client, status=OPEN)
                 .order_by("priority", "id"))


def test_a_log_over_the_ceiling_suggests_pausing_and_splitting_never_advancing(
        planned, practise):
    practise(peak=60, **VIOLATED, hours_ago=3)
    practise(peak=85, **VIOLATED)  # ceiling 70; expectancy violated, but over the ceiling
    recs = refresh_recommendations(planned.client, raise_errors=True)
    # one primary (pause) and its alternatives; keeping practising says advance is held back
    assert kinds(recs) == ["pause_and_reframe", "split_rung", "reassess_hierarchy",
                           "keep_practising"]
    assert [r.role for r in recs] == ["primary"] + ["alternative"] * 3
    assert {r.alternative_of_id for r in recs[1:]} == {recs[0].pk}
    assert "advance" not in open_kinds(planned.client)
    pause = recs[0]
    assert pause.rung == planned.rungs[0] and pause.plan == planned.plan
    assert pause.params["peak"] == 85 and pause.params["ceiling"] == 70
    assert pause.evidence["thresholds"] == {"ceiling": 70}
    assert len(pause.evidence["log_ids"]) == 1
    assert pause.rule == "over_ceiling_or_early_exit"


def test_two_practices_violating_the_expectancy_suggest_advancing_with_variability(
        planned, practise):
    first = practise(**VIOLATED, hours_ago=5)
    second = practise(**VIOLATED)
    # practice.services already refreshed after each log:
    assert open_kinds(planned.client) == ["advance", "add_variability"]
    advance = Recommendation.objects.get(kind="advance")
    assert advance.evidence["log_ids"] == [first.pk, second.pk]
    assert advance.evidence["rule"] == "expectancy_violated"
    assert advance.params["to_rung_id"] == planned.rungs[1].pk
    assert advance.rung == planned.rungs[0]


def test_a_habituation_plan_advances_on_falling_distress_not_on_expectancy(
        planned, practise, actor):
    from bravely.planning import services as planning

    planning.update_plan(actor, planned.plan, {"approach": "habituation"},
                         version=planned.plan.version)
    practise(**VIOLATED, peak=60, after=40, hours_ago=5)  # after > half the peak
    practise(**VIOLATED, peak=55, after=40, hours_ago=3)
    assert "advance" not in open_kinds(planned.client)
    practise(peak=50, after=20, hours_ago=2)
    practise(peak=45, after=20)
    assert "advance" in open_kinds(planned.client)
    advance = Recommendation.objects.get(kind="advance", status=OPEN)
    assert advance.rule == "distress_fell"


def test_a_risk_check_in_puts_crisis_follow_up_first_and_it_survives(planned, practise,
                                                                     check_in):
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    signal = check_in(risk=True)
    recs = refresh_recommendations(planned.client, raise_errors=True)
    assert recs[0].kind == "crisis_follow_up"
    crisis = recs[0]
    assert crisis.requires_note_to_dismiss
    assert crisis.plan is None and crisis.evidence["check_in_ids"] == [signal.pk]
    # a risk signal holds back advancing
    assert "advance" not in kinds(recs)
    # more practice, more refreshes, and a time when the signal is long past: still open
    practise(peak=90)
    later = timezone.now() + timedelta(days=60)
    recs = refresh_recommendations(planned.client, now=later, raise_errors=True)
    crisis.refresh_from_db()
    assert crisis.status == OPEN and crisis.superseded_at is None
    assert recs[0] == crisis
    assert Recommendation.objects.filter(kind="crisis_follow_up").count() == 1


def test_a_risk_flag_in_a_log_raises_crisis_follow_up(planned, practise):
    log = practise(risk_flag=True)
    crisis = Recommendation.objects.get(kind="crisis_follow_up")
    assert crisis.evidence["log_ids"] == [log.pk] and crisis.status == OPEN


def test_a_new_risk_signal_gets_its_own_follow_up_an_old_one_none_twice(planned, check_in):
    first = check_in(risk=True)
    crisis = Recommendation.objects.get(kind="crisis_follow_up")
    check_in(risk=False)
    assert Recommendation.objects.filter(kind="crisis_follow_up").count() == 1
    second = check_in(risk=True)
    both = list(Recommendation.objects.filter(kind="crisis_follow_up").order_by("id"))
    assert len(both) == 2 and both[0] == crisis
    assert both[1].evidence["check_in_ids"] == [first.pk, second.pk]


def test_crisis_follow_up_without_any_active_plan(planned, actor, check_in):
    from bravely.planning import services as planning

    planning.update_plan(actor, planned.plan, {"status": "paused"}, version=planned.plan.version)
    check_in(risk=True)
    assert open_kinds(planned.client) == ["crisis_follow_up"]


def test_refreshing_again_changes_nothing(planned, practise, check_in):
    practise(peak=85)
    check_in(risk=True)
    practise(peak=80, stopped_early=True, stopped_early_reason="Too much")
    before = list(Recommendation.objects.values_list("pk", "status", "fingerprint"))
    events = AuditEvent.objects.count()
    for _ in range(3):
        refresh_recommendations(planned.client, raise_errors=True)
    assert list(Recommendation.objects.values_list("pk", "status", "fingerprint")) == before
    assert AuditEvent.objects.count() == events
    fingerprints = [f for _pk, status, f in before if status == OPEN]
    assert len(fingerprints) == len(set(fingerprints))


def test_each_new_recommendation_is_audited_once_by_the_system(planned, practise):
    practise(peak=85)
    created = AuditEvent.objects.filter(object_type="recommendation", action="create")
    recs = Recommendation.objects.all()
    assert sorted(int(e.object_id) for e in created) == sorted(r.pk for r in recs)
    event = created.first()
    assert event.actor is None and event.actor_label == "bravely-pacing"
    assert event.via == "system" and event.client_id == planned.client.pk


def test_a_recommendation_no_longer_made_is_superseded_and_kept(planned, practise):
    practise(peak=85, hours_ago=3)
    pause = Recommendation.objects.get(kind="pause_and_reframe")
    practise(peak=50)  # the latest practice is within the ceiling again
    pause.refresh_from_db()
    assert pause.status == Recommendation.Status.SUPERSEDED and pause.superseded_at
    assert "pause_and_reframe" not in open_kinds(planned.client)
    assert AuditEvent.objects.filter(object_type="recommendation", object_id=str(pause.pk),
                                     action="update").exists()


def test_a_dismissed_recommendation_is_not_raised_again_for_the_same_evidence(
        planned, practise, alice):
    from bravely.audit.services import Actor
    from bravely.pacing.services import dismiss

    practise(peak=85)
    pause = Recommendation.objects.get(kind="pause_and_reframe")
    dismiss(Actor(alice), pause, "Discussed in session")
    refresh_recommendations(planned.client, raise_errors=True)
    assert Recommendation.objects.filter(kind="pause_and_reframe").count() == 1
    practise(peak=88)  # new evidence: a new recommendation
    assert Recommendation.objects.filter(kind="pause_and_reframe", status=OPEN).count() == 1


def test_missed_practice_suggests_revisiting_the_values(planned):
    # 3 a week assigned since 3 days ago, nothing logged
    recs = refresh_recommendations(planned.client, raise_errors=True)
    assert kinds(recs) == ["revisit_values"]
    assert recs[0].rule == "missed_practice"
    assert recs[0].params["done"] == 0


def test_the_fingerprint_is_kind_plan_rung_rule_and_sorted_evidence():
    a = fingerprint(1, "advance", 2, 3, "expectancy_violated", [5, 4], [])
    assert a == fingerprint(1, "advance", 2, 3, "expectancy_violated", (4, 5), ())
    assert a != fingerprint(1, "advance", 2, 3, "expectancy_violated", [4, 5, 6], [])
    assert a != fingerprint(1, "advance", 2, 7, "expectancy_violated", [4, 5], [])
    assert a != fingerprint(1, "step_back", 2, 3, "expectancy_violated", [4, 5], [])


def test_a_plan_of_its_own_thresholds_is_used(planned, practise, actor, practice):
    from bravely.pacing.services import save_settings

    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    assert "advance" in open_kinds(planned.client)
    save_settings(actor, practice, {"consecutive_for_advance": 3}, plan=planned.plan)
    assert "advance" not in open_kinds(planned.client)
    practise(**VIOLATED)
    advance = Recommendation.objects.get(kind="advance", status=OPEN)
    assert advance.evidence["thresholds"]["consecutive_for_advance"] == 3


def test_the_management_command_refreshes_active_clients(planned, capsys):
    from django.core.management import call_command

    call_command("pacing", "refresh")
    assert "Refreshed 1 client(s); 1 new recommendation(s)." in capsys.readouterr().out
    assert open_kinds(planned.client) == ["revisit_values"]
    call_command("pacing", "refresh")
    assert "0 new" in capsys.readouterr().out


def test_data_the_engine_refuses_skips_that_plan_and_never_loses_the_log(planned, practise,
                                                                         caplog):
    from bravely.clients.models import Client
    from bravely.practice.models import PracticeLog

    practise(peak=85)
    before = set(Recommendation.objects.filter(status=OPEN).values_list("pk", flat=True))
    # The client moves to the 0-10 thermometer; the ladder still says 35, 50, 60.
    Client.objects.filter(pk=planned.client.pk).update(distress_scale="thermometer10")
    planned.client.refresh_from_db()
    log = practise(peak=9, before=3, after=2)
    assert PracticeLog.objects.filter(pk=log.pk).exists()
    assert set(Recommendation.objects.filter(status=OPEN).values_list("pk", flat=True)) == before
    assert any("skipped" in r.getMessage() for r in caplog.records)
    caplog.clear()
