"""Benchmark Bravely served by gunicorn against the framework floor, in the same run.

Against a database seeded with `bravely seed-scale` (the SQLite file in BRAVELY_DATA_DIR, or
DATABASE_URL), this starts gunicorn (2 workers, loopback) with BRAVELY_BENCHMARK_FLOOR=1, signs
in the seeded people (sessions and API tokens made directly in the database), and for each page
alternates rounds of that page with rounds of the floor view (a minimal view on the same
middleware and sign-in), so that the machine's noise hits both alike. Per page: requests a
second, p50/p95/p99 as the load client saw them, the server time (the request's time inside the
worker, from the `Server-Timing` header that BRAVELY_BENCHMARK_FLOOR adds), queries per request
(counted once in-process with Django's test client), the ratios to the floor, and the status
codes. Signing in is a real POST of the sign-in form; logging a practice through the API is
measured at concurrency 16; then `bravely pacing refresh` over the whole database. Prints a
table and writes JSON; with --check, exits 1 unless every page answered only its expected status.

    BRAVELY_DATA_DIR=/tmp/bench bravely migrate
    BRAVELY_DATA_DIR=/tmp/bench bravely seed-scale --clinicians 40 --clients-per-clinician 20 \\
        --weeks 26
    BRAVELY_DATA_DIR=/tmp/bench .venv/bin/python bench/run.py --json out.json

    --refresh-in-worker: BRAVELY_PACING_REFRESH=worker, with `bravely worker` running beside
    gunicorn, so that a log POST leaves the pacing refresh to it.

    --servers 2: two gunicorn instances on two ports, requests alternated between them (what a
    round-robin load balancer does): sessions, tokens, rate limits and caches live in the
    database (or Redis), so either instance answers any request.

To add a page, add a line to PAGES: name, who, path template.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from urllib.parse import quote

os.environ.setdefault("SECRET_KEY", "benchmark-" + secrets.token_urlsafe(16))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bravely.settings")
os.environ["BRAVELY_BENCHMARK_FLOOR"] = "1"
os.environ.setdefault("BRAVELY_HTTPS", "False")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run as a script or by the shim

import django  # noqa: E402
import report  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as TestClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

FLOOR = "/benchmark/floor/"
DOMAIN = "scale.example"  # bravely.site.scale.DOMAIN (not imported: runs on older code too)
PASSWORD = "bravely-scale-2026"  # bravely.site.scale.PASSWORD


def people(prefix=""):
    """Sessions and tokens for the seeded clinician1, supervisor1 and one client, and the ids
    the page paths need (a client of clinician1 with an active plan, who has a portal login)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from bravely.accounts.models import User
    from bravely.accounts.services import create_api_token
    from bravely.audit.services import Actor
    from bravely.clients.models import Client
    from bravely.planning.models import ExposurePlan, HomeworkAssignment
    from bravely.portal.models import ClientAccount

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
                                         exposure_plans__status="active").distinct()
                   .order_by("pk"))
    account = (ClientAccount.objects.filter(client__in=clients).select_related("user", "client")
               .order_by("client_id").first())
    first = account.client if account else clients[0]
    plan = ExposurePlan.objects.filter(client=first, status="active").first()
    targets = [(a.client_id, a.rung_id, a.pk, a.client.scale_max) for a in
               HomeworkAssignment.objects.filter(client__in=clients, status="active",
                                                 plan__status="active").select_related("client")]
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
    if who == "anonymous":
        return {}
    if who.startswith("api-"):
        return {"Authorization": f"Bearer {creds[who]}"}
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={creds[who]}"}


def floor_headers(who, creds):
    """The floor is signed in as the page is (the API's floor, and the sign-in's, by the
    clinician's session)."""
    who = who.removeprefix("api-")
    return headers("clinician" if who == "anonymous" else who, creds)


def count_queries(who, method, path, creds, data=None):
    """Queries of one request, in-process (DEBUG off does not matter to the capture)."""
    client = TestClient()
    user = creds["users"].get(who.removeprefix("api-"))
    extra = {}
    if who.startswith("api-"):
        extra["HTTP_AUTHORIZATION"] = f"Bearer {creds[who]}"
    elif user is not None:
        client.force_login(user)
    send = client.post if method == "POST" else client.get
    send(path, data, **extra)  # warm
    with CaptureQueriesContext(connection) as ctx:
        send(path, data, **extra)
    return len(ctx.captured_queries)


def server_ms(response, metric="app"):
    """The worker's own time for the request (`app`: wall; `cpu`: its thread's CPU), from
    `Server-Timing: app;dur=<ms>, cpu;dur=<ms>`."""
    for entry in (response.getheader("Server-Timing") or "").split(","):
        name, _, params = entry.strip().partition(";")
        if name == metric and params.startswith("dur="):
            return float(params[4:])
    return None


