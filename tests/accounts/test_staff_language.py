"""A staff member chooses the language of their own pages in /settings/ (User.language); it is kept
in the session at sign-in and on the change, and applied on every staff page. A client's own
choice (on their record, and under More) is theirs and is not changed by it."""

from django.utils import translation

from bravely.audit.models import AuditEvent
from tests.factories import signed_in


def _es(text):
    with translation.override("es"):
        return translation.gettext(text)


def test_a_staff_member_who_chooses_spanish_gets_spanish_staff_pages(alice, client_record):
    http = signed_in(alice)
    assert 'lang="en"' in http.get("/clients/").content.decode()
    response = http.post("/settings/", {"language": "es"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "es"
    assert AuditEvent.objects.filter(object_type="user", object_id=str(alice.pk),
                                     action="update").exists()
    for path in ("/clients/", f"/clients/{client_record.pk}/", "/attention/", "/settings/"):
        page = http.get(path, headers={"Accept-Language": "en"}).content.decode()
        assert 'lang="es"' in page, path
        assert _es("Caseload") in page and _es("Caseload") != "Caseload", path
    # a new sign-in, another browser, no cookie: still Spanish
    fresh = signed_in(alice)
    assert 'lang="es"' in fresh.get("/clients/", headers={"Accept-Language": "en"}).content.decode()
    # back to the browser's language
    fresh.post("/settings/", {"language": ""})
    alice.refresh_from_db()
    assert alice.language == ""
    assert 'lang="en"' in fresh.get("/clients/", headers={"Accept-Language": "en"}).content.decode()


def test_dates_follow_the_chosen_language(alice):
    from django.template import Context, Template

    http = signed_in(alice)
    http.post("/settings/", {"language": "es"})
    page = http.get("/settings/").content.decode()
    assert _es("Your settings") in page and _es("Your settings") != "Your settings"
    with translation.override("es"):
        assert Template('{{ d|date:"j M" }}').render(Context({"d": __import__(
            "datetime").date(2026, 4, 2)})) == "2 Abr"


def test_a_language_not_offered_is_refused_naming_the_field(alice):
    http = signed_in(alice)
    response = http.post("/settings/", {"language": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    alice.refresh_from_db()
    assert alice.language == ""
    assert http.post("/settings/", {"language": "es\x00"}).status_code == 400


def test_the_clients_own_language_still_applies(alice, jordan, planned):
    from bravely.portal.models import ClientAccount

    signed_in(alice).post("/settings/", {"language": "es"})
    portal = signed_in(jordan)
    assert 'lang="en"' in portal.get("/me/", headers={"Accept-Language": "en"}).content.decode()
    ClientAccount.objects.filter(user=jordan).update(language="es")
    fresh = type(jordan).objects.get(pk=jordan.pk)  # as a new sign-in reads it
    assert 'lang="es"' in signed_in(fresh).get("/me/").content.decode()
    portal.post("/me/more/", {"language": "en"})
    assert 'lang="en"' in portal.get("/me/").content.decode()
    assert ClientAccount.objects.get(user=jordan).language == "en"
    # and the staff member's choice is untouched by it
    alice = type(alice).objects.get(pk=alice.pk)
    assert 'lang="es"' in signed_in(alice).get("/clients/").content.decode()


def test_a_client_has_no_staff_settings(portal):
    assert portal.get("/settings/").status_code == 404
