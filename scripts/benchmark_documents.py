"""Time the PDFs and exports of one client with a year of practice: median time and queries.

Loads the demo practice into a throwaway SQLite database (or DATABASE_URL if set; use a scratch
database), gives Jordan Reyes a practice log a day for a year (or the number of days given) and
renders each document and export a few times.

    .venv/bin/python scripts/benchmark_documents.py          # 365 days
    .venv/bin/python scripts/benchmark_documents.py 730
"""

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("BRAVELY_DATA_DIR", tempfile.mkdtemp(prefix="bravely-bench-docs-"))
os.environ.setdefault("DEBUG", "True")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bravely.settings")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def year_of_practice(client, days):
    from bravely.practice.models import PracticeLog

    template = client.practice_logs.order_by("id").first()
    now = timezone.now()
    PracticeLog.objects.bulk_create(
        PracticeLog(client=client, plan_id=template.plan_id, rung_id=template.rung_id,
                    entered_by_id=template.entered_by_id, source="portal",
                    idempotency_key=f"bench-{i}", started_at=now - timedelta(days=i, hours=2),
                    duration_minutes=20, scale=template.scale, distress_before=30,
                    distress_peak=40 + i % 30, distress_after=20, ceiling=template.ceiling,
                    likelihood_before=70, likelihood_after=40)
        for i in range(days))


def measure(fn, runs=5):
    """Median wall time, median CPU time of this process (what the machine's load does not
    inflate) and the query count."""
    times, cpu, queries = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started, started_cpu = time.perf_counter(), time.process_time()
            fn()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), statistics.median(cpu), queries


def main(days):
    from bravely.clients.models import Client
    from bravely.records import export, fhir, pdf
    from bravely.site.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo()
    client = Client.objects.select_related("practice", "primary_clinician").get(
        display_name="Jordan Reyes")
    year_of_practice(client, days)
    print(f"Jordan Reyes with {client.practice_logs.count()} practice logs")
    jobs = {f"pdf {kind}": (lambda kind=kind: pdf.render_pdf(kind, client))
            for kind in ("handout", "summary", "discharge")}
    jobs["export json"] = lambda: export.client_record(client)
    jobs["export fhir"] = lambda: fhir.bundle(client)
    for name, job in jobs.items():
        ms, cpu, queries = measure(job)
        print(f"{name:>16}  {ms:>8.1f} ms wall  {cpu:>8.1f} ms cpu  {queries:>3} queries")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 365)
