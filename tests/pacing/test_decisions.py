"""Accepting and dismissing recommendations: the ladder changes only on acceptance, with history."""

import pytest
from django.core.exceptions import ValidationError

from bravely.audit.models import AuditEvent
from bravely.pacing.models import Recommendation
from bravely.pacing.services import accept, dismiss
from bravely.planning import services as planning
from bravely.planning.models import ChangeRecord, Rung
from tests.factories import VIOLATED

Status = Recommendation.Status


def statuses(planned):
    return [Rung.objects.get(pk=r.pk).status for r in planned.rungs]


def test_the_engine_alone_never_changes_the_ladder(planned, practise, check_in):
    before = statuses(planned)
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    practise(peak=90)
    check_in(risk=True)
    assert statuses(planned) == before == ["active", "planned", "planned"]


def test_accepting_advance_masters_the_rung_activates_the_next_and_keeps_history(
        planned, practise, actor, alice):
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    advance = Recommendation.objects.get(kind="advance")
    accept(actor, advance, "Ready; agreed with the client")
    assert statuses(planned) == ["mastered", "active", "planned"]
    advance.refresh_from_db()
    assert advance.status == Status.ACCEPTED
    assert advance.decided_by == alice and advance.decided_at is not None
    assert advance.decision_note == "Ready; agreed with the client"
    assert advance.applied["mastered_rung_id"] == planned.rungs[0].pk
    assert advance.applied["activated_rung_id"] == planned.rungs[1].pk
    changes = ChangeRecord.objects.filter(plan=planned.plan)
    first = changes.filter(object_type="rung", object_id=planned.rungs[0].pk).first()
    assert first.before["status"] == "active" and first.after["status"] == "mastered"
    assert first.changed_by == alice
    second = changes.filter(object_type="rung", object_id=planned.rungs[1].pk).first()
    assert second.after["status"] == "active"
    link = changes.get(action="recommendation")
    assert link.after["recommendation"] == advance.pk
    assert link.note == "Ready; agreed with the client"
    decide = AuditEvent.objects.get(action="decide", object_id=str(advance.pk))
    assert decide.actor == alice and decide.details["decision"] == "accepted"
    # the variability suggestion on the mastered rung is no longer made
    assert not Recommendation.objects.filter(status=Status.OPEN,
                                             rung=planned.rungs[0]).exists()


def test_accepting_step_back_returns_the_rung_to_planned_and_reactivates_the_one_below(
        planned, practise, actor):
    first = Rung.objects.get(pk=planned.rungs[0].pk)
    planning.update_rung(actor, first, {"status": "mastered"}, version=first.version)
    second = Rung.objects.get(pk=planned.rungs[1].pk)
    planning.update_rung(actor, second, {"status": "active"}, version=second.version)
    practise(1, peak=85, hours_ago=3)
    practise(1, peak=80, stopped_early=True, stopped_early_reason="Too much")
    step = Recommendation.objects.get(kind="step_back", status=Status.OPEN)
    assert step.params["to_rung_id"] == planned.rungs[0].pk
    accept(actor, step, "Back to hello for a week")
    assert statuses(planned) == ["active", "planned", "planned"]
    step.refresh_from_db()
    assert step.applied["returned_rung_id"] == planned.rungs[1].pk
    # a decided step back is not read as avoidance afterwards
    open_rules = Recommendation.objects.filter(kind="revisit_values", status=Status.OPEN)
    assert not any("paused_rungs" in r.rule for r in open_rules)


