"""The pacing pages in Chromium: axe-core finds nothing serious; deciding works without JS."""

import pytest
from playwright.sync_api import expect

from bravely.pacing.models import Recommendation
from tests.browser_support import assert_accessible, sign_in
from tests.factories import PASSWORD, VIOLATED

pytestmark = pytest.mark.browser



def test_recommendations_and_the_queue_are_accessible_and_work(page, planned,
                                                               practise, check_in):
    practise(**VIOLATED, hours_ago=5)
    practise(peak=85)
    check_in(risk=True)
    sign_in(page, "alice@example.org", PASSWORD)
    page.goto("/attention/")
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    expect(page.get_by_text("1 open risk alert")).to_be_visible()
    assert_accessible(page)

    queue = page.get_by_role("region", name="Clients who need attention")
    queue.get_by_role("link", name="Jordan Reyes").click()
    expect(page.get_by_role("heading", name="Pacing recommendations: Jordan Reyes")).to_be_visible()
    assert_accessible(page)
    crisis = Recommendation.objects.get(kind="crisis_follow_up")
    form = page.get_by_role("form", name="Decide on: Crisis follow-up")
    form.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be closed without a note")
    assert_accessible(page)
    crisis.refresh_from_db()
    assert crisis.status == "open"
    page.get_by_label("Note").fill("Phoned; safe; safety plan reviewed")
    page.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Recommendation dismissed")).to_be_visible()
    crisis.refresh_from_db()
    assert crisis.status == "dismissed"

    # the rung shows one suggested next step; the alternatives are folded under it
    waiting = page.get_by_role("region", name="Waiting for a decision")
    primaries = waiting.locator("article").filter(has_text="Suggested next step")
    expect(primaries).to_have_count(1)
    expect(primaries.first).to_contain_text("Pause and reframe")
    expect(page.get_by_role("form", name="Decide on: Split the rung")).to_be_hidden()
    waiting.get_by_text("1 alternative you may prefer").click()
    assert_accessible(page)
    split = Recommendation.objects.get(kind="split_rung", status="open")
    form = page.get_by_role("form", name="Decide on: Split the rung")
    form.get_by_label("Behaviour of the new rung").fill("Say hello to one friendly colleague")
    form.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Recommendation accepted")).to_be_visible()
    split.refresh_from_db()
    assert split.applied["created_rung"] == "Say hello to one friendly colleague"
    assert_accessible(page)


def test_the_queue_on_a_phone(phone, planned, practise):
    practise(peak=85)
    sign_in(phone, "alice@example.org", PASSWORD)
    phone.goto("/attention/")
    expect(phone.get_by_text("1 practice at or over the ceiling")).to_be_visible()
    assert_accessible(phone)
    phone.goto(f"/clients/{planned.client.pk}/plans/{planned.plan.pk}/pacing/")
    assert_accessible(phone)
