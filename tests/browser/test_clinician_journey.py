from playwright.sync_api import expect

from bravely.audit.models import AuditEvent
from bravely.audit.services import verify_chain
from bravely.clients.models import Client
from bravely.site.demo import DEMO_PASSWORD, load_demo
from tests.browser_support import assert_accessible, sign_in


def test_demo_clinician_signs_in_opens_caseload_and_client(page, transactional_db):
    load_demo()
    page.goto("/accounts/login/")
    assert_accessible(page)
    sign_in(page, "maya.chen@riverside.example", DEMO_PASSWORD)

    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    expect(page.get_by_role("link", name="Jordan Reyes")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Jordan Reyes").click()
    expect(page.get_by_role("heading", name="Jordan Reyes")).to_be_visible()
    expect(page.get_by_text("Consent given").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Edit record").click()
    assert_accessible(page)
    page.get_by_label("Pronouns").fill("they/he")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()

    jordan = Client.objects.get(display_name="Jordan Reyes")
    assert jordan.pronouns == "they/he"
    mine = AuditEvent.objects.filter(actor__email="maya.chen@riverside.example", via="web")
    assert mine.filter(action="view", object_type="caseload").exists()
    assert mine.filter(action="view", client_id=jordan.pk).count() >= 2
    update = mine.get(action="update", client_id=jordan.pk)
    assert "pronouns" in update.details["changed"]
    assert verify_chain()[1] is None


def test_bad_input_shows_messages_naming_fields(page, transactional_db):
    load_demo()
    sign_in(page, "maya.chen@riverside.example", DEMO_PASSWORD)
    page.goto("/clients/new/")
    page.get_by_label("Display name").fill("")
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_label("Region").fill("usa")
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Display name")
    expect(summary).to_contain_text("Date of birth")
    expect(summary).to_contain_text("Region")
    assert_accessible(page)
    assert not Client.objects.filter(date_of_birth__year=2999).exists()


def test_practice_admin_sees_audit_log(page, transactional_db):
    load_demo()
    sign_in(page, "dana.okafor@riverside.example", DEMO_PASSWORD)
    page.goto("/practice/audit/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.get_by_role("cell", name="maya.chen@riverside.example").first).to_be_visible()
    assert_accessible(page)
    page.goto("/practice/members/")
    assert_accessible(page)
