"""In Chromium, as the demo clinician: values, safety, a five-rung ladder linked to values, a
pace decision and homework with a signed rationale; axe-core finds nothing serious on any page.
Reordering is checked both with htmx (focus stays on the button) and the no-JavaScript path is
covered in test_plans.py."""

import re

import pytest
from playwright.sync_api import expect

from bravely.audit.services import verify_chain
from bravely.clients.models import Client
from bravely.planning.models import (
    HomeworkAssignment,
    PaceDecision,
    Rationale,
    SafetyParameters,
    ValuesAssessment,
)
from bravely.site.demo import DEMO_PASSWORD, load_demo
from tests.browser_support import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_clinician_takes_a_new_client_from_values_to_homework(page, transactional_db):
    load_demo()
    tom = Client.objects.get(display_name="Tom Becker")
    sign_in(page, "maya.chen@riverside.example", DEMO_PASSWORD)

    page.goto(f"/clients/{tom.pk}/planning/")
    expect(page.get_by_role("heading", name="Planning with Tom Becker")).to_be_visible()
    assert_accessible(page)

    # 1. values (the demo has Tom's first assessment: the path shows values done, so a new
    # assessment is made from the values page)
    page.get_by_role("link", name="Values and goals").first.click()
    page.get_by_role("link", name="New values assessment").first.click()
    assert_accessible(page)
    page.get_by_label("Work: importance (1-10)").fill("9")
    page.get_by_label("Work: consistency (1-10)").fill("3")
    page.get_by_label("Family: importance (1-10)").fill("8")
    page.get_by_label("Family: consistency (1-10)").fill("11")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("Family: consistency")
    assert_accessible(page)
    page.get_by_label("Family: consistency (1-10)").fill("5")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("heading", name=re.compile("Values assessment of"))).to_be_visible()
    expect(page.get_by_role("cell", name="27", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Domain").select_option(label="Work")
    page.get_by_role("textbox", name="In the client's words").fill(
        "Travelling to work on my own again")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Value statement added.")).to_be_visible()
    page.goto(f"/clients/{tom.pk}/values/")
    assert_accessible(page)

    # 2. safety parameters, acknowledged; consent for exposure treatment
    page.goto(f"/clients/{tom.pk}/safety/")
    assert_accessible(page)
    page.get_by_role("link", name="Agree safety parameters").click()
    assert_accessible(page)
    page.get_by_label("Distress ceiling (stop the practice)").fill("60")
    page.get_by_label("Use-my-coping-plan level (optional)").fill("70")
    page.get_by_label("Exit strategies and escape routes").fill("Get off at the next stop\n"
                                                                "Call my wife")
    page.get_by_role("button", name="Save new version").click()
    expect(page.get_by_role("alert")).to_contain_text("must be above")
    page.get_by_label("Distress ceiling (stop the practice)").fill("80")
    page.get_by_label("Use-my-coping-plan level (optional)").fill("60")
    page.get_by_label("Coping skill").first.select_option("breathing")
    page.get_by_role("button", name="Save new version").click()
    expect(page.get_by_text("Safety parameters saved as a new version.")).to_be_visible()
    page.get_by_role("button", name="Record the client's acknowledgement").click()
    expect(page.get_by_text("Acknowledgement recorded.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/clients/{tom.pk}/consent/")
    page.get_by_label("Consent given").check()
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Record").click()

    # 3. a plan and a five-rung ladder linked to the value
    page.goto(f"/clients/{tom.pk}/plans/new/")
    assert_accessible(page)
    page.get_by_label("Target problem").fill("Panic on public transport")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Panic on public transport"))
           ).to_be_visible()
    for n, predicted in enumerate((30, 40, 50, 60, 70), start=1):
        page.get_by_role("link", name="Add a rung").click()
        if n == 1:
            assert_accessible(page)
        page.get_by_label("Observable behaviour").fill(f"Bus step {n}")
        page.get_by_role("checkbox", name="Travelling to work on my own again (Work)").check()
        page.get_by_label("Predicted distress").fill(str(predicted))
        page.get_by_label("Likelihood of the feared outcome (%)").fill("60")
        page.get_by_role("button", name="Save rung").click()
        expect(page.get_by_text("Rung added to the ladder.")).to_be_visible()
    expect(page.get_by_text("The ladder has 5 rungs")).to_be_visible()
    assert_accessible(page)

    # reorder with htmx: the ladder is swapped in place and focus stays on the button
    page.get_by_role("button", name="Move down: rung 1").click()
    expect(page.locator("#ladder-status")).to_contain_text("“Bus step 1” is now rung 2")
    expect(page.get_by_role("button", name="Move down: rung 2")).to_be_focused()
    rows = page.locator("#ladder tbody tr th")
    expect(rows.nth(0)).to_contain_text("Bus step 2")
    # htmx settles (processes the swapped-in forms) 20 ms after the swap; a key pressed sooner
    # takes the no-JavaScript path, which also works but reloads the page.
    expect(page.locator("#ladder")).not_to_have_class(re.compile("htmx-settling"))
    page.keyboard.press("Enter")  # keyboard only: move it down once more
    expect(page.locator("#ladder-status")).to_contain_text("is now rung 3")
    assert_accessible(page)
    page.reload()
    expect(page.locator("#ladder tbody tr th").nth(2)).to_contain_text("Bus step 1")

    # 4. pace, decided together
    page.get_by_role("link", name="Decide pace with the client").click()
    assert_accessible(page)
    page.get_by_label("Steady", exact=True).check()
    page.get_by_label("The client's reasons, in their words").fill("Once a week fits my job")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("The client chose “Steady”")).to_be_visible()

    # 5. homework and a signed rationale
    page.get_by_role("link", name="Assign homework: rung 1").click()
    assert_accessible(page)
    expect(page.get_by_label("Practices per week")).to_have_value("5")
    page.get_by_label("Instructions").fill("Ride the bus two stops and stay on.")
    page.get_by_label("The client agreed to this practice").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("heading", name="Review and sign the rationale")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign the rationale").click()
    expect(page.get_by_text("Rationale signed.")).to_be_visible()
    assert_accessible(page)

    assert ValuesAssessment.objects.filter(client=tom).count() == 2
    assert SafetyParameters.objects.get(client=tom).acknowledgements.count() == 1
    assert PaceDecision.objects.get(plan__client=tom).chosen == "steady"
    assignment = HomeworkAssignment.objects.get(client=tom)
    assert assignment.frequency_per_week == 5 and assignment.rung.behaviour == "Bus step 2"
    assert "Travelling to work on my own again" in Rationale.objects.get(assignment=assignment).text
    assert verify_chain()[1] is None


def test_demo_ladder_pages_are_accessible(page, transactional_db):
    load_demo()
    priya = Client.objects.get(display_name="Priya Nair")
    sign_in(page, "maya.chen@riverside.example", DEMO_PASSWORD)
    plan = priya.exposure_plans.get()
    for path in (f"/clients/{priya.pk}/plans/{plan.pk}/", f"/clients/{priya.pk}/safety/",
                 f"/clients/{priya.pk}/plans/{plan.pk}/history/",
                 f"/clients/{priya.pk}/values/"):
        page.goto(path)
        assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "dana.okafor@riverside.example", DEMO_PASSWORD)
    for path in ("/practice/crisis-resources/", "/practice/value-domains/",
                 "/practice/planning/"):
        page.goto(path)
        assert_accessible(page)


