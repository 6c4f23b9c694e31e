from bravely.practice.models import JournalEntry


def test_today_lists_current_homework_and_progress(portal, planned):
    page = portal.get("/me/").content.decode()
    assert "Say hello to a colleague" in page and "0 of 3 practices this week" in page
    assert "check-in is due" in page


def test_my_ladder_shows_rungs_with_the_values_they_serve(portal, planned):
    page = portal.get("/me/ladder/").content.decode()
    assert page.count("Be there for my friends") == 3
    assert "Join a lunch table" in page


def test_my_values_in_the_clients_words(portal, planned):
    assert "Be there for my friends" in portal.get("/me/values/").content.decode()


def test_journal_entry_about_a_value(portal, planned):
    portal.post("/me/journal/", {"text": "Felt closer to Ana", "value": planned.statement.pk})
    entry = JournalEntry.objects.get()
    assert entry.value == planned.statement and entry.client == planned.client
    assert "Felt closer to Ana" in portal.get("/me/journal/").content.decode()


def test_journal_refuses_empty_text_and_foreign_values(portal, planned):
    page = portal.post("/me/journal/", {"text": ""})
    assert "text" in page.context["form"].errors
    page = portal.post("/me/journal/", {"text": "x", "value": planned.statement.pk + 99})
    assert "value" in page.context["form"].errors
    assert not JournalEntry.objects.exists()


def test_staff_never_reach_portal_pages_and_clients_never_reach_staff_pages(
        portal, planned, alice):
    from django.test import Client as HttpClient

    assert portal.get("/clients/").status_code == 404
    assert portal.get(f"/clients/{planned.client.pk}/").status_code == 404
    assert portal.get("/settings/api-tokens/").status_code == 404
    staff = HttpClient()
    staff.force_login(alice)
    assert staff.get("/me/").status_code == 404


def test_archived_client_loses_portal_access(portal, planned, actor):
    from bravely.clients.services import archive_client

    archive_client(actor, planned.client, "discharged")
    assert portal.get("/me/").status_code == 404


def test_client_rates_values_alone_in_the_portal(portal, planned, practice):
    from bravely.planning.models import ValuesAssessment

    domain = practice.value_domains.first()
    page = portal.post("/me/values/rate/", {f"importance_{domain.pk}": "11",
                                            f"consistency_{domain.pk}": "3"})
    assert f"importance_{domain.pk}" in page.context["form"].errors
    before = ValuesAssessment.objects.count()
    response = portal.post("/me/values/rate/", {f"importance_{domain.pk}": "8",
                                                f"consistency_{domain.pk}": "3"})
    assert response.url == "/me/values/"
    latest = ValuesAssessment.objects.order_by("-id").first()
    assert ValuesAssessment.objects.count() == before + 1 and latest.source == "portal"


def test_client_adds_a_value_in_their_own_words(portal, planned, practice):
    domain = practice.value_domains.first()
    portal.post("/me/values/new/", {"domain": domain.pk, "text": "Laugh with my family",
                                    "rank": 2})
    assert planned.client.value_statements.filter(text="Laugh with my family").exists()
    page = portal.post("/me/values/new/", {"domain": domain.pk, "text": "", "rank": 3})
    assert "text" in page.context["form"].errors
    html = portal.get("/me/values/new/").content.decode()
    assert "In your words" in html and "Choose an area of life" in html
    assert "client" not in html.split("<main", 1)[1].lower()  # spoken to, not about


def test_client_acknowledges_the_safety_plan_in_force(portal, planned):
    page = portal.get("/me/safety/").content.decode()
    assert "I stop a practice when my distress reaches 70" in page
    portal.post("/me/safety/", {"note": "Agreed"})
    # make_planned records the acknowledgement in session; the client's own one is added
    ack = planned.safety.acknowledgements.get(method="portal")
    assert ack.method == "portal" and ack.recorded_by.email == "jordan@example.org"
    assert "read and agreed" in portal.get("/me/safety/").content.decode()


def test_client_stops_sharing_with_a_support_person(portal, planned, actor, bob):
    from bravely.portal.models import SupportPerson

    support = SupportPerson.objects.create(
        client=planned.client, name="Ana", relationship="sister", email="ana@example.org",
        shares=["values"], consent_note="Agreed", recorded_by=actor.user)
    page = portal.get("/me/sharing/").content.decode()
    assert "Ana" in page and "The values the work serves" in page
    portal.post("/me/sharing/", {"support": support.pk})
    support.refresh_from_db()
    assert support.revoked_at is not None and support.revoked_by.email == "jordan@example.org"
    other = SupportPerson.objects.create(
        client=planned.client, name="X", relationship="y", email="x@example.org",
        shares=["values"], consent_note="ok", recorded_by=actor.user)
    assert portal.post("/me/sharing/", {"support": other.pk + 100}).status_code == 404
