"""`bravely pacing refresh` is incremental and batched: a client with nothing new is skipped,
every kind of change to what the engine reads brings it back, time passing its due moment does
too, and the batched refresh says exactly what the refresh of one client at a time says."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.clients import services as clients
from bravely.clients.models import Client
from bravely.clinical.scales import DistressScale
from bravely.pacing import services as pacing
from bravely.pacing.models import PacingState, Recommendation
from bravely.planning import services as planning
from bravely.practice.models import PracticeLog, StopEvent
from bravely.practice.services import record_stop
from bravely.site import scale
from tests.factories import make_check_in, make_client, make_log, make_planned


def run(*args) -> int:
    out = StringIO()
    call_command("pacing", "refresh", *args, stdout=out, stderr=StringIO())
    return int(out.getvalue().split()[1])


def due(client_id) -> bool:
    return pacing.clients_due().filter(pk=client_id).exists()


def test_a_client_with_nothing_new_is_skipped_and_all_takes_it_anyway(planned):
    assert run() == 1  # never refreshed
    assert not due(planned.client.pk)
    assert run() == 0
    assert run("--all") == 1


def test_every_kind_of_input_change_makes_the_client_due(planned, actor, practice, alice):
    other = make_planned(actor, make_client(practice, alice, name="Other Client"), practice)
    run()
    client, rung = planned.client, planned.rungs[0]
    changes = {
        "update_log": lambda: make_log(actor, client, rung),
        "check_in": lambda: make_check_in(actor, client),
        "stop": lambda: record_stop(actor, client, planned.assignment),
        "rung": lambda: planning.update_rung(
            actor, planned.rungs[1], {"predicted_distress": 55},
            version=type(rung).objects.get(pk=planned.rungs[1].pk).version),
        "homework": lambda: planning.assign_homework(actor, planned.rungs[1], {
            "frequency_per_week": 2, "starts_on": timezone.localdate(),
            "ends_on": timezone.localdate() + timedelta(days=6), "agreed_with_client": True,
            "instructions": "Ask one question"}),
        "cancel_homework": lambda: planning.cancel_assignment(actor, planned.assignment,
                                                              "Not now"),
        "safety": lambda: planning.create_safety_version(actor, client, {
            "distress_ceiling": 65, "coping_level": 45,
            "exit_strategies": ["Step outside"],
            "coping_skills": [{"kind": "breathing", "description": "",
                               "allowed_during_exposure": True}],
            "support_contacts": []}),
        "practice_thresholds": lambda: pacing.save_settings(actor, practice,
                                                            {"missed_practice_days": 10}),
        "time_zone": lambda: clients.update_client(actor, Client.objects.get(pk=client.pk),
                                                   {"time_zone": "Europe/Madrid"}),
        "status": lambda: clients.update_client(actor, Client.objects.get(pk=client.pk),
                                                {"status": Client.Status.MAINTENANCE}),
    }
    for name, change in changes.items():
        # the refresh that a log or check-in runs itself is undone here, as if it had failed to
        # run (the process died after the commit): only changed_at can tell
        PacingState.objects.update(refreshed_at=timezone.now() + timedelta(seconds=1))
        assert not due(client.pk), name
        PacingState.objects.update(refreshed_at=timezone.now() - timedelta(seconds=1))
        PacingState.objects.update(changed_at=None)
        assert not due(client.pk), name
        change()
        if name in ("update_log", "check_in"):  # refreshed after their own commit already
            assert not due(client.pk), name
            PacingState.objects.filter(client=client).update(
                refreshed_at=timezone.now() - timedelta(hours=1))
        assert due(client.pk), name
        assert due(other.client.pk) == (name == "practice_thresholds"), name
        run()


def test_time_passing_its_due_moment_makes_the_client_due(planned):
    run()
    state = PacingState.objects.get(client=planned.client)
    assert state.due_at > timezone.now()
    assert not pacing.clients_due(state.due_at - timedelta(seconds=1)).exists()
    assert pacing.clients_due(state.due_at).filter(pk=planned.client.pk).exists()
    PacingState.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    assert run() == 1


def test_the_due_moment_is_the_next_local_midnight_or_a_look_back_ending_sooner():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/New_York")
    now = timezone.datetime(2026, 3, 7, 22, 30, tzinfo=zone)  # the night before DST starts
    midnight = timezone.datetime(2026, 3, 8, 0, 0, tzinfo=zone)
    assert pacing.next_due(now, {14}, []) == midnight
    signal = now - timedelta(days=14) + timedelta(minutes=20)  # leaves the window at 22:50
    assert pacing.next_due(now, {14, 30}, [signal]) == signal + timedelta(days=14)
    old = now - timedelta(days=40)  # already out of every window
    assert pacing.next_due(now, {14, 30}, [old]) == midnight


def test_a_risk_check_in_leaving_the_look_back_is_due_then(planned, actor):
    make_check_in(actor, planned.client, risk=True)
    state = PacingState.objects.get(client=planned.client)
    now = pacing.client_now(planned.client, timezone.now())
    midnight = timezone.datetime.combine(now.date() + timedelta(days=1), timezone.datetime.min
                                         .time(), tzinfo=now.tzinfo)
    assert state.due_at == midnight  # the check-in leaves its window in weeks, not before


def test_an_incremental_run_leaves_what_a_full_run_would(planned, actor):
    run()
    make_log(actor, planned.client, planned.rungs[0], peak=90, hours_ago=2)
    make_log(actor, planned.client, planned.rungs[0], peak=90, hours_ago=1)
    run()
    events, recs = AuditEvent.objects.count(), list(Recommendation.objects.values())
    assert run("--all") == 1
    assert AuditEvent.objects.count() == events
    assert list(Recommendation.objects.values()) == recs


def snapshot():
    """Every recommendation by what it says (ids of rows aside: two runs number them apart)."""
    return sorted((r.client_id, r.kind, r.plan_id, r.rung_id, r.rule, r.status, r.role,
                   getattr(r.alternative_of, "kind", None), r.reason, repr(r.params),
                   repr(r.evidence), r.priority)
                  for r in Recommendation.objects.select_related("alternative_of"))


def test_the_batched_refresh_says_exactly_what_one_client_at_a_time_says(db):
    """Over seeded histories (weeks of logs, early exits, rising ratings, risk answers): the
    engine's answer from the batch's reads equals the one from a single client's reads, for
    every client; and storing it after the per-client refresh changes nothing."""
    scale.seed(clinicians=1, clients_per_clinician=8, weeks=20, refresh=False, quiet=True,
               logs_per_week=6)
    now = timezone.now()
    ids = list(pacing.refreshable_clients().values_list("pk", flat=True))
    assert len(ids) >= 5
    # the seed's early exits fall at random; one press during each client's latest practice
    # makes sure the compared reads include some
    for client_id in ids:
        latest = PracticeLog.objects.filter(client_id=client_id, assignment__isnull=False
                                            ).latest("started_at")
        StopEvent.objects.create(client_id=client_id, user=latest.entered_by,
                                 assignment=latest.assignment,
                                 at=latest.started_at + timedelta(minutes=1))
    batch = pacing._batch_inputs(list(Client.objects.filter(pk__in=ids).order_by("pk")), now)
    compared = stops = 0
    for client in Client.objects.filter(pk__in=ids):
        local = pacing.client_now(client, now)
        one = pacing._run_engine(pacing._client_inputs(client, local), local)
        many = pacing._run_engine(batch[client.pk], local)
        assert [(getattr(p, "pk", None), r) for p, r in one[0]] == \
               [(getattr(p, "pk", None), r) for p, r in many[0]]
        assert one[1:] == many[1:]
        compared += len(one[0])
        single, batched = pacing._client_inputs(client, local), batch[client.pk]
        distress = DistressScale(client.distress_scale)
        for plan in single.plans:  # and the engine's inputs themselves, log by log
            policy = pacing.policy_for(plan, client.practice_id)
            assert (single.plan_inputs(plan, policy, (), distress, local)
                    == batched.plan_inputs(plan, policy, (), distress, local))
            stops += sum(log.stop_presses for log in
                         batched.plan_inputs(plan, policy, (), distress, local)[3])
    assert compared > len(ids)  # the histories gave the engine something to say
    assert stops  # and "I need to stop" presses linked to logs

    for client_id in ids:
        assert pacing.refresh(client_id, now=now, results=False).ok
    before, events = snapshot(), AuditEvent.objects.count()
    assert before
    outcomes = pacing.refresh_many(ids, now=now)
    assert all(o.ok and not o.retries for o in outcomes)
    assert snapshot() == before
    assert AuditEvent.objects.count() == events
    assert PacingState.objects.filter(client_id__in=ids, refreshed_at__isnull=False,
                                      failed_at__isnull=True).count() == len(ids)


def test_the_batched_refresh_from_nothing_stores_what_one_client_at_a_time_stores(db):
    scale.seed(clinicians=1, clients_per_clinician=6, weeks=12, refresh=False, quiet=True,
               logs_per_week=5)
    now = timezone.now()
    ids = list(pacing.refreshable_clients().values_list("pk", flat=True))
    with transaction.atomic():
        for client_id in ids:
            pacing.refresh(client_id, now=now, results=False)
        one = snapshot()
        transaction.set_rollback(True)
    assert not Recommendation.objects.exists()
    pacing.refresh_many(ids, now=now)
    assert snapshot() == one
