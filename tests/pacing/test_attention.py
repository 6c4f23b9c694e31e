"""The clinician's "needs attention" queue: ordered by urgency, with reasons, O(1) queries."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bravely.audit.services import Actor
from bravely.clients import services as client_services
from bravely.clients.models import Client
from bravely.clients.selectors import CareTeam
from bravely.pacing.models import Recommendation
from bravely.pacing.selectors import needs_attention
from bravely.pacing.services import refresh_recommendations
from bravely.planning import services as planning
from bravely.planning.models import ExposurePlan, Rung
from bravely.practice.models import PracticeLog, RiskAlert, StopEvent
from bravely.practice.services import record_stop, submit_check_in, submit_log
from tests.factories import token


def new_client(actor, practice, clinician, name):
    client = client_services.create_client(actor, practice, {
        "display_name": name, "primary_clinician": clinician, "status": "active",
        "region": "US"})
    client_services.record_consent(actor, client, decision="given",
                                   items=practice.consent_items.all())
    return client


def ladder(actor, client, *, starts_days_ago=3):
    """Safety parameters (ceiling 70, acknowledged), an active plan with one rung, and homework on
    it (with an override: the rung serves no value)."""
    safety = planning.create_safety_version(actor, client, {
        "distress_ceiling": 70, "exit_strategies": ["Step outside"]})
    planning.acknowledge_safety(actor, safety)
    plan = planning.create_plan(actor, client, {"title": "Plan", "status": "active",
                                                "approach": "inhibitory_learning"})
    rung = planning.add_rung(actor, plan, {"behaviour": "Step one", "predicted_distress": 40})
    today = timezone.localdate()
    planning.assign_homework(actor, rung, {
        "frequency_per_week": 3, "starts_on": today - timedelta(days=starts_days_ago),
        "ends_on": today + timedelta(days=10), "instructions": "Practise",
        "agreed_with_client": True, "override_reason": "Values to be linked next session."})
    return Rung.objects.get(pk=rung.pk)


def log(actor, client, rung, *, peak, days_ago=0, **fields):
    return submit_log(actor, client, rung, {
        "started_at": timezone.now() - timedelta(days=days_ago, hours=1),
        "duration_minutes": 10, "distress_before": 30, "distress_peak": peak,
        "distress_after": 20, **fields}, idempotency_key=uuid.uuid4().hex, source="session")[0]


@pytest.fixture
def caseload(practice, alice, bob, actor):
    """One client per reason, in the reverse of the expected order, plus one with nothing."""
    made = {}
    made["quiet"] = new_client(actor, practice, alice, "A Quiet")
    pending = new_client(actor, practice, alice, "B Pending")
    rung = ladder(actor, pending, starts_days_ago=0)
    log(actor, pending, rung, peak=85, days_ago=20)  # an old peak: pending recommendation only
    made["pending"] = pending
    missed = new_client(actor, practice, alice, "C Missed")
    ladder(actor, missed)
    refresh_recommendations(missed, raise_errors=True)
    made["missed"] = missed
    made["early"] = new_client(actor, practice, alice, "D Early")
    record_stop(actor, made["early"])
    over = new_client(actor, practice, alice, "E Over")
    rung = ladder(actor, over)
    log(actor, over, rung, peak=70)  # at the ceiling counts
    made["over"] = over
    made["risk"] = new_client(actor, practice, alice, "F Risk")
    submit_check_in(actor, made["risk"], {"risk": True}, idempotency_key="r")
    bobs = new_client(Actor(bob), practice, bob, "G Bob's")
    submit_check_in(Actor(bob), bobs, {"risk": True}, idempotency_key="r")
    made["bobs"] = bobs
    return made


def test_the_queue_is_ordered_by_urgency(caseload, alice):
    order = [c.display_name for c in needs_attention(alice)]
    assert order == ["F Risk", "E Over", "D Early", "C Missed", "B Pending"]
    everyone = [c.display_name for c in needs_attention(alice, everyone=True)]
    assert everyone[-1] == "A Quiet" and "G Bob's" not in everyone


def test_each_row_counts_its_reasons(caseload, alice):
    rows = {c.display_name: c for c in needs_attention(alice)}
    assert rows["F Risk"].open_alerts == 1 and rows["F Risk"].open_crisis == 1
    assert rows["E Over"].over_ceiling == 1 and rows["E Over"].risk == 0
    assert rows["D Early"].stop_presses == 1 and rows["D Early"].early_exits == 1
    assert rows["C Missed"].missed_practice == 1
    assert rows["B Pending"].pending >= 1 and rows["B Pending"].over_ceiling == 0


def test_the_page_shows_reasons_in_words_and_links(caseload, alice):
    http = HttpClient()
    http.force_login(alice)
    response = http.get(reverse("needs_attention"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 open risk alert" in html
    assert "1 practice at or over the ceiling" in html
    assert "pressed “I need to stop” 1 time" in html
    assert "less practice than agreed" in html
    assert "A Quiet" not in html and "G Bob" not in html
    alert = RiskAlert.objects.get(client=caseload["risk"])
    assert reverse("close_risk_alert", args=[caseload["risk"].pk, alert.pk]) in html
    assert reverse("client_recommendations", args=[caseload["over"].pk]) in html
    assert html.index("F Risk") < html.index("E Over") < html.index("B Pending")


def test_a_supervisor_sees_the_queue_but_cannot_close_alerts(caseload, ruth):
    http = HttpClient()
    http.force_login(ruth)
    html = http.get(reverse("needs_attention")).content.decode()
    assert "F Risk" in html and "G Bob" not in html
    alert = RiskAlert.objects.get(client=caseload["risk"])
    assert reverse("close_risk_alert", args=[caseload["risk"].pk, alert.pk]) not in html
    assert "The care team closes it." in html


def test_an_archived_client_with_open_risk_stays_in_the_queue(caseload, alice, actor):
    client_services.archive_client(actor, caseload["risk"], "Moved away")
    assert "F Risk" in [c.display_name for c in needs_attention(alice)]


def add_clients(practice, clinician, start, count):
    """Clients in bulk, each with a log over the ceiling, an early exit, a stop, a pending
    recommendation, some with a risk alert or missed practice."""
    clients = Client.objects.bulk_create([
        Client(practice=practice, display_name=f"Bulk {i:04}", primary_clinician=clinician,
               status="active", region="US") for i in range(start, start + count)])
    CareTeam.objects.bulk_create([CareTeam(client_id=c.pk, user_id=clinician.pk)
                                  for c in clients])
    plans = ExposurePlan.objects.bulk_create([
        ExposurePlan(client=c, title="Plan", status="active", created_by=clinician)
        for c in clients])
    rungs = Rung.objects.bulk_create([
        Rung(plan=p, position=1, behaviour="Step", predicted_distress=30, created_by=clinician)
        for p in plans])
    now = timezone.now()
    PracticeLog.objects.bulk_create([
        PracticeLog(client=c, plan=p, rung=r, entered_by=clinician, source="session",
                    idempotency_key=f"bulk{c.pk}", started_at=now - timedelta(hours=2),
                    duration_minutes=10, scale="suds100", distress_before=30,
                    distress_peak=80, distress_after=20, ceiling=70,
                    stopped_early=bool(i % 2), stopped_early_reason="x" if i % 2 else "")
        for i, (c, p, r) in enumerate(zip(clients, plans, rungs, strict=True))])
    StopEvent.objects.bulk_create([StopEvent(client=c, user=clinician) for c in clients])
    RiskAlert.objects.bulk_create([RiskAlert(client=c, source="check_in")
                                   for i, c in enumerate(clients) if i % 3 == 0])
    Recommendation.objects.bulk_create([
        Recommendation(client=c, plan=p, rung=r, kind=kind, reason="Reason.", priority=1,
                       rule=rule, fingerprint=f"{kind}{c.pk}")
        for i, (c, p, r) in enumerate(zip(clients, plans, rungs, strict=True))
        for kind, rule in [("pause_and_reframe", "over_ceiling_or_early_exit")]
        + ([("revisit_values", "missed_practice")] if i % 4 == 0 else [])])


def count_queries(http, url):
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("url", ["/attention/", "/attention/?all=1", "/attention/?page=2"])
def test_the_page_takes_the_same_queries_for_10_and_300_clients(practice, alice, url):
    http = HttpClient()
    http.force_login(alice)
    add_clients(practice, alice, 0, 10)
    small, response = count_queries(http, url)
    assert "Bulk 0000" in response.content.decode() or "page=2" in url
    add_clients(practice, alice, 10, 290)
    large, response = count_queries(http, url)
    assert large == small
    assert response.context["page"].paginator.count == 300
    assert small == ATTENTION_PAGE_QUERIES


# The page: session, user, membership, 2FA and the page's own (the caseload's ids and names,
# one UNION ALL of the grouped counts, the window's notable logs, the page's clients, open
# alerts, the audit event).
ATTENTION_PAGE_QUERIES = 14


@pytest.mark.parametrize("who", ["alice", "ruth"])
def test_needs_attention_is_flat_for_5_and_200_clients_for_clinician_and_supervisor(
        practice, alice, ruth, who, request):
    """The supervisor sees alice's clients through supervision (the UNION in
    visible_clients); both take the same queries at 5 and at 200 clients."""
    http = HttpClient()
    http.force_login(request.getfixturevalue(who))
    add_clients(practice, alice, 0, 5)
    small, response = count_queries(http, "/attention/")
    assert "Bulk 0000" in response.content.decode()
    add_clients(practice, alice, 5, 195)
    large, response = count_queries(http, "/attention/")
    assert small == large == ATTENTION_PAGE_QUERIES
    assert response.context["page"].paginator.count == 200


def test_the_api_takes_the_same_queries_for_10_and_300_clients(practice, alice):

    http = HttpClient(headers={"Authorization": f"Bearer {token(alice)}"})
    add_clients(practice, alice, 0, 10)
    http.get("/api/v1/attention")  # the token's first use records when it was last used
    small, _response = count_queries(http, "/api/v1/attention")
    add_clients(practice, alice, 10, 290)
    large, response = count_queries(http, "/api/v1/attention")
    assert large == small and response.json()["count"] == 300


def test_a_row_says_what_happened_when_and_links_to_the_record(caseload, alice):
    row = {c.display_name: c for c in needs_attention(alice)}["E Over"]
    assert (row.notable_rung, row.notable_peak) == ("Step one", 70) and row.notable_at
    http = HttpClient()
    http.force_login(alice)
    html = http.get(reverse("needs_attention")).content.decode()
    assert "Latest: “Step one”, peak 70" in html
    assert reverse("client_detail", args=[caseload["over"].pk]) in html  # "Client record"
