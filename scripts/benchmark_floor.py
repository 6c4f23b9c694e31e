"""Benchmark Bravely served by gunicorn against the framework floor, in the same run.

Against a database seeded with `bravely seed-scale` (the SQLite file in BRAVELY_DATA_DIR, or
DATABASE_URL), this starts gunicorn (2 workers, loopback) with BRAVELY_BENCHMARK_FLOOR=1, signs
in the seeded people (sessions and API tokens made directly in the database), and for each page
alternates rounds of that page with rounds of the floor view (a minimal view on the same
middleware and sign-in), so that the machine's noise hits both alike. Per page: requests a
second, p50/p95/p99, queries per request (counted once in-process with Django's test client),
and the ratios to the floor. Logging a practice through the API is measured at concurrency 16,
and `bravely pacing refresh` over the whole database. Prints a table and writes JSON.

    BRAVELY_DATA_DIR=/tmp/bench bravely migrate
    BRAVELY_DATA_DIR=/tmp/bench bravely seed-scale --clinicians 40 --clients-per-clinician 20 \\
        --weeks 26
    BRAVELY_DATA_DIR=/tmp/bench .venv/bin/python scripts/benchmark_floor.py --json out.json

    --servers 2: two gunicorn instances on two ports, requests alternated between them (what a
    round-robin load balancer does): sessions, tokens, rate limits and caches live in the
    database (or Redis), so either instance answers any request.

To add a page (the progress page, a PDF), add a line to PAGES: name, who, path template.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta

os.environ.setdefault("SECRET_KEY", "benchmark-" + secrets.token_urlsafe(16))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bravely.settings")
os.environ["BRAVELY_BENCHMARK_FLOOR"] = "1"
os.environ.setdefault("BRAVELY_HTTPS", "False")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as TestClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

# name, who (clinician | supervisor | client | api-clinician | api-supervisor), path template
PAGES = [
    ("caseload", "clinician", "/clients/"),
    ("client record", "clinician", "/clients/{client}/"),
    ("ladder", "clinician", "/clients/{client}/plans/{plan}/"),
    ("practice logs", "clinician", "/clients/{client}/practice/"),
    ("recommendations", "clinician", "/clients/{client}/recommendations/"),
    ("needs attention (clinician)", "clinician", "/attention/"),
    ("needs attention (supervisor)", "supervisor", "/attention/"),
    ("needs attention, all (supervisor)", "supervisor", "/attention/?all=1"),
    ("portal Today", "client", "/me/"),
    ("API clients list", "api-clinician", "/api/v1/clients"),
    ("API clients list (supervisor)", "api-supervisor", "/api/v1/clients"),
    ("API logs list", "api-clinician", "/api/v1/clients/{client}/logs"),
    ("API needs attention", "api-clinician", "/api/v1/attention"),
    # ("progress", "clinician", "/clients/{client}/progress/"),  # when it lands
]
FLOOR = "/benchmark/floor/"


def people(prefix=""):
    """Sessions and tokens for the seeded clinician1, supervisor1 and one client, and the ids
    the page paths need (a client of clinician1 with an active plan)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from bravely.accounts.models import User
    from bravely.accounts.services import create_api_token
    from bravely.audit.services import Actor
    from bravely.clients.models import Client
    from bravely.planning.models import ExposurePlan
    from bravely.portal.models import ClientAccount

    DOMAIN = "scale.example"  # bravely.site.scale.DOMAIN (not imported: runs on older code too)

    def session(user):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    clinician = User.objects.get(email=f"{prefix}clinician1@{DOMAIN}")
    supervisor = User.objects.get(email=f"{prefix}supervisor1@{DOMAIN}")
    clients = list(Client.objects.filter(care_team=clinician, archived_at__isnull=True,
                                         exposure_plans__status="active").distinct())
    account = ClientAccount.objects.filter(client__in=clients).select_related("user").first()
    first = clients[0]
    plan = ExposurePlan.objects.filter(client=first, status="active").first()
    targets = []  # (client, rung, assignment) for log POSTs
    from bravely.planning.models import HomeworkAssignment
    for a in HomeworkAssignment.objects.filter(client__in=clients, status="active",
                                               plan__status="active"):
        targets.append((a.client_id, a.rung_id, a.pk))
    return {
        "clinician": session(clinician), "supervisor": session(supervisor),
        "client": session(account.user) if account else None,
        "api-clinician": create_api_token(Actor(clinician), "benchmark")[1],
        "api-supervisor": create_api_token(Actor(supervisor), "benchmark")[1],
        "users": {"clinician": clinician, "supervisor": supervisor,
                  "client": account.user if account else None},
        "ids": {"client": first.pk, "plan": plan.pk}, "targets": targets,
    }


def headers(who, creds):
    if who.startswith("api-"):
        return {"Authorization": f"Bearer {creds[who]}"}
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={creds[who]}"}


