"""Load test: simulated clients logging practices through the API and clinicians browsing.

    DATABASE_URL=postgres://... .venv/bin/python scripts/loadtest.py --url http://127.0.0.1:8480 \
        [--users 100] [--seconds 180] [--kill-pgid PGID --kill-at 30] [--json out.json]

Run by scripts/multiserver, which starts the servers; runs against any Bravely serving a
database filled by `bravely seed-scale` (the DATABASE_URL/BRAVELY_DATA_DIR of this process must
be the servers' database: sessions and API tokens for the seeded clinicians are made directly in
it, and the logs are checked in it afterwards).

Three quarters of the users are clients logging practices (POST /api/v1/clients/{id}/logs with
a fresh Idempotency-Key, sent by their clinician's API token, as a phone app would); the rest are
clinicians browsing caseload, client record and needs attention (session cookie) and the API's
needs attention (token). Every acknowledged (2xx) log is recorded; at the end each one must be in
the database with the same content, once. A failed POST (5xx or a dropped connection) is retried
once with the same key, which the API makes safe. With --kill-pgid the process group is sent
SIGKILL at --kill-at seconds (one app server dying mid-run).
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import sys
import time
import uuid
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bravely.settings")
os.environ.setdefault("SECRET_KEY", "loadtest-" + secrets.token_urlsafe(16))
os.environ.setdefault("BRAVELY_HTTPS", "False")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

DOMAIN = "scale.example"  # bravely.site.scale.DOMAIN


def setup():
    """Sessions and API tokens for every seeded clinician, and what each may log against."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from bravely.accounts.models import User
    from bravely.accounts.services import create_api_token
    from bravely.audit.services import Actor
    from bravely.clients.models import Client
    from bravely.planning.models import HomeworkAssignment

    people = []
    for clinician in User.objects.filter(email__startswith="clinician",
                                         email__endswith=f"@{DOMAIN}").order_by("pk"):
        store = SessionStore()
        store[SESSION_KEY] = str(clinician.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = clinician.get_session_auth_hash()
        store.create()
        clients = list(Client.objects.filter(care_team=clinician, archived_at__isnull=True)
                       .distinct().values_list("pk", flat=True))
        targets = [(a.client_id, a.rung_id, a.pk, a.client.scale_max)
                   for a in HomeworkAssignment.objects.filter(
                       client__in=clients, status="active", plan__status="active")
                   .select_related("client")]
        if not targets:
            continue
        people.append({"email": clinician.email, "session": store.session_key,
                       "token": create_api_token(Actor(clinician), "loadtest")[1],
                       "clients": clients, "targets": targets})
    if not people:
        raise SystemExit("no seeded clinicians with active assignments: run bravely seed-scale")
    return people


class Stats:
    def __init__(self):
        self.rows = []  # (t, kind, status, ms); status 0 = transport error
        self.acked = []  # (client_id, key, id, body)
        self.retried = 0
        self.retried_ok = 0
        self.refusals = []  # the first few 4xx bodies

    def add(self, t, kind, status, ms):
        self.rows.append((t, kind, status, ms))


async def logger(http, person, stats, deadline, run, rng, t0):
    started = timezone.now()
    while time.monotonic() < deadline:
        client_id, rung_id, assignment_id, top = rng.choice(person["targets"])
        d = top // 10  # SUDS 0-100 or the 0-10 thermometer, the client's own scale
        key = uuid.uuid4().hex
        body = {"rung_id": rung_id, "assignment_id": assignment_id,
                "started_at": (started - timedelta(minutes=rng.randint(30, 600))).isoformat(),
                "duration_minutes": rng.randint(5, 60),
                "distress_before": rng.randint(3, 6) * d, "distress_peak": rng.randint(6, 8) * d,
                "distress_after": rng.randint(1, 3) * d,
                "likelihood_after": rng.randint(0, 100), "feared_outcome_happened": "no",
                "what_happened": f"loadtest {run} {key}"}
        headers = {"Authorization": f"Bearer {person['token']}", "Idempotency-Key": key}
        for attempt in (1, 2):
            t = time.monotonic()
            try:
                r = await http.post(f"/api/v1/clients/{client_id}/logs", json=body,
                                    headers=headers)
                status = r.status_code
            except httpx.HTTPError:
                status, r = 0, None
            stats.add(t - t0, "log POST" if attempt == 1 else "log POST retry", status,
                      (time.monotonic() - t) * 1000)
            if 200 <= status < 300:
                stats.acked.append((client_id, key, r.json()["id"], body))
                if attempt == 2:
                    stats.retried_ok += 1
                break
            if status and status < 500:
                if len(stats.refusals) < 5:
                    stats.refusals.append(f"{status} {r.text[:300]}")
                break  # a refusal is not retried (and is counted as an error)
            if attempt == 1:
                stats.retried += 1
        await asyncio.sleep(rng.uniform(0.05, 0.3))


async def browser(http, person, stats, deadline, rng, t0):
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={person['session']}"}
    token = {"Authorization": f"Bearer {person['token']}"}
    while time.monotonic() < deadline:
        client = rng.choice(person["clients"])
        kind, path, headers = rng.choice([
            ("caseload", "/clients/", cookie), ("client record", f"/clients/{client}/", cookie),
            ("needs attention", "/attention/", cookie),
            ("API needs attention", "/api/v1/attention", token)])
        t = time.monotonic()
        try:
            status = (await http.get(path, headers=headers)).status_code
        except httpx.HTTPError:
            status = 0
        stats.add(t - t0, kind, status, (time.monotonic() - t) * 1000)
        await asyncio.sleep(rng.uniform(0.1, 0.5))


async def killer(pgid, at, t0, stats):
    await asyncio.sleep(at)
    os.killpg(pgid, signal.SIGKILL)
    stats.killed_at = time.monotonic() - t0
    print(f"[{stats.killed_at:.1f}s] SIGKILL sent to process group {pgid}", flush=True)


async def run_load(args, people):
    stats = Stats()
    stats.killed_at = None
    run = uuid.uuid4().hex[:8]
    loggers = round(args.users * 0.75)
    limits = httpx.Limits(max_connections=args.users, max_keepalive_connections=args.users)
    async with httpx.AsyncClient(base_url=args.url, limits=limits, timeout=30,
                                 follow_redirects=False) as http:
        t0 = time.monotonic()
        deadline = t0 + args.seconds
        tasks = []
        for n in range(args.users):
            person = people[n % len(people)]
            rng = random.Random(n)
            if n < loggers:
                tasks.append(logger(http, person, stats, deadline, run, rng, t0))
            else:
                tasks.append(browser(http, person, stats, deadline, rng, t0))
        if args.kill_pgid:
            tasks.append(killer(args.kill_pgid, args.kill_at, t0, stats))
        await asyncio.gather(*tasks)
        stats.elapsed = time.monotonic() - t0
    return stats


def verify(stats):
    """Every acknowledged log is in the database, once, with what was sent."""
    from datetime import datetime

    from bravely.practice.models import PracticeLog

    problems = []
    by_id = {log.pk: log for log in PracticeLog.objects.filter(
        pk__in=[a[2] for a in stats.acked])}
    ids = [a[2] for a in stats.acked]
    if len(set(ids)) != len(ids):
        problems.append(f"{len(ids) - len(set(ids))} acknowledgements share a log id")
    for client_id, key, log_id, body in stats.acked:
        log = by_id.get(log_id)
        if log is None:
            problems.append(f"log {log_id} (key {key}) acknowledged but missing")
            continue
        want = {"client_id": client_id, "idempotency_key": key, "rung_id": body["rung_id"],
                "assignment_id": body["assignment_id"],
                "started_at": datetime.fromisoformat(body["started_at"]),
                **{f: body[f] for f in ("duration_minutes", "distress_before", "distress_peak",
                                        "distress_after", "likelihood_after",
                                        "feared_outcome_happened", "what_happened")}}
        for field, value in want.items():
            if getattr(log, field) != value:
                problems.append(f"log {log_id}: {field} is {getattr(log, field)!r}, "
                                f"sent {value!r}")
    keys = [a[1] for a in stats.acked]
    stored = PracticeLog.objects.filter(idempotency_key__in=keys).count()
    if stored != len(keys):
        problems.append(f"{stored} stored logs carry the {len(keys)} acknowledged keys")
    return problems


def report(stats, args):
    def pct(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0

    kinds = sorted({r[1] for r in stats.rows})
    table = []
    for kind in kinds + ["all"]:
        rows = [r for r in stats.rows if kind == "all" or r[1] == kind]
        ok = [r[3] for r in rows if 200 <= r[2] < 400]
        table.append({"kind": kind, "requests": len(rows),
                      "per_s": len(rows) / stats.elapsed,
                      "p50_ms": pct(ok, 0.5), "p95_ms": pct(ok, 0.95),
                      "5xx": sum(1 for r in rows if r[2] >= 500),
                      "4xx": sum(1 for r in rows if 400 <= r[2] < 500),
                      "dropped": sum(1 for r in rows if r[2] == 0)})
    print(f"\n{args.users} users for {stats.elapsed:.0f} s against {args.url}")
    print(f"{'kind':<22}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
          f"{'5xx':>6}{'4xx':>6}{'dropped':>8}")
    for row in table:
        print(f"{row['kind']:<22}{row['requests']:>9}{row['per_s']:>8.1f}{row['p50_ms']:>8.0f}"
              f"{row['p95_ms']:>8.0f}{row['5xx']:>6}{row['4xx']:>6}{row['dropped']:>8}")
    failover = None
    if stats.killed_at is not None:
        window = [r for r in stats.rows if stats.killed_at - 1 <= r[0] <= stats.killed_at + 15]
        failover = {"killed_at_s": stats.killed_at,
                    "requests_in_15s_after": len(window),
                    "failed_in_15s_after": sum(1 for r in window if r[2] == 0 or r[2] >= 500),
                    "after_kill_ok": sum(1 for r in stats.rows
                                         if r[0] > stats.killed_at and 200 <= r[2] < 400)}
        print(f"failover: kill at {stats.killed_at:.1f} s; {failover['failed_in_15s_after']} of "
              f"{failover['requests_in_15s_after']} requests in the next 15 s failed; "
              f"{failover['after_kill_ok']} succeeded after the kill")
    print(f"acknowledged logs: {len(stats.acked)}; POSTs retried by the client: {stats.retried}"
          f" ({stats.retried_ok} acknowledged on the retry)")
    for refusal in stats.refusals:
        print(f"  refused: {refusal}")
    return {"users": args.users, "seconds": stats.elapsed, "table": table,
            "failover": failover, "acknowledged": len(stats.acked), "retried": stats.retried}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8480")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--kill-pgid", type=int, default=0)
    parser.add_argument("--kill-at", type=float, default=0, help="default: half the run")
    parser.add_argument("--json")
    args = parser.parse_args()
    args.kill_at = args.kill_at or args.seconds / 2
    people = setup()
    print(f"{len(people)} clinicians, {sum(len(p['targets']) for p in people)} assignments; "
          f"{args.users} users for {args.seconds:.0f} s", flush=True)
    stats = asyncio.run(run_load(args, people))
    result = report(stats, args)
    problems = verify(stats)
    result["problems"] = problems
    server_errors = sum(r["5xx"] + r["dropped"] for r in result["table"] if r["kind"] == "all")
    print(f"verification: {len(stats.acked)} acknowledged logs checked in the database; "
          f"{len(problems)} problems")
    for p in problems[:20]:
        print("  " + p)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2, default=str)
    # 5xx or dropped connections that the client's one retry did not absorb fail the run.
    unrecovered = server_errors - stats.retried_ok
    sys.exit(1 if problems or unrecovered else 0)


if __name__ == "__main__":
    main()