class Load:
    """`concurrency` threads on keep-alive connections, round-robin over the ports, for
    `seconds`; returns latencies (s), server times (ms), status codes seen and errors."""

    def __init__(self, ports, concurrency):
        self.ports, self.concurrency = ports, concurrency

    def run(self, seconds, request):
        latencies, servers, cpus, statuses, errors = [], [], [], {}, [0]
        stop = time.monotonic() + seconds
        lock = threading.Lock()

        def worker(n):
            conns = [http.client.HTTPConnection("127.0.0.1", p, timeout=60) for p in self.ports]
            i = n
            mine, server, cpu = [], [], []
            seen = {}
            while time.monotonic() < stop:
                conn = conns[i % len(conns)]
                i += 1
                method, path, body, hdrs = request()
                started = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=hdrs)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    with lock:
                        errors[0] += 1
                    conn.close()
                    continue
                mine.append(time.perf_counter() - started)
                seen[response.status] = seen.get(response.status, 0) + 1
                if (ms := server_ms(response)) is not None:
                    server.append(ms)
                if (ms := server_ms(response, "cpu")) is not None:
                    cpu.append(ms)
            with lock:
                latencies.extend(mine)
                servers.extend(server)
                cpus.extend(cpu)
                for code, n in seen.items():
                    statuses[code] = statuses.get(code, 0) + n
            for c in conns:
                c.close()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(self.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return {"latencies": latencies, "server": servers, "cpu": cpus, "statuses": statuses,
                "errors": errors[0]}


def alternate(load, page_request, floor_request, rounds, seconds):
    """Rounds of the page and of the floor in turn; the totals of each."""
    page, floor = [], []
    for _ in range(rounds):
        page.append(load.run(seconds, page_request))
        floor.append(load.run(seconds, floor_request))
    return report.summary(page, rounds * seconds), report.summary(floor, rounds * seconds)


def free_ports(n):
    import socket

    ports, sockets = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


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
             "--timeout", "120"], env=env, start_new_session=True))
    deadline = time.monotonic() + 60
    for port, proc in zip(ports, procs, strict=True):
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/accounts/login/")
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    stop_servers(procs)
                    raise SystemExit(f"gunicorn did not start on port {port}") from None
                time.sleep(0.3)
    return procs


def stop_servers(procs):
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        proc.wait(timeout=30)


def worker_rss_mb(procs):
    """Resident memory of each gunicorn worker (children of the masters), from /proc."""
    masters = {proc.pid for proc in procs}
    sizes = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                status = f.read()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip() or 0) in masters and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18765, help="0: any free port")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--servers", type=int, default=1, help="gunicorn instances (ports)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0, help="per round")
    parser.add_argument("--concurrency", type=int, default=2, help="for the page reads")
    parser.add_argument("--log-concurrency", type=int, default=16)
    parser.add_argument("--prefix", default="", help="the seed's e-mail prefix")
    parser.add_argument("--only", default="", help="comma-separated page names to run")
    parser.add_argument("--no-refresh", action="store_true", help="skip bravely pacing refresh")
    parser.add_argument("--refresh-in-worker", action="store_true",
                        help="serve with BRAVELY_PACING_REFRESH=worker and run `bravely worker` "
                             "beside gunicorn (a log's refresh leaves the request)")
    parser.add_argument("--json", default="", help="write the results here")
    parser.add_argument("--no-counts", action="store_true",
                        help="skip the in-process query counts (CI: the query-count tests do it)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless every page ran and answered only its expected status")
    args = parser.parse_args(argv)

    from django.core.management import call_command

    from bravely.clients.models import Client
    from bravely.practice.models import PracticeLog

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' CSS manifest
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # in-process counts only
    creds = people(args.prefix)
    ids = creds["ids"]
    engine = connection.vendor
    sizes = {"clients": Client.objects.count(), "logs": PracticeLog.objects.count()}
    print(f"database: {engine}, {sizes['clients']:,} clients, {sizes['logs']:,} practice logs; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    ports = (free_ports(args.servers) if args.port == 0
             else [args.port + i for i in range(args.servers)])
    only = {n.strip() for n in args.only.split(",") if n.strip()}
    wanted = [name for name, _w, _t in report.PAGES] + [report.SIGN_IN, report.LOG_POST]
    wanted = [n for n in wanted if not only or n in only]
    connection.close()
    worker = None
    if args.refresh_in_worker:
        os.environ["BRAVELY_PACING_REFRESH"] = "worker"
        worker = subprocess.Popen(
            [sys.executable, "-c", "from bravely.cli import main; main()", "worker",
             "--refresh-interval", "2"], env=dict(os.environ), start_new_session=True,
            stdout=subprocess.DEVNULL)
    procs = start_servers(ports, args.workers)
    results, missing = [], []
    try:
        load = Load(ports, args.concurrency)
        for name, who, template in report.PAGES:
            if name not in wanted:
                continue
            if who == "client" and creds["client"] is None:
                missing.append(name)
                continue
            path = template.format(**ids)
            queries = None if args.no_counts else count_queries(who, "GET", path, creds)
            page_h, floor_h = headers(who, creds), floor_headers(who, creds)
            page, floor = alternate(
                load, lambda p=path, h=page_h: ("GET", p, None, h),
                lambda h=floor_h: ("GET", FLOOR, None, h), args.rounds, args.seconds)
            results.append(report.row(name, queries, page, floor, args.concurrency))
            report.print_row(results[-1])
        if report.SIGN_IN in wanted:
            results.append(_sign_in(ports, creds, args))
            report.print_row(results[-1])
        if report.LOG_POST in wanted:
            results.append(_log_post(ports, creds, args))
            report.print_row(results[-1])
        rss = worker_rss_mb(procs)
    finally:
        stop_servers(procs + ([worker] if worker else []))
    refresh = None
    if not args.no_refresh:
        refresh = _refresh()
        print(f"pacing refresh: {refresh['clients']:,} clients in {refresh['seconds']:.1f} s "
              f"({refresh['ms_per_client'] or 0:.1f} ms per client)", flush=True)
    failed = [r["page"] for r in results if not r["ok"]]
    out = {"database": engine, "sizes": sizes, "workers": args.workers, "servers": args.servers,
           "refresh_in_worker": args.refresh_in_worker,
           "concurrency": args.concurrency, "rounds": args.rounds, "seconds": args.seconds,
           "load_average": os.getloadavg(), "pages": results, "missing": missing,
           "failed": failed, "pacing_refresh": refresh, "worker_rss_mb": rss}
    print(f"worker RSS after the run: {', '.join(f'{r:.0f}' for r in rss)} MB")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2, default=str)
    if missing or failed:
        print(f"not measured: {', '.join(missing) or '-'}; "
              f"unexpected status or no answer: {', '.join(failed) or '-'}", flush=True)
        if args.check:
            return 1
    return 0


