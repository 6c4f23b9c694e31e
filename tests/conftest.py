"""Shared fixtures; what they build comes from tests/factories.py. The cast, as in healthchecks'
tests:

- alice: clinician at Riverside, on the care team of `client` (she can read and change it);
- bob: clinician at Riverside, not on that care team (client is a 404 for him);
- charlie: clinician at another practice (everything at Riverside is a 404 for him);
- ruth: supervisor at Riverside who supervises alice (reads alice's clients, cannot change them);
- dana: practice admin at Riverside (members and audit log; no client records of her own).
"""

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test import testcases
from hypothesis import HealthCheck, settings

from bravely.accounts.models import Role, User
from bravely.audit.services import Actor
from bravely.clients import services as client_services
from tests.factories import PASSWORD, make_member, make_planned, make_practice, signed_in

# The properties check what the rules do, not how fast examples come: on a loaded two-core CI
# machine (xdist workers, browser tests) Hypothesis's timing checks fail for no fault of the code.
settings.register_profile("bravely", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("bravely")


class _OneRequestAtATime(WSGIServer):
    """The browser tests' live server answers one request at a time. On SQLite the test
    database lives in memory on one connection shared with the server's threads, and two
    requests at once (a page and the portal's service worker) were seen to hang there for
    good; a browser waits its turn instead."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


testcases.LiveServerThread.server_class = _OneRequestAtATime


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in the default language: a request through the test client
    leaves the language its middleware chose active in this thread (a Spanish client's portal
    page, say), which the next test on this worker would otherwise inherit."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def practice(db):
    return make_practice("Riverside")


@pytest.fixture
def other_practice(db):
    return make_practice("Elsewhere", seed_consent=False)


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
    inhibitory-learning plan of three rungs linked to a value, and homework on the first rung
    (see factories.make_planned)."""
    return make_planned(actor, client_record, practice)


@pytest.fixture
def jordan(client_record):
    """The client behind client_record, signed up to the portal."""
    from bravely.portal.models import ClientAccount

    user = User.objects.create_user("jordan@example.org", PASSWORD, full_name="Jordan Reyes")
    ClientAccount.objects.create(client=client_record, user=user)
    return user


@pytest.fixture
def portal(jordan):
    return signed_in(jordan)


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