def test_accepting_split_creates_an_intermediate_rung_before_this_one(planned, practise,
                                                                       actor):
    first = Rung.objects.get(pk=planned.rungs[0].pk)
    planning.update_rung(actor, first, {"status": "mastered"}, version=first.version)
    second = Rung.objects.get(pk=planned.rungs[1].pk)
    planning.update_rung(actor, second, {"status": "active"}, version=second.version)
    practise(1, peak=85)
    split = Recommendation.objects.get(kind="split_rung", status=Status.OPEN)
    accept(actor, split, "", options={"behaviour": "Ask a question to one colleague"})
    ladder = list(Rung.objects.filter(plan=planned.plan).order_by("position"))
    assert [r.pk for r in ladder][:1] == [planned.rungs[0].pk]
    new = ladder[1]
    assert [r.pk for r in ladder[2:]] == [planned.rungs[1].pk, planned.rungs[2].pk]
    assert new.behaviour == "Ask a question to one colleague"
    assert new.predicted_distress == 42  # midway between 35 and 50, rounded half to even
    assert new.status == "planned"
    assert list(new.values.all()) == [planned.statement]
    assert new.feared_outcome == "They will laugh at me"
    assert [r.position for r in ladder] == [1, 2, 3, 4]
    assert ChangeRecord.objects.filter(object_type="rung", object_id=new.pk,
                                       action="create").exists()
    assert ChangeRecord.objects.filter(plan=planned.plan, action="reorder").exists()
    split.refresh_from_db()
    assert split.applied["created_rung_id"] == new.pk


def test_accepting_without_applying_records_the_decision_only(planned, practise, actor):
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    advance = Recommendation.objects.get(kind="advance")
    accept(actor, advance, "Will do it next session", apply=False)
    assert statuses(planned) == ["active", "planned", "planned"]
    advance.refresh_from_db()
    assert advance.status == Status.ACCEPTED and advance.applied == {}


def test_kinds_without_an_automatic_change_record_the_decision_only(planned, practise, actor):
    practise(peak=85)
    pause = Recommendation.objects.get(kind="pause_and_reframe")
    accept(actor, pause, "Reframed in session")
    assert statuses(planned) == ["active", "planned", "planned"]
    pause.refresh_from_db()
    assert pause.status == Status.ACCEPTED and pause.applied == {}


def test_dismissing_a_crisis_follow_up_without_a_note_is_refused(planned, check_in, actor,
                                                                  alice):
    check_in(risk=True)
    crisis = Recommendation.objects.get(kind="crisis_follow_up")
    for empty in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            dismiss(actor, crisis, empty)
        assert "note" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        accept(actor, crisis, "")
    assert "note" in refused.value.message_dict
    crisis.refresh_from_db()
    assert crisis.status == Status.OPEN
    dismiss(actor, crisis, "Phoned the client; safe, plan reviewed")
    crisis.refresh_from_db()
    assert crisis.status == Status.DISMISSED and crisis.decided_by == alice
    assert crisis.decision_note == "Phoned the client; safe, plan reviewed"
    event = AuditEvent.objects.get(action="decide", object_type="recommendation")
    assert event.details == {"decision": "dismissed", "kind": "crisis_follow_up",
                             "applied": {}, "with_note": True}


def test_a_non_crisis_recommendation_can_be_dismissed_without_a_note(planned, practise, actor):
    practise(peak=85)
    split = Recommendation.objects.get(kind="split_rung")
    dismiss(actor, split, "")
    split.refresh_from_db()
    assert split.status == Status.DISMISSED


def test_a_decision_is_taken_once(planned, practise, actor):
    practise(peak=85)
    pause = Recommendation.objects.get(kind="pause_and_reframe")
    dismiss(actor, pause, "no")
    with pytest.raises(ValidationError) as refused:
        accept(actor, pause, "yes")
    assert "status" in refused.value.message_dict


def test_an_advance_that_no_longer_fits_the_ladder_is_refused_whole(planned, practise, actor):
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    advance = Recommendation.objects.get(kind="advance")
    first = Rung.objects.get(pk=planned.rungs[0].pk)
    planning.update_rung(actor, first, {"status": "paused"}, version=first.version)
    with pytest.raises(ValidationError) as refused:
        accept(actor, advance, "")
    assert "rung" in refused.value.message_dict
    assert statuses(planned) == ["paused", "planned", "planned"]
    advance.refresh_from_db()
    assert advance.status in (Status.OPEN, Status.SUPERSEDED)

