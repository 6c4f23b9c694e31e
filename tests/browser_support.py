"""Helpers for the browser tests (the fixtures live in tests/conftest.py)."""

import os
import shutil
import time

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def assert_accessible(page):
    """axe-core finds no serious or critical violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in bad
    )


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def read_while_served(read, tries=50):
    """`read()` from the test while the live server may be writing: on SQLite the in-memory test
    database is shared with the server's thread, and a table it is writing is locked for the
    moment (no busy wait in shared-cache mode), so the read is tried again."""
    from django.db import OperationalError

    for attempt in range(tries):
        try:
            return read()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == tries - 1:
                raise
            time.sleep(0.05)
