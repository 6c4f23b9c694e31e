"""Progress pages in Chromium: the clinician opens a demo client's progress page on a desktop,
the client opens /me/progress/ on a phone; axe-core finds nothing serious, nothing scrolls
sideways, and the charts are inline SVG images with their numbers one tap away."""

from playwright.sync_api import expect

from bravely.clients.models import Client
from bravely.site.demo import DEMO_PASSWORD, load_demo
from tests.browser_support import assert_accessible, sign_in


def test_clinician_sees_every_chart_and_changes_the_period(page, live_server, transactional_db):
    load_demo()
    jordan = Client.objects.get(display_name="Jordan Reyes")
    sign_in(page, "maya.chen@riverside.example", DEMO_PASSWORD)
    page.goto(f"/clients/{jordan.pk}/")
    page.get_by_role("link", name="Progress", exact=True).first.click()
    expect(page.get_by_role("heading", name="Progress: Jordan Reyes")).to_be_visible()
    for name in ("The ladder over time: Speaking up in meetings and meeting new people",
                 "Distress per practice: Say good morning to two colleagues",
                 "Expectancy: how likely the feared outcome seemed",
                 "Practice: assigned and done each week",
                 "Values over time: importance and how fully they were lived",
                 "Valued goals: done so far against the goal"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    numbers = page.locator("details.chart-numbers").first
    numbers.locator("summary").click()
    expect(numbers.get_by_role("table")).to_be_visible()

    page.get_by_label("Period", exact=True).select_option("4w")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server.url}/clients/{jordan.pk}/progress/?period=4w")
    expect(page.get_by_label("Period", exact=True)).to_have_value("4w")
    page.goto(f"/clients/{jordan.pk}/progress/?period=ever")
    expect(page.get_by_role("alert")).to_contain_text("Choose a period")
    assert_accessible(page)


def test_client_sees_their_progress_on_a_phone(phone, live_server, transactional_db):
    load_demo()
    sign_in(phone, "jordan.reyes@riverside.example", DEMO_PASSWORD)
    phone.get_by_role("link", name="More", exact=True).click()
    phone.get_by_role("link", name="My progress").click()
    expect(phone.get_by_role("heading", name="My progress", exact=True)).to_be_visible()
    expect(phone.get_by_text("You have climbed 1 step of your ladder")).to_be_visible()
    expect(phone.get_by_role("img", name="Expectancy: how likely the feared outcome seemed")
           ).to_be_visible()
    assert_accessible(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    svg = phone.get_by_role("img", name="Expectancy: how likely the feared outcome seemed")
    assert svg.bounding_box()["width"] <= 340