def floor_headers(who, creds):
    """The floor is signed in the same way as the page (the API's floor uses a session)."""
    if who.startswith("api-"):
        who = who.removeprefix("api-")
    return headers(who, creds)


def count_queries(who, path, creds):
    """Queries of one request, in-process (DEBUG off does not matter to the capture)."""
    client = TestClient()
    user = creds["users"].get(who.removeprefix("api-"))
    extra = {}
    if who.startswith("api-"):
        extra["HTTP_AUTHORIZATION"] = f"Bearer {creds[who]}"
    else:
        client.force_login(user)
    client.get(path, **extra)  # warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **extra)
    return len(ctx.captured_queries), response.status_code


class Load:
    """`concurrency` threads on keep-alive connections, round-robin over the ports, for
    `seconds`; returns latencies (s), errors."""

    def __init__(self, ports, concurrency):
        self.ports, self.concurrency = ports, concurrency

    def run(self, seconds, request):
        latencies, errors, stop = [], [0], time.monotonic() + seconds
        lock = threading.Lock()

        def worker(n):
            conns = [http.client.HTTPConnection("127.0.0.1", p, timeout=30) for p in self.ports]
            i = n
            mine = []
            while time.monotonic() < stop:
                conn = conns[i % len(conns)]
                i += 1
                method, path, body, hdrs = request()
                started = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=hdrs)
                    response = conn.getresponse()
                    response.read()
                    if response.status >= 400:
                        with lock:
                            errors[0] += 1
                except (OSError, http.client.HTTPException):
                    with lock:
                        errors[0] += 1
                    conn.close()
                    continue
                mine.append(time.perf_counter() - started)
            with lock:
                latencies.extend(mine)
            for c in conns:
                c.close()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(self.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return latencies, errors[0]


def summary(latencies, seconds):
    if not latencies:
        return {"rps": 0, "p50": None, "p95": None, "p99": None, "n": 0}
    ordered = sorted(latencies)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return {"rps": len(ordered) / seconds, "p50": statistics.median(ordered) * 1000,
            "p95": pct(0.95), "p99": pct(0.99), "n": len(ordered)}


def alternate(load, page_request, floor_request, rounds, seconds):
    """Rounds of the page and of the floor in turn; the totals of each."""
    page, floor, errors = [], [], [0, 0]
    for _ in range(rounds):
        lat, err = load.run(seconds, page_request)
        page += lat
        errors[0] += err
        lat, err = load.run(seconds, floor_request)
        floor += lat
        errors[1] += err
    return summary(page, rounds * seconds), summary(floor, rounds * seconds), errors


def start_servers(ports, workers):
    import socket

    for port in ports:  # never measure someone else's server on that port
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise SystemExit(f"port {port} is in use; choose another with --port")
    procs = []
    env = dict(os.environ)
    for port in ports:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bravely.wsgi:application", "--workers",
             str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
             "--timeout", "60"], env=env, start_new_session=True))
    deadline = time.monotonic() + 30
    for port in ports:
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/accounts/login/")
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start on port {port}") from None
                time.sleep(0.3)
    return procs


def worker_rss_mb(procs):
    """Resident memory of each gunicorn worker (children of the masters), from /proc."""
    masters = {proc.pid for proc in procs}
    sizes = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = open(f"/proc/{entry}/status").read()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip() or 0) in masters and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--servers", type=int, default=1, help="gunicorn instances (ports)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0, help="per round")
    parser.add_argument("--concurrency", type=int, default=2, help="for the page reads")
    parser.add_argument("--log-concurrency", type=int, default=16)
    parser.add_argument("--prefix", default="", help="the seed's e-mail prefix")
    parser.add_argument("--only", default="", help="comma-separated page names to run")
    parser.add_argument("--no-refresh", action="store_true", help="skip bravely pacing refresh")
    parser.add_argument("--json", default="", help="write the results here")
    args = parser.parse_args()

    from django.core.management import call_command

    from bravely.clients.models import Client
    from bravely.practice.models import PracticeLog

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' CSS manifest
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # in-process counts only
    creds = people(args.prefix)
    ids = creds["ids"]
    engine = connection.vendor
    sizes = {"clients": Client.objects.count(), "logs": PracticeLog.objects.count()}
    print(f"database: {engine}, {sizes['clients']:,} clients, {sizes['logs']:,} practice logs",
          flush=True)
    ports = [args.port + i for i in range(args.servers)]
    connection.close()
    procs = start_servers(ports, args.workers)
    results = []
    try:
        load = Load(ports, args.concurrency)
        only = {n.strip() for n in args.only.split(",") if n.strip()}
        for name, who, template in PAGES:
            if only and name not in only:
                continue
            if who == "client" and creds["client"] is None:
                continue
            path = template.format(**ids)
            queries, status = count_queries(who, path, creds)
            page_h, floor_h = headers(who, creds), floor_headers(who, creds)
            page, floor, errors = alternate(
                load, lambda p=path, h=page_h: ("GET", p, None, h),
                lambda h=floor_h: ("GET", FLOOR, None, h), args.rounds, args.seconds)
            results.append(_row(name, queries, status, page, floor, errors, args.concurrency))
            _print(results[-1])
        if not only or "log POST" in only:
            results.append(_log_post(ports, creds, args))
            _print(results[-1])
        rss = worker_rss_mb(procs)
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=30)
    refresh = None
    if not args.no_refresh:
        refresh = _refresh()
        print(f"pacing refresh: {refresh['clients']:,} clients in {refresh['seconds']:.1f} s "
              f"({refresh['ms_per_client']:.1f} ms per client)", flush=True)
    out = {"database": engine, "sizes": sizes, "workers": args.workers, "servers": args.servers,
           "concurrency": args.concurrency, "rounds": args.rounds, "seconds": args.seconds,
           "pages": results, "pacing_refresh": refresh, "worker_rss_mb": rss}
    print(f"worker RSS after the run: {', '.join(f'{r:.0f}' for r in rss)} MB")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2, default=str)


