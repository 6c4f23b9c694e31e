"""Session notes in Chromium: axe-core finds nothing serious; the draft autosaves with htmx
(and its version follows, so the next save is not refused); signing freezes it."""

import pytest
from playwright.sync_api import expect

from bravely.records.models import SessionNote
from tests.browser_support import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_note_autosaves_and_signs(page, draft):
    sign_in(page, "alice@example.org", PASSWORD)
    page.goto(f"/clients/{draft.client.pk}/notes/{draft.pk}/")
    expect(page.get_by_role("heading", name="Facts from")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name="Assessment", exact=True).fill("Expectancy falling.")
    page.get_by_role("textbox", name="Plan", exact=True).click()
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved")
    expect(page.locator("#id_version")).to_have_value("2")
    page.get_by_role("textbox", name="Plan", exact=True).fill("Next rung.")
    page.get_by_role("textbox", name="Data", exact=True).click()
    expect(page.locator("#id_version")).to_have_value("3")
    note = SessionNote.objects.get(pk=draft.pk)
    assert (note.assessment, note.plan, note.version) == ("Expectancy falling.", "Next rung.", 3)
    page.get_by_role("button", name="Add the period's facts to the data").click()
    expect(page.get_by_text("The period's facts were added")).to_be_visible()
    page.get_by_role("button", name="Sign the note").click()
    expect(page.get_by_text("Note signed.")).to_be_visible()
    expect(page.get_by_text("The signed text is intact")).to_be_visible()
    assert_accessible(page)
    assert SessionNote.objects.get(pk=draft.pk).is_signed