def _sign_in(ports, creds, args):
    """The sign-in form POSTed with the seeded clinician's password (a real password check),
    with the CSRF cookie and token of one GET of the form; a success redirects (302)."""
    import re

    conn = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = next(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie")
                  if c.startswith(settings.CSRF_COOKIE_NAME + "="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    conn.close()
    email = creds["users"]["clinician"].email
    body = f"csrfmiddlewaretoken={token}&login={quote(email)}&password={quote(PASSWORD)}"
    form_h = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    queries = None if args.no_counts else count_queries(
        "anonymous", "POST", "/accounts/login/", creds, {"login": email, "password": PASSWORD})
    floor_h = floor_headers("anonymous", creds)
    page, floor = alternate(Load(ports, args.concurrency),
                            lambda: ("POST", "/accounts/login/", body, form_h),
                            lambda: ("GET", FLOOR, None, floor_h), args.rounds, args.seconds)
    return report.row(report.SIGN_IN, queries, page, floor, args.concurrency)


def _log_post(ports, creds, args):
    """Practice logs POSTed through the API at log-concurrency, random clients of the
    clinician, each with a fresh key; against the floor at the same concurrency."""
    targets = creds["targets"]
    token = creds["api-clinician"]
    started = timezone.now()
    rng = random.Random(7)
    counter = iter(range(10**9))

    def post():
        client_id, rung_id, assignment_id, top = rng.choice(targets)
        n = next(counter)
        body = json.dumps({  # ratings on the client's own scale (0-10 or 0-100)
            "rung_id": rung_id, "assignment_id": assignment_id,
            "started_at": (started - timedelta(minutes=30 + n % 600)).isoformat(),
            "duration_minutes": 20, "distress_before": top * 3 // 10,
            "distress_peak": top // 2, "distress_after": top // 5, "likelihood_after": 40,
            "feared_outcome_happened": "no"})
        return ("POST", f"/api/v1/clients/{client_id}/logs", body,
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "Idempotency-Key": uuid.uuid4().hex})

    queries = None if args.no_counts else _log_post_queries(creds, targets[0])
    load = Load(ports, args.log_concurrency)
    floor_h = floor_headers("clinician", creds)
    page, floor = alternate(load, post, lambda: ("GET", FLOOR, None, floor_h),
                            args.rounds, args.seconds)
    return report.row(report.LOG_POST, queries, page, floor, args.log_concurrency)


def _log_post_queries(creds, target):
    client_id, rung_id, assignment_id, top = target
    http = TestClient()
    body = {"rung_id": rung_id, "assignment_id": assignment_id,
            "started_at": (timezone.now() - timedelta(minutes=20)).isoformat(),
            "duration_minutes": 20, "distress_before": top * 3 // 10,
            "distress_peak": top // 2, "distress_after": top // 5}
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
    sys.exit(main())
