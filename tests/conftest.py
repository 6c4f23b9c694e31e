"""Shared fixtures. The cast, as in healthchecks' tests:

- alice: clinician at Riverside, on the care team of `client` (she can read and change it);
- bob: clinician at Riverside, not on that care team (client is a 404 for him);
- charlie: clinician at another practice (everything at Riverside is a 404 for him);
- ruth: supervisor at Riverside who supervises alice (reads alice's clients, cannot change them);
- dana: practice admin at Riverside (members and audit log; no client records of her own).
"""

import pytest

from bravely.accounts.models import Membership, Practice, Role, User
from bravely.audit.services import Actor
from bravely.clients import services as client_services

PASSWORD = "correct horse battery staple"


def make_member(email, practice, role, supervisor=None, name=""):
    user = User.objects.create_user(email, PASSWORD, full_name=name or email.split("@")[0].title())
    Membership.objects.create(user=user, practice=practice, role=role, supervisor=supervisor)
    return user


@pytest.fixture
def practice(db):
    practice = Practice.objects.create(name="Riverside", require_clinician_2fa=False)
    client_services.seed_consent_items(practice)
    return practice


@pytest.fixture
def other_practice(db):
    return Practice.objects.create(name="Elsewhere", require_clinician_2fa=False)


@pytest.fixture
def ruth(practice):
    return make_member("ruth@example.org", practice, Role.SUPERVISOR)


@pytest.fixture
def alice(practice, ruth):
    return make_member("alice@example.org", practice, Role.CLINICIAN, supervisor=ruth.membership)


@pytest.fixture
def bob(practice):
    return make_member("bob@example.org", practice, Role.CLINICIAN)


@pytest.fixture
def charlie(other_practice):
    return make_member("charlie@example.org", other_practice, Role.CLINICIAN)


@pytest.fixture
def dana(practice):
    return make_member("dana@example.org", practice, Role.ADMIN)


@pytest.fixture
def actor(alice):
    return Actor(alice, "127.0.0.1")


@pytest.fixture
def client_record(practice, alice, actor):
    """Alice's client, with consent to exposure treatment given."""
    client = client_services.create_client(actor, practice, {
        "display_name": "Jordan Reyes", "primary_clinician": alice, "status": "active",
        "region": "US",
    })
    client_services.record_consent(actor, client, decision="given",
                                   items=practice.consent_items.all())
    return client


@pytest.fixture
def everyone(alice, bob, charlie, ruth, dana):
    return {"alice": alice, "bob": bob, "charlie": charlie, "ruth": ruth, "dana": dana}


@pytest.fixture
def planned(client_record, actor, practice):
    """client_record with values, safety parameters (ceiling 70, coping 50 on 0-100), an active
    inhibitory-learning plan of three rungs linked to a value, and homework on the first rung.
    Built through the planning services, as a clinician would."""
    from datetime import timedelta
    from types import SimpleNamespace

    from django.utils import timezone

    from bravely.planning import services as planning
    from bravely.planning.models import CrisisResource

    CrisisResource.objects.create(practice=practice, region="US", name="Example US crisis line",
                                  contact="Call 000-000", needs_verification=True)
    planning.seed_value_domains(practice)
    domain = practice.value_domains.first()
    assessment = planning.create_assessment(actor, client_record, ratings=[(domain, 9, 3)])
    statement = planning.add_statement(actor, client_record, assessment, domain=domain,
                                       text="Be there for my friends", rank=1)
    safety = planning.create_safety_version(actor, client_record, {
        "distress_ceiling": 70, "coping_level": 50,
        "exit_strategies": ["Step outside and breathe"],
        "coping_skills": [{"kind": "breathing", "description": "Slow breathing",
                           "allowed_during_exposure": True},
                          {"kind": "grounding", "description": "Counting objects",
                           "allowed_during_exposure": False}],
        "support_contacts": [{"name": "Sam", "relationship": "friend", "contact": "555 0100"}],
    })
    plan = planning.create_plan(actor, client_record, {
        "title": "Social anxiety", "approach": "inhibitory_learning", "status": "active"})
    rungs = [
        planning.add_rung(actor, plan, {
            "behaviour": behaviour, "predicted_distress": distress,
            "feared_outcome": "They will laugh at me", "feared_likelihood": 80,
            "safety_behaviours": "Looking at my phone\nRehearsing sentences"}, [statement])
        for behaviour, distress in [("Say hello to a colleague", 35),
                                    ("Ask a question in a meeting", 50),
                                    ("Join a lunch table", 60)]
    ]
    today = timezone.localdate()
    assignment = planning.assign_homework(actor, rungs[0], {
        "frequency_per_week": 3, "starts_on": today - timedelta(days=3),
        "ends_on": today + timedelta(days=11), "instructions": "Say hello and stay",
        "agreed_with_client": True})
    for rung in rungs:
        rung.refresh_from_db()
    return SimpleNamespace(client=client_record, statement=statement, safety=safety, plan=plan,
                           rungs=rungs, assignment=assignment)


@pytest.fixture
def jordan(client_record):
    """The client behind client_record, signed up to the portal."""
    from bravely.portal.models import ClientAccount

    user = User.objects.create_user("jordan@example.org", PASSWORD, full_name="Jordan Reyes")
    ClientAccount.objects.create(client=client_record, user=user)
    return user


@pytest.fixture
def portal(jordan):
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(jordan)
    return http


# Browser tests: Playwright for Python driving Debian's Chromium against a live server. Browser
# downloads are not possible here, so Playwright launches /usr/bin/chromium. Without it the tests
# skip locally and fail in CI (CI=true), where .ci/run installs it first. One browser per run.


def pytest_collection_modifyitems(items):
    for item in items:
        if {"browser", "page", "phone"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    import os

    from tests.browser_support import ARGS, CHROMIUM

    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must run the browser tests.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
    # still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context, page = _new_page(browser, live_server, viewport={"width": 360, "height": 740},
                              is_mobile=True, has_touch=True)
    yield page
    context.close()
