"""Issue 10 end to end: the clinician moves Jordan to maintenance and writes the
relapse-prevention plan with them; Jordan, on a 390 px phone, agrees to it and logs an everyday
exposure in a few taps. axe-core finds nothing serious on any page. With SHOTS=<folder> the pages
are also saved as screenshots at 390 and 1280 px."""

import os

from playwright.sync_api import expect

from bravely.clients.models import Client
from bravely.maintenance import selectors
from bravely.maintenance.models import LifestyleExposure
from bravely.site.demo import DEMO_PASSWORD, load_demo
from tests.browser_support import assert_accessible, sign_in

SHOTS = os.environ.get("SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_plan_written_with_the_client_then_agreed_on_a_phone(page, browser, live_server,
                                                               transactional_db):
    load_demo()
    jordan = Client.objects.get(display_name="Jordan Reyes")

    sign_in(page, "maya.chen@riverside.example", DEMO_PASSWORD)
    page.goto(f"/clients/{jordan.pk}/edit/")
    page.get_by_label("Status").select_option("maintenance")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Relapse-prevention plan with Jordan Reyes")
           ).to_be_visible()
    assert_accessible(page)
    expect(page.locator("#values_reinforced-0-achievement")).not_to_have_value("")
    page.locator("#warning_signs-0-sign").fill("Staying quiet in meetings again")
    page.locator("#warning_signs-0-action").fill("Ask one question at the next meeting")
    page.get_by_label("How this supports the life I want, in my own words").fill(
        "Being a teammate whose ideas count.")
    shot(page, "plan-form-1280")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Plan saved as version 1")).to_be_visible()
    expect(page.get_by_text("Not yet agreed by the client")).to_be_visible()
    assert_accessible(page)
    shot(page, "overview-1280")

    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        sign_in(phone, "jordan.reyes@riverside.example", DEMO_PASSWORD)
        phone.get_by_role("link", name="More", exact=True).click()
        phone.get_by_role("link", name="My plan").click()
        expect(phone.get_by_role("heading", name="My plan for keeping my gains")).to_be_visible()
        expect(phone.get_by_text("Staying quiet in meetings again")).to_be_visible()
        expect(phone.get_by_role("heading", name="A lapse is not a relapse")).to_be_visible()
        assert_accessible(phone)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
        shot(phone, "portal-plan-390")
        phone.get_by_role("button", name="I have read this plan and agree to it").click()
        expect(phone.get_by_text("You have read and agreed to this version.")).to_be_visible()
        assert selectors.acknowledged_in_portal(selectors.current_plan(jordan))

        phone.get_by_role("link", name="More", exact=True).click()
        phone.get_by_role("link", name="Keeping it up").click()
        assert_accessible(phone)
        shot(phone, "portal-maintenance-390")
        phone.get_by_role("link", name="I faced something today").click()
        phone.get_by_label("What did you face?").fill("Said my idea first in stand-up")
        phone.get_by_label("I want to share my ideas at work instead of sitting on them").check()
        assert_accessible(phone)
        shot(phone, "portal-lifestyle-390")
        phone.get_by_role("button", name="Save").click()
        expect(phone.get_by_text("Everyday courage counts")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        entry = LifestyleExposure.objects.get(client=jordan)
        assert entry.what == "Said my idea first in stand-up" and entry.value is not None
    finally:
        context.close()


def test_the_demo_maintenance_pages_are_accessible(page, browser, live_server, transactional_db):
    """Aisha's pages (clinician, client on a phone, her partner as support) are axe-clean and do
    not scroll sideways on a phone."""
    load_demo()
    aisha = Client.objects.get(display_name="Aisha Karimi")
    booster = selectors.due_booster(aisha)
    sign_in(page, "sam.patel@riverside.example", DEMO_PASSWORD)
    page.goto("/attention/")
    expect(page.get_by_role("link", name="Offer a booster session")).to_be_visible()
    for url, name in ((f"/clients/{aisha.pk}/maintenance/", "aisha-overview-1280"),
                      (f"/clients/{aisha.pk}/maintenance/schedule/", "schedule-1280"),
                      (f"/clients/{aisha.pk}/maintenance/boosters/{booster.pk}/",
                       "booster-1280")):
        page.goto(url)
        assert_accessible(page)
        shot(page, name)
    for email, urls in (("aisha.karimi@riverside.example",
                         ["/me/", "/me/maintenance/", f"/me/booster/{booster.pk}/",
                          "/me/reminders/"]),
                        ("omar.karimi@riverside.example", ["/support/"])):
        context = browser.new_context(base_url=live_server.url,
                                      viewport={"width": 390, "height": 844}, is_mobile=True,
                                      has_touch=True)
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        try:
            sign_in(phone, email, DEMO_PASSWORD)
            for url in urls:
                phone.goto(url)
                assert_accessible(phone)
                assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url
                shot(phone, email.split(".")[0] + url.replace("/", "-") + "390")
        finally:
            context.close()
