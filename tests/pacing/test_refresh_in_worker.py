"""BRAVELY_PACING_REFRESH=worker: a stored log leaves its client due and `bravely worker` brings
the recommendations up to date (one refresh for all the logs since its last pass); a risk
answer still gets its crisis follow-up in the request. The default refreshes in the request."""

from io import StringIO

import pytest
from django.core.management import call_command

from bravely.pacing import services as pacing
from bravely.pacing.models import Recommendation
from tests.factories import make_check_in, make_log


def worker_once() -> str:
    out = StringIO()
    call_command("worker", "--once", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def in_worker(settings):
    settings.PACING_REFRESH = "worker"


def test_by_default_the_request_refreshes(planned, actor):
    make_log(actor, planned.client, planned.rungs[0], peak=90)
    assert Recommendation.objects.filter(client=planned.client, status="open").exists()
    assert not pacing.clients_due().filter(pk=planned.client.pk).exists()


def test_the_worker_refreshes_what_the_requests_left(planned, actor, in_worker):
    client = planned.client
    for hours_ago in (3, 2, 1):
        make_log(actor, client, planned.rungs[0], peak=90, hours_ago=hours_ago)
    assert not Recommendation.objects.filter(client=client).exists()
    assert pacing.clients_due().filter(pk=client.pk).exists()

    assert "pacing: 1 client(s) refreshed" in worker_once()
    step_back = Recommendation.objects.get(client=client, status="open", role="primary")
    assert step_back.kind != "keep_practising"
    assert not pacing.clients_due().filter(pk=client.pk).exists()
    assert "pacing: 0 client(s) refreshed" in worker_once()  # nothing new: nothing done


def test_the_same_recommendations_as_in_the_request(planned, actor, in_worker):
    """What the worker stores is what the request would have: refreshing again changes nothing."""
    for hours_ago in (3, 2, 1):
        make_log(actor, planned.client, planned.rungs[0], peak=90, hours_ago=hours_ago)
    worker_once()

    def stored():
        return sorted(Recommendation.objects.filter(client=planned.client, status="open")
                      .values_list("pk", "kind", "rung_id", "rule"))

    by_worker = stored()
    pacing.refresh_recommendations(planned.client, raise_errors=True)
    assert by_worker and stored() == by_worker


def test_a_risk_answer_is_followed_up_in_the_request(planned, actor, in_worker):
    make_log(actor, planned.client, planned.rungs[0], risk_flag=True)
    assert Recommendation.objects.filter(client=planned.client, kind="crisis_follow_up",
                                         status="open").exists()
    make_check_in(actor, planned.client, risk=True)
    assert Recommendation.objects.filter(client=planned.client, kind="crisis_follow_up",
                                         status="open").count() >= 1


def test_a_bad_setting_is_refused(monkeypatch):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import bravely.settings"],
                          env={"BRAVELY_PACING_REFRESH": "later", "SECRET_KEY": "x",
                               "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert done.returncode != 0 and "BRAVELY_PACING_REFRESH" in done.stderr