def _row(name, queries, status, page, floor, errors, concurrency):
    ratio = page["p50"] / floor["p50"] if page["p50"] and floor["p50"] else None
    return {"page": name, "status": status, "queries": queries, "concurrency": concurrency,
            **{k: page[k] for k in ("rps", "p50", "p95", "p99", "n")},
            "floor_rps": floor["rps"], "floor_p50": floor["p50"], "floor_p95": floor["p95"],
            "ratio_p50": ratio,
            "ratio_rps": floor["rps"] / page["rps"] if page["rps"] else None,
            "errors": errors[0], "floor_errors": errors[1]}


HEADER = (f"{'page':<36}{'q':>4}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}"
          f"{'floor/s':>9}{'fl p50':>8}{'x p50':>7}{'x rps':>7}{'err':>5}")


def _print(row, _shown=[]):  # noqa: B006 - print the header once
    if not _shown:
        print(HEADER)
        _shown.append(True)

    def ms(v):
        return f"{v:8.1f}" if v is not None else "       -"

    print(f"{row['page']:<36}{row['queries']:>4}{row['rps']:>8.1f}{ms(row['p50'])}"
          f"{ms(row['p95'])}{ms(row['p99'])}{row['floor_rps']:>9.1f}{ms(row['floor_p50'])}"
          f"{(row['ratio_p50'] or 0):>7.1f}{(row['ratio_rps'] or 0):>7.1f}"
          f"{row['errors']:>5}", flush=True)


def _log_post(ports, creds, args):
    """Practice logs POSTed through the API at log-concurrency, random clients of the
    clinician, each with a fresh key; against the floor at the same concurrency."""
    targets = creds["targets"]
    token = creds["api-clinician"]
    started = timezone.now()
    rng = random.Random(7)
    counter = iter(range(10**9))

    def post():
        client_id, rung_id, assignment_id = rng.choice(targets)
        n = next(counter)
        body = json.dumps({
            "rung_id": rung_id, "assignment_id": assignment_id,
            "started_at": (started - timedelta(minutes=30 + n % 600)).isoformat(),
            "duration_minutes": 20, "distress_before": 30, "distress_peak": 50,
            "distress_after": 20, "likelihood_after": 40, "feared_outcome_happened": "no"})
        return ("POST", f"/api/v1/clients/{client_id}/logs", body,
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "Idempotency-Key": uuid.uuid4().hex})

    queries = _log_post_queries(creds, targets[0])
    load = Load(ports, args.log_concurrency)
    floor_h = floor_headers("clinician", creds)
    page, floor, errors = alternate(load, post, lambda: ("GET", FLOOR, None, floor_h),
                                    args.rounds, args.seconds)
    return _row("log POST (API)", queries, 201, page, floor, errors, args.log_concurrency)


def _log_post_queries(creds, target):
    client_id, rung_id, assignment_id = target
    http = TestClient()
    body = {"rung_id": rung_id, "assignment_id": assignment_id,
            "started_at": (timezone.now() - timedelta(minutes=20)).isoformat(),
            "duration_minutes": 20, "distress_before": 30, "distress_peak": 50,
            "distress_after": 20}
    with CaptureQueriesContext(connection) as ctx:
        http.post(f"/api/v1/clients/{client_id}/logs", data=json.dumps(body),
                  content_type="application/json",
                  HTTP_AUTHORIZATION=f"Bearer {creds['api-clinician']}",
                  HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    return len(ctx.captured_queries)


def _refresh():
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bravely.cli", "pacing", "refresh"],
                          capture_output=True, text=True, env=dict(os.environ))
    seconds = time.monotonic() - started
    line = (done.stdout.strip().splitlines() or [""])[0]
    clients = int(line.split()[1]) if line.startswith("Refreshed") else 0
    return {"seconds": seconds, "clients": clients, "output": line,
            "ms_per_client": seconds * 1000 / clients if clients else None}


if __name__ == "__main__":
    main()
