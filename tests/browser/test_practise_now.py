"""Issue 12 on a 390x844 phone: the demo client practises now with the timer and ratings along the
way, stops inside the practice, reflects and sees their prediction against what happened; the
same run with the connection cut in the middle ends with exactly one log; the tab bar works
from the keyboard. axe-core finds nothing serious on any of these screens."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bravely.clients.models import Client
from bravely.practice.models import PracticeDraft, PracticeLog, StopEvent
from bravely.site.demo import DEMO_PASSWORD, load_demo
from tests.browser_support import assert_accessible, read_while_served, sign_in

JORDAN = "jordan.reyes@riverside.example"


@pytest.fixture
def iphone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield context, page
    context.close()


def _back_in_time(minutes):
    """Move the open run's start back, as if the client had been practising for a while."""
    draft = PracticeDraft.objects.filter(data__mode="practise").get()
    draft.data = {**draft.data, "started_at": (timezone.now() - timedelta(minutes=minutes))
                  .isoformat()}
    draft.save()


def _start(page):
    page.get_by_role("link", name="Practise now").first.click()
    expect(page.get_by_text("This serves:")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("How likely is it that this will happen").fill("70")
    page.get_by_label("How strong is the fear right now?").fill("45")
    page.get_by_role("button", name="Start the practice").click()
    expect(page.get_by_text("Step 2 of 3: during")).to_be_visible()


def _rate(page, value):
    page.get_by_label("How strong is the fear right now?").fill(str(value))
    page.get_by_role("button", name="Save this rating").click()


def test_practise_now_with_the_timer_a_stop_and_the_reflection(iphone, transactional_db):
    _context, page = iphone
    load_demo()
    jordan = Client.objects.get(display_name="Jordan Reyes")
    jordan.assignments.filter(status="active").update(rating_every_minutes=1)
    logs_before = PracticeLog.objects.filter(client=jordan).count()
    sign_in(page, JORDAN, DEMO_PASSWORD)
    _start(page)
    # the run started two minutes ago: a rating is due, and the timer is running
    _back_in_time(2)
    page.reload()
    expect(page.get_by_text("Time for a rating")).to_be_visible()
    first = page.locator("[data-timer]").text_content()
    page.wait_for_timeout(1100)
    assert page.locator("[data-timer]").text_content() != first
    assert_accessible(page)
    for value in (65, 75, 60):
        _rate(page, value)
        expect(page.locator(".curve-svg circle")).to_have_count(
            [65, 75, 60].index(value) + 2)
    expect(page.get_by_text("Next rating in")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the page draws a rating at once and sends it in the background: wait for the server
    for _ in range(100):
        draft = read_while_served(PracticeDraft.objects.filter(data__mode="practise").get)
        if len(draft.data["ratings"]) == 4:
            break
        page.wait_for_timeout(100)
    assert [r["value"] for r in draft.data["ratings"]] == [45, 65, 75, 60]

    page.get_by_role("link", name="I need to stop").click()
    expect(page.get_by_role("heading", name="Coping steps you can use now")).to_be_visible()
    expect(page.locator("a[href^='tel:']").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, stop this practice").click()
    expect(page.get_by_role("heading", name="How did it go?")).to_be_visible()
    assert StopEvent.objects.filter(client=jordan, practice_key=draft.key).count() == 1
    page.get_by_label("Why did you stop?").fill("My heart was racing.")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("How likely does it seem now").fill("30")
    page.get_by_label("What did you learn?").fill("I can stay with it and nothing bad happens.")
    page.get_by_text("Add more").click()
    expect(page.get_by_label("Emotions, in your own words")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save this practice").click()

    expect(page.get_by_role("heading", name="You did it")).to_be_visible()
    expect(page.get_by_text("You thought it 70 % likely that")).to_be_visible()
    expect(page.get_by_text("It didn't happen.")).to_be_visible()
    expect(page.get_by_text("down from 70 %")).to_be_visible()
    expect(page.locator(".curve-svg polyline")).to_be_visible()
    assert_accessible(page)
    log = PracticeLog.objects.filter(client=jordan).order_by("-id").first()
    assert PracticeLog.objects.filter(client=jordan).count() == logs_before + 1
    assert [r["value"] for r in log.ratings] == [45, 65, 75, 60]
    assert log.stopped_early and log.likelihood_before == 70 and log.distress_peak == 75
    assert StopEvent.objects.get(practice_key=draft.key).log == log


def test_the_connection_cut_in_the_middle_ends_with_one_log(iphone, transactional_db):
    context, page = iphone
    load_demo()
    jordan = Client.objects.get(display_name="Jordan Reyes")
    logs_before = PracticeLog.objects.filter(client=jordan).count()
    sign_in(page, JORDAN, DEMO_PASSWORD)
    _start(page)
    _rate(page, 60)
    expect(page.locator(".curve-svg circle")).to_have_count(2)
    context.set_offline(True)
    _rate(page, 70)  # kept on the phone
    expect(page.get_by_text("Rating kept on this phone")).to_be_visible()
    expect(page.locator(".curve-svg circle")).to_have_count(3)
    context.set_offline(False)
    page.get_by_role("link", name="I have finished: reflect").click()
    expect(page.get_by_role("heading", name="How did it go?")).to_be_visible()
    context.set_offline(True)
    page.get_by_label("What did you learn?").fill("Written in the lift")
    page.get_by_role("button", name="Save this practice").click()
    expect(page.get_by_text("1 practice is saved on this phone and waiting to be sent.")
           ).to_be_visible()
    assert PracticeLog.objects.filter(client=jordan).count() == logs_before
    context.set_offline(False)
    expect(page.get_by_text("Sent. Your care team can see it now.")).to_be_visible()
    # the queue is empty and a resend of the same key adds nothing
    page.evaluate("""() => fetch(document.querySelector('form[data-offline-form]').action, {
        method: 'POST', credentials: 'same-origin', headers: {'X-Bravely-Queued': '1'},
        body: new FormData(document.querySelector('form[data-offline-form]'))})""")
    assert page.evaluate("localStorage.getItem('bravely-outbox')") == "[]"
    logs = PracticeLog.objects.filter(client=jordan)
    assert logs.count() == logs_before + 1
    log = logs.order_by("-id").first()
    assert [r["value"] for r in log.ratings] == [45, 60, 70]  # the offline rating is kept
    assert log.learned == "Written in the lift"


def test_the_tab_bar_reaches_every_destination_from_the_keyboard(iphone, transactional_db):
    _context, page = iphone
    load_demo()
    sign_in(page, JORDAN, DEMO_PASSWORD)
    tabs = page.get_by_role("navigation", name="My Bravely")
    for name in ("Practise", "Ladder", "Journal", "More", "Today"):
        link = tabs.get_by_role("link", name=name)
        link.focus()
        page.keyboard.press("Enter")
        expect(tabs.get_by_role("link", name=name)).to_have_attribute("aria-current", "page")
        box = tabs.get_by_role("link", name=name).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (name, box)
        assert_accessible(page)
    # Tab order: from the last tab, the next Tab leaves the bar; Shift+Tab walks back along it
    tabs.get_by_role("link", name="More").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Journal"
    stop = page.get_by_role("link", name="I need to stop")
    box = stop.bounding_box()
    assert box["height"] >= 44


PAGES = ("/me/", "/me/practise/", "/me/ladder/", "/me/journal/", "/me/more/", "/me/values/",
         "/me/values/rate/", "/me/safety/", "/me/sharing/", "/me/check-in/", "/me/stop/",
         "/me/progress/", "/me/measures/", "/me/record/", "/me/log/{a}/", "/me/practise/{a}/",
         "/me/practise/{a}/offline/", "/me/practise/run/{run}/", "/me/practise/run/{run}/stop/",
         "/me/practise/run/{run}/reflect/", "/me/practise/done/{log}/")


@pytest.mark.parametrize("scheme, locale", [("dark", "es-ES"), ("light", "es-ES"),
                                            ("dark", "en-GB"), ("light", "en-GB")])
def test_every_portal_page_in_both_themes_and_languages(browser, live_server, transactional_db,
                                                       scheme, locale):
    from bravely.audit.services import Actor
    from bravely.practice.services import start_practice

    load_demo()
    jordan = Client.objects.get(display_name="Jordan Reyes")
    assignment = jordan.assignments.filter(status="active").first()
    run = start_practice(Actor(jordan.account.user, "127.0.0.1", via="portal"), jordan,
                         assignment, likelihood_before=60, distress_now=40, key="axe-run")
    ids = {"a": assignment.pk, "run": run.key,
           "log": PracticeLog.objects.filter(client=jordan).order_by("-id").first().pk}
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, color_scheme=scheme,
                                  locale=locale)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", JORDAN)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/me/**")
    for path in PAGES:
        page.goto(path.format(**ids))
        assert page.evaluate("document.documentElement.lang") == locale[:2]
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        small = page.evaluate("""() => [...document.querySelectorAll(
            '.button, button, .tabbar a, .stop-link, ul.menu a, input[type=number]')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim() || e.name, e.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)""")
        assert small == [], (path, small)
    context.close()


def test_a_whole_practice_in_spanish(iphone, transactional_db):
    """The Spanish portal end to end: every label and button the client meets is found by its
    Spanish text (taken from the catalogue), so an English page fails here."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    _context, page = iphone
    load_demo()
    jordan = Client.objects.get(display_name="Jordan Reyes")
    from bravely.portal.models import ClientAccount

    ClientAccount.objects.filter(client=jordan).update(language="es")
    with translation.override("es"):
        t = {key: _(key) for key in (
            "Practise now", "How strong is the fear right now?", "Start the practice",
            "Save this rating", "I need to stop", "Yes, stop this practice", "How did it go?",
            "Why did you stop?", "How likely does it seem now (0-100 %)?", "What did you learn?",
            "Save this practice", "You did it")}
        likely = _("How likely is it that this will happen: “%(fear)s”? (0-100 %%)").split(
            "%(fear)s")[0].rstrip(" «“:")
    assert all(t[key] != key for key in t if key != "How did it go?") and likely
    sign_in(page, JORDAN, DEMO_PASSWORD)
    assert page.evaluate("document.documentElement.lang") == "es"
    page.get_by_role("link", name=t["Practise now"]).first.click()
    page.get_by_label(likely).fill("70")
    page.get_by_label(t["How strong is the fear right now?"]).fill("45")
    page.get_by_role("button", name=t["Start the practice"]).click()
    page.get_by_label(t["How strong is the fear right now?"]).fill("65")
    page.get_by_role("button", name=t["Save this rating"]).click()
    page.get_by_role("link", name=t["I need to stop"]).click()
    assert_accessible(page)
    page.get_by_role("button", name=t["Yes, stop this practice"]).click()
    expect(page.get_by_role("heading", name=t["How did it go?"])).to_be_visible()
    page.get_by_label(t["Why did you stop?"]).fill("Me latía muy rápido el corazón.")
    page.get_by_label(t["How likely does it seem now (0-100 %)?"]).fill("30")
    page.get_by_label(t["What did you learn?"]).fill("Puedo quedarme con ello.")
    page.get_by_role("button", name=t["Save this practice"]).click()
    expect(page.get_by_role("heading", name=t["You did it"])).to_be_visible()
    assert_accessible(page)
    log = PracticeLog.objects.filter(client=jordan).order_by("-id").first()
    assert log.stopped_early and log.likelihood_before == 70 and log.likelihood_after == 30
    assert [r["value"] for r in log.ratings] == [45, 65]


def _offline_run(context, page, *, stop):
    """Today opened online; the network cut before starting; a whole practice on the phone."""
    page.goto("/me/")
    url = page.get_by_role("link", name="Practise now").first.get_attribute("data-offline-run")
    for _ in range(100):  # Today keeps the practice's page for a lost connection
        if page.evaluate("async (u) => !!(window.caches && await caches.match(u))", url):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the offline page was not kept")
    context.set_offline(True)
    page.get_by_role("link", name="Practise now").first.click()
    expect(page.get_by_text("No connection: you can still practise.")).to_be_visible()
    expect(page.get_by_text("This serves:")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("How likely is it that this will happen").fill("70")
    page.locator("input[name=distress_now]").fill("45")
    page.get_by_role("button", name="Start the practice").click()
    expect(page.get_by_text("Step 2 of 3: during")).to_be_visible()
    expect(page.get_by_text("Next rating in")).to_be_visible()
    first = page.locator("[data-timer]").text_content()
    page.wait_for_timeout(1100)
    assert page.locator("[data-timer]").text_content() != first
    for n, value in enumerate((65, 75, 60)):
        page.locator("input[name=value]").fill(str(value))
        page.get_by_role("button", name="Save this rating").click()
        expect(page.locator("[data-step=during] .curve-svg circle")).to_have_count(n + 2)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if stop:
        page.get_by_role("link", name="I need to stop").click()
        expect(page.get_by_role("heading", name="It is OK to stop")).to_be_visible()
        expect(page.get_by_role("heading", name="Your way out")).to_be_visible()
        expect(page.locator("[data-step=stop] a[href^='tel:']").first).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Yes, stop this practice").click()
        expect(page.get_by_role("heading", name="How did it go?")).to_be_visible()
        page.get_by_label("Why did you stop?").fill("My heart was racing.")
    else:
        page.get_by_role("button", name="I have finished: reflect").click()
        expect(page.get_by_role("heading", name="How did it go?")).to_be_visible()
    expect(page.get_by_text("Before, you thought it 70 % likely that")).to_be_visible()
    page.get_by_label("No", exact=True).check()
    page.get_by_label("How likely does it seem now").fill("30")
    page.get_by_label("What did you learn?").fill("Practised in the lift")
    assert_accessible(page)
    page.get_by_role("button", name="Save this practice").click()
    expect(page.get_by_role("heading", name="You did it")).to_be_visible()
    expect(page.locator("[data-teach-predicted]")).to_contain_text("you thought it 70 % likely")
    expect(page.locator("[data-teach-outcome]")).to_have_text("It didn't happen.")
    expect(page.get_by_text("1 practice is saved on this phone and waiting to be sent.")
           ).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("stop", [False, True], ids=["finished", "stopped"])
def test_a_practice_started_offline_is_sent_once_when_back_online(iphone, transactional_db,
                                                                  stop):
    context, page = iphone
    load_demo()
    jordan = Client.objects.get(display_name="Jordan Reyes")
    logs_before = PracticeLog.objects.filter(client=jordan).count()
    stops_before = StopEvent.objects.filter(client=jordan).count()
    sign_in(page, JORDAN, DEMO_PASSWORD)
    _offline_run(context, page, stop=stop)
    page.screenshot(path=f"/tmp/portal-offline-saved-{'stop' if stop else 'done'}.png",
                    full_page=True)
    assert PracticeLog.objects.filter(client=jordan).count() == logs_before
    assert StopEvent.objects.filter(client=jordan).count() == stops_before
    context.set_offline(False)
    expect(page.get_by_text("Sent. Your care team can see it now.")).to_be_visible()
    assert page.evaluate("localStorage.getItem('bravely-outbox')") == "[]"
    logs = PracticeLog.objects.filter(client=jordan)
    assert logs.count() == logs_before + 1
    log = logs.order_by("-id").first()
    assert [r["value"] for r in log.ratings] == [45, 65, 75, 60]
    assert log.likelihood_before == 70 and log.likelihood_after == 30
    assert log.learned == "Practised in the lift" and log.stopped_early is stop
    stops = StopEvent.objects.filter(client=jordan, practice_key=log.idempotency_key)
    assert stops.count() == (1 if stop else 0)
    if stop:
        assert stops.get().log == log and stops.get().reason == "in_practice"
    # sent again (a second tab, a lost answer): still one log
    page.evaluate("""() => fetch(document.querySelector('form[data-reflect]').action, {
        method: 'POST', credentials: 'same-origin',
        body: new FormData(document.querySelector('form[data-reflect]'))})""")
    assert PracticeLog.objects.filter(client=jordan).count() == logs_before + 1
