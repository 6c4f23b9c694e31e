"""Outcome measures end to end: the demo client resumes a half-completed PHQ-9 on a phone, one
question per screen (a risk answer shows support at once), sends it, and the clinician sees
the score and its reliable-change label."""

from playwright.sync_api import expect

from bravely.clients.models import Client
from bravely.measures.models import Administration
from bravely.practice.models import RiskAlert
from bravely.site.demo import DEMO_PASSWORD, load_demo
from tests.browser_support import assert_accessible, sign_in


def test_client_completes_a_measure_on_a_phone(phone, page, live_server, transactional_db):
    load_demo()
    jordan = Client.objects.get(display_name="Jordan Reyes")
    started = jordan.administrations.get(status="in_progress")

    sign_in(phone, "jordan.reyes@riverside.example", DEMO_PASSWORD)
    phone.get_by_role("link", name="A short questionnaire is waiting for you.").click()
    expect(phone.get_by_role("heading", name="Questionnaires")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("link", name="Carry on").click()
    # resumed where it was left: three answers were kept
    expect(phone.get_by_text("Question 4 of 9", exact=True)).to_be_visible()
    assert_accessible(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    phone.get_by_role("button", name="Next").click()  # nothing chosen: asked again
    expect(phone.locator("#value_error")).to_have_text("Choose one answer.")
    for number in range(4, 10):
        expect(phone.get_by_text(f"Question {number} of 9", exact=True)).to_be_visible()
        answer = "[Demo] a little" if number == 9 else "[Demo] quite a lot"
        phone.get_by_label(answer).check()
        phone.get_by_role("button", name="Next").click()
    # item 9 above 0: support at once, the care team told
    expect(phone.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    assert_accessible(phone)
    assert RiskAlert.objects.filter(client=jordan, source="measure", closed_at=None).exists()
    phone.get_by_role("link", name="Carry on with the questions").click()
    expect(phone.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("button", name="Send to my care team").click()
    expect(phone.get_by_text("Your answers were sent to your care team.")).to_be_visible()
    started.refresh_from_db()
    assert started.status == Administration.Status.SUBMITTED
    assert started.total == 1 + 1 + 0 + 2 * 5 + 1  # the three kept, five at 2, item 9 at 1

    sign_in(page, "maya.chen@riverside.example", DEMO_PASSWORD)
    page.goto(f"/clients/{jordan.pk}/measures/")
    row = page.get_by_role("row").filter(has_text=started.completed_on.isoformat())
    expect(row).to_contain_text("13")
    expect(row).to_contain_text("no reliable change")  # 16 -> 13
    expect(page.get_by_role("heading", name="Open risk alerts")).to_be_visible()
    assert_accessible(page)
