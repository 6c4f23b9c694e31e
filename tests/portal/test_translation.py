"""The portal in a second language (Spanish): every template string is marked for translation,
every string of the portal and the staff pages has a Spanish translation, the compiled catalogue
in the package matches its source, and a client who chooses Español gets the portal in Spanish
(what people wrote themselves, such as a rung or a value, stays as they wrote it)."""

import json
import pathlib
import re
import shutil
import subprocess

import pytest

import bravely

SRC = pathlib.Path(bravely.__file__).parent
TEMPLATES = SRC / "templates"
PO = SRC / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# The files whose strings a client or support person sees (and the pages every person sees).
PORTAL = ("templates/portal/", "portal/", "templates/base.html", "templates/includes/",
          "templates/account/login.html", "templates/404.html", "templates/500.html",
          "templates/site/", "practice/forms.py", "practice/services.py", "practice/models.py",
          "planning/models/safety.py", "clinical/scales.py")


def unmarked_text(source: str) -> list[str]:
    """Words in a template outside {% translate %}, {% blocktranslate %}, variables and tags:
    text a person would read that gettext never sees."""
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", " ", text, flags=re.S)
    text = re.sub(r"\{%\s*blocktranslate.*?\{%\s*endblocktranslate\s*%\}", " ", text, flags=re.S)
    text = re.sub(r"\{%\s*block (body_class|brand)\s*%\}.*?\{%\s*endblock\s*%\}", " ", text)
    text = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    found = []
    for match in re.finditer(r'\b(aria-label|title|placeholder|alt|data-[a-z-]+)="([^"]*)"', text):
        value = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", match.group(2))
        if match.group(1).startswith("data-") and not re.search(r"[a-z] [a-z]", value):
            continue  # a key or a URL, not a sentence
        if re.search(r"[A-Za-z]{2,}", value):
            found.append(match.group(0))
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    found += [w for w in re.findall(r"\S*[A-Za-z]{2,}\S*", text) if w.strip(".,:;()") != "Bravely"]
    return found


def test_the_scanner_finds_unmarked_text():
    assert unmarked_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert unmarked_text('<a aria-label="Main menu">{% translate "Go" %}</a>') == [
        'aria-label="Main menu"']
    assert unmarked_text("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %} · 3 %") == []


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_string_is_left_unmarked(path):
    assert unmarked_text(path.read_text(encoding="utf-8")) == []


def _catalogue():
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        def grab(tag, block=block):
            match = re.search(r"^" + re.escape(tag) + r" ((?:\".*\"\n?)+)", block + "\n", re.M)
            return None if match is None else "".join(
                json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', match.group(1)))
        msgid = grab("msgid")
        if not msgid:
            continue
        refs = " ".join(re.findall(r"^#: (.*)$", block, re.M)).split()
        strs = [grab("msgstr")] if grab("msgid_plural") is None else [
            grab(f"msgstr[{n}]") for n in range(3)]
        entries.append({"msgid": msgid, "refs": refs, "msgstr": strs,
                        "fuzzy": "#, fuzzy" in block})
    return entries


def test_every_string_has_a_spanish_translation():
    """The whole catalogue, the portal's strings and the staff pages' alike."""
    entries = _catalogue()
    portal = [e for e in entries if any(ref.startswith(PORTAL) for ref in e["refs"])]
    assert len(portal) > 300 and len(entries) > 1400
    missing = [e["msgid"] for e in entries if e["fuzzy"] or not all(e["msgstr"])]
    assert missing == []


def test_every_string_in_the_portal_templates_is_in_the_catalogue():
    """Catches a string added to a portal template without running makemessages."""
    known = {e["msgid"] for e in _catalogue()}
    missing = []
    for path in (TEMPLATES / "portal").glob("*.html"):
        for match in re.finditer(r"""\{%\s*translate\s+(["'])(.*?)\1""",
                                 path.read_text(encoding="utf-8")):
            if match.group(2).replace("%", "%%") not in known and match.group(2) not in known:
                missing.append(f"{path.name}: {match.group(2)}")
    assert missing == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_the_compiled_catalogue_matches_its_source(tmp_path):
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(out), str(PO)], check=True)
    assert out.read_bytes() == MO.read_bytes(), (
        "run: cd src/bravely && django-admin compilemessages (or msgfmt -o ... django.po)")


def test_the_portal_renders_in_spanish(portal, planned, jordan):
    page = portal.get("/me/more/").content.decode()
    assert "Español" in page
    response = portal.post("/me/more/", {"language": "es"})
    assert response.status_code == 302
    jordan.client_account.refresh_from_db()
    assert jordan.client_account.language == "es"
    today = portal.get("/me/").content.decode()
    assert '<html lang="es">' in today
    assert "Hola, Jordan Reyes" in today and "Practicar ahora" in today
    assert "Necesito parar" in today and ">Hoy<" in today and ">Más<" in today
    assert "Say hello to a colleague" in today  # what the clinician and client wrote stays
    before = portal.get(f"/me/practise/{planned.assignment.pk}/").content.decode()
    assert "¿Qué probabilidad hay de que pase esto: «They will laugh at me»?" in before
    assert "Empezar la práctica" in before
    response = portal.post(f"/me/practise/{planned.assignment.pk}/",
                           {"likelihood_before": "60", "distress_now": "300"})
    assert "Usa un número entero del 0 al 100." in response.content.decode()
    stop = portal.get("/me/stop/").content.decode()
    assert "Está bien parar" in stop and "Tu salida" in stop
    # the choice is kept on the account: the next sign-in starts in Spanish too
    from tests.factories import signed_in

    again = signed_in(jordan)
    assert "Hola, Jordan Reyes" in again.get("/me/").content.decode()
    # an invalid choice names the field
    response = portal.post("/me/more/", {"language": "xx"})
    assert response.status_code == 200 and "language" in response.content.decode()


def test_a_staff_page_in_spanish_uses_the_same_catalogue(client, alice, practice):
    from tests.factories import signed_in

    http = signed_in(alice)
    response = http.get("/clients/", headers={"Accept-Language": "es"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saltar al contenido principal" in page and "Necesita atención" in page
    assert "Nuevo cliente" in page and '<html lang="es">' in page