def test_a_new_clinician_takes_a_new_client_along_the_path_to_homework(page, transactional_db):
    """From the checklist on the client record: one click per step to its form, and each form
    returns to the path, which then highlights the next step."""
    from bravely.accounts.models import User
    from bravely.audit.services import Actor
    from bravely.clients import services as client_services

    load_demo()
    maya = User.objects.get(email="maya.chen@riverside.example")
    nina = client_services.create_client(Actor(maya), maya.membership.practice, {
        "display_name": "Nina New", "primary_clinician": maya, "status": "intake",
        "region": "US", "distress_scale": "suds100"})
    sign_in(page, "maya.chen@riverside.example", DEMO_PASSWORD)
    page.goto(f"/clients/{nina.pk}/")
    path = page.locator("#path")

    def next_step(action):
        """The highlighted step's link: exactly one next step, and it is this one."""
        expect(path.locator("[aria-current=step]")).to_have_count(1)
        path.locator("[aria-current=step]").get_by_role("link", name=action).click()

    def back_on_path(done):
        expect(page.get_by_role("heading", name=re.compile("Treatment path"))).to_contain_text(
            f"{done} of 8 done")
        assert_accessible(page)

    assert_accessible(page)
    next_step("Record consent")
    page.get_by_label("Consent given").check()
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Record").click()
    back_on_path(1)

    next_step("New values assessment")
    page.get_by_label("Work: importance (1-10)").fill("9")
    page.get_by_label("Work: consistency (1-10)").fill("3")
    page.get_by_role("button", name="Save assessment").click()
    back_on_path(1)
    next_step("Add a value statement")
    page.get_by_label("Domain").select_option(label="Work")
    page.get_by_role("textbox", name="In the client's words").fill("Getting to work on my own")
    page.get_by_role("button", name="Save").click()
    back_on_path(2)

    next_step("Agree safety parameters")
    page.get_by_label("Distress ceiling (stop the practice)").fill("80")
    page.get_by_label("Use-my-coping-plan level (optional)").fill("60")
    page.get_by_label("Exit strategies and escape routes").fill("Get off at the next stop")
    page.get_by_label("Coping skill").first.select_option("breathing")
    page.get_by_label("Allowed during exposures").first.check()
    page.get_by_role("button", name="Save new version").click()
    back_on_path(2)
    next_step("Record the acknowledgement")
    page.get_by_role("button", name="Record the client's acknowledgement").click()
    back_on_path(3)

    next_step("Screen readiness")
    for radio in page.get_by_role("radio", name="No", exact=True).all():
        radio.check()
    page.get_by_role("button", name="Save").click()
    back_on_path(4)

    next_step("New exposure plan")
    page.get_by_label("Target problem").fill("Panic on public transport")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save").click()
    back_on_path(4)
    next_step("Add a rung")
    page.get_by_label("Observable behaviour").fill("Ride the bus two stops")
    page.get_by_role("checkbox", name="Getting to work on my own (Work)").check()
    page.get_by_label("Predicted distress").fill("40")
    page.get_by_label("Likelihood of the feared outcome (%)").fill("60")
    page.get_by_role("button", name="Save rung").click()
    back_on_path(5)

    next_step("Decide pace with the client")
    page.get_by_label("Steady", exact=True).check()
    page.get_by_label("The client's reasons, in their words").fill("Once a week fits my job")
    page.get_by_role("button", name="Record decision").click()
    back_on_path(6)

    next_step("Assign homework: Ride the bus two stops")
    expect(page.get_by_role("heading", name="Checks before assigning")).to_have_count(0)
    page.get_by_label("Instructions").fill("Ride the bus two stops and stay on.")
    page.get_by_label("The client agreed to this practice").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("heading", name="Review and sign the rationale")).to_be_visible()
    page.get_by_role("button", name="Sign the rationale").click()
    back_on_path(7)
    expect(path.locator("[aria-current=step]")).to_contain_text("Portal invitation")

    assignment = HomeworkAssignment.objects.get(client=nina)
    assert assignment.override_reason == "" and assignment.rationales.count() == 1
    assert verify_chain()[1] is None
