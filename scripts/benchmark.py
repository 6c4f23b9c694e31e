"""Benchmark the busiest pages at growing caseloads: median time and query count per page.

Runs against a throwaway SQLite database (or DATABASE_URL if set; use a scratch database) and
prints a table. Query counts must not grow with the caseload; times should stay flat too.

    .venv/bin/python scripts/benchmark.py            # sizes 10, 100, 1000
    .venv/bin/python scripts/benchmark.py 50 500     # other sizes
"""

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("BRAVELY_DATA_DIR", tempfile.mkdtemp(prefix="bravely-bench-"))
os.environ.setdefault("DEBUG", "True")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bravely.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def build(n, practice, clinician):
    from bravely.clients.models import Client
    from bravely.practice.models import RiskAlert

    start = Client.objects.count()
    clients = Client.objects.bulk_create(
        Client(practice=practice, display_name=f"Bench {i:05}", primary_clinician=clinician,
               region="US", status="active") for i in range(start, n))
    Client.care_team.through.objects.bulk_create(
        Client.care_team.through(client_id=c.pk, user_id=clinician.pk) for c in clients)
    RiskAlert.objects.bulk_create(RiskAlert(client=c, source="check_in", raised_at=timezone.now())
                                  for c in clients[::10])


def measure(http, url, runs=7):
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = http.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def main(sizes):
    from bravely.accounts.models import Membership, Practice, User

    call_command("migrate", verbosity=0)
    practice = Practice.objects.create(name="Benchmark", require_clinician_2fa=False)
    clinician = User.objects.create_user("bench@example.org", "bench-password-123")
    Membership.objects.create(user=clinician, practice=practice, role="clinician")
    http = HttpClient()
    http.force_login(clinician)
    pages = ["/clients/", "/attention/", "/attention/?all=1"]
    print(f"{'clients':>8}  " + "  ".join(f"{p:>24}" for p in pages))
    for size in sizes:
        build(size, practice, clinician)
        cells = [measure(http, page) for page in pages]
        print(f"{size:>8}  " + "  ".join(f"{ms:>14.1f} ms {q:>3} q" for ms, q in cells))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 100, 1000])
