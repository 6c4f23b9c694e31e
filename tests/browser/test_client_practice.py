"""Issue 'Practice between sessions', end to end: the demo client practises on a phone, stops
safely, and the clinician sees the recommendation and accepts it."""

from playwright.sync_api import expect

from bravely.accounts.models import User
from bravely.clients.models import Client
from bravely.pacing.models import Recommendation
from bravely.practice.models import JournalEntry, PracticeLog, RiskAlert, StopEvent
from bravely.site.demo import DEMO_PASSWORD, load_demo
from tests.browser_support import assert_accessible, sign_in


def test_client_logs_over_the_ceiling_on_a_phone_and_clinician_accepts(phone, browser,
                                                                        live_server,
                                                                        transactional_db):
    load_demo()
    jordan = Client.objects.get(display_name="Jordan Reyes")
    ceiling = jordan.safety_versions.order_by("-version").first().distress_ceiling
    logs_before = PracticeLog.objects.filter(client=jordan).count()

    sign_in(phone, "jordan.reyes@riverside.example", DEMO_PASSWORD)
    expect(phone.get_by_role("heading", name="Hello, Jordan Reyes")).to_be_visible()
    expect(phone.get_by_role("link", name="I need to stop")).to_be_visible()
    assert_accessible(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"

    phone.get_by_role("link", name="Log this practice").first.click()
    expect(phone.get_by_role("heading", name="Log a practice")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_label("How long did it last (minutes)?").fill("25")
    phone.get_by_label("Distress just before").fill("45")
    # the large slider beside the number box moves the number (keyboard entry works too)
    slider = phone.locator("#id_distress_peak + input.slider")
    slider.focus()
    slider.fill(str(ceiling + 5))
    expect(phone.get_by_label("Distress at its highest")).to_have_value(str(ceiling + 5))
    phone.get_by_label("Distress at the end").fill("60")
    phone.get_by_label("I stopped early").check()
    phone.get_by_label("Why did you stop?").fill("My heart was racing and I left the room.")
    phone.get_by_label("What did you learn?").fill("I can leave and come back.")
    expect(phone.locator(".draft-status")).to_contain_text("saved")
    phone.get_by_role("button", name="Save this practice").click()

    expect(phone.get_by_role("heading", name="It is OK to stop")).to_be_visible()
    expect(phone.get_by_text("Your distress reached your ceiling")).to_be_visible()
    expect(phone.get_by_role("heading", name="Your way out")).to_be_visible()
    expect(phone.get_by_role("heading", name="If you are in danger or thinking of harming "
                                             "yourself")).to_be_visible()
    expect(phone.get_by_text("988 Suicide & Crisis Lifeline")).to_be_visible()
    assert_accessible(phone)
    log = PracticeLog.objects.filter(client=jordan).order_by("-id").first()
    assert PracticeLog.objects.filter(client=jordan).count() == logs_before + 1
    assert log.distress_peak == ceiling + 5 and log.over_ceiling and log.stopped_early

    # the stop control on any portal screen shows the plan, then one tap says which practice
    phone.goto("/me/ladder/")
    phone.get_by_role("link", name="I need to stop").click()
    expect(phone.get_by_role("heading", name="It is OK to stop")).to_be_visible()
    assert StopEvent.objects.filter(client=jordan).count() == 0
    phone.get_by_role("button", name="No, I just needed to stop").click()
    expect(phone.get_by_text("Stopping was recorded")).to_be_visible()
    assert StopEvent.objects.filter(client=jordan).count() == 1

    pause = Recommendation.objects.get(client=jordan, kind="pause_and_reframe", status="open")
    assert log.pk in pause.evidence["log_ids"]

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "maya.chen@riverside.example", DEMO_PASSWORD)
    page.goto("/attention/")
    queue = page.get_by_role("region", name="Clients who need attention")
    expect(queue.get_by_role("link", name="Jordan Reyes")).to_be_visible()
    assert_accessible(page)
    queue.get_by_role("link", name="Jordan Reyes").click()
    form = page.get_by_role("form", name="Decide on: Pause and reframe")
    # one primary step per rung; the pause is folded under it as an alternative to prefer
    page.locator("details.alternatives", has_text="Pause and reframe").first.locator(
        "summary").click()
    expect(page.get_by_text(f"at or above the ceiling of {ceiling}").first).to_be_visible()
    form.get_by_label("Note").fill("Agreed with Jordan to reframe the prediction next session.")
    form.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Recommendation accepted")).to_be_visible()
    assert_accessible(page)
    pause.refresh_from_db()
    assert pause.status == "accepted" and pause.decided_by.email == "maya.chen@riverside.example"
    context.close()


def test_a_draft_survives_a_closed_tab(phone, transactional_db):
    load_demo()
    sign_in(phone, "jordan.reyes@riverside.example", DEMO_PASSWORD)
    phone.get_by_role("link", name="Log this practice").first.click()
    phone.get_by_label("What actually happened?").fill("Half way through writing this")
    expect(phone.locator(".draft-status")).to_contain_text("saved")
    url = phone.url
    phone.goto("/me/")
    phone.goto(url)
    expect(phone.get_by_label("What actually happened?")).to_have_value(
        "Half way through writing this")


def test_every_portal_page_is_accessible_and_fits_320_px(browser, live_server, transactional_db):
    load_demo()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, "jordan.reyes@riverside.example", DEMO_PASSWORD)
    jordan = Client.objects.get(display_name="Jordan Reyes")
    assignment = jordan.assignments.filter(status="active").first()
    JournalEntry.objects.create(client=jordan, text="https://example.org/" + "a" * 400,
                                author=User.objects.get(email="jordan.reyes@riverside.example"))
    for path in ("/me/", "/me/ladder/", "/me/values/", "/me/values/rate/", "/me/values/new/",
                 "/me/safety/", "/me/sharing/", f"/me/log/{assignment.pk}/", "/me/journal/",
                 "/me/check-in/", "/me/stop/", "/me/more/", f"/me/practise/{assignment.pk}/"):
        page.goto(path)
        assert_accessible(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways at 320 px ({width}px)"
    # a yes to the risk question in a check-in the form refuses: support at once, input kept
    page.goto("/me/check-in/")
    page.get_by_label("Yes").check()
    page.get_by_label("The most distress you could handle").fill("150")
    page.get_by_label("Anything you want your clinician to know?").fill("Rough week")
    page.get_by_role("button", name="Send check-in").click()
    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    expect(page.get_by_label("Anything you want your clinician to know?")).to_have_value(
        "Rough week")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert RiskAlert.objects.filter(client=jordan, check_in=None, closed_at=None).exists()
    context.close()
    support = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = support.new_page()
    sign_in(page, "ana.reyes@riverside.example", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What Jordan Reyes shares with you")).to_be_visible()
    assert_accessible(page)
    support.close()
