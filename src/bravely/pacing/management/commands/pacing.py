"""`bravely pacing refresh`: bring the active clients' recommendations up to date (for cron).

Recommendations are also refreshed when a log or check-in arrives; the scheduled run catches what
only time changes (missed practice over the last 14 days, risk signals leaving the look-back),
what a write changed without refreshing (thresholds, safety parameters, the ladder...), and every
client whose last refresh failed. It is incremental: only clients never refreshed, failed,
changed since their last refresh (`PacingState.changed_at`) or past their `due_at` (the next
local midnight, or a look-back ending sooner); `--all` takes every refreshable client.

The list of client ids is read first, in full, so no cursor stays open while clients are written
(on SQLite an open read keeps each client's write from starting: "database is locked"). Clients
are then refreshed a batch at a time (`pacing.services.refresh_many`: one short transaction, one
query per table), and a transient database error (lock, deadlock) is retried with a growing
pause. A batch that still fails is done again one client at a time; a client that still fails is
marked as out of date (its pages and the needs-attention queue say so), listed on stderr, and
makes the command exit with status 1 so that cron alerts; the next run retries it.
"""

from django.core.management.base import BaseCommand, CommandError

from bravely.pacing.models import Recommendation
from bravely.pacing.services import (
    BATCH_SIZE,
    REFRESH_ATTEMPTS,
    clients_due,
    refresh_many,
    refreshable_clients,
)


class Command(BaseCommand):
    requires_system_checks = []  # cron: no URL configuration (and its imports) to load first
    help = ("Pacing recommendations. `refresh` runs the engine for the active clients with new "
            "data or a time-based change due (and every client whose last refresh failed; "
            "--all: every active client); exits 1 when a client could not be refreshed.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument("--practice", type=int, help="Only this practice (id).")
        parser.add_argument("--client", type=int, help="Only this client (id).")
        parser.add_argument("--attempts", type=int, default=REFRESH_ATTEMPTS,
                            help="Attempts per client on a lock or deadlock (default "
                                 f"{REFRESH_ATTEMPTS}).")
        parser.add_argument("--all", action="store_true", dest="everyone",
                            help="Every active client, not only those with a change due.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE,
                            help=f"Clients per transaction (default {BATCH_SIZE}).")

    def handle(self, *args, action, practice=None, client=None, attempts=REFRESH_ATTEMPTS,
               everyone=False, batch_size=BATCH_SIZE, **options):
        if attempts < 1:
            raise CommandError("--attempts must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        clients = refreshable_clients() if everyone else clients_due()
        if practice is not None:
            clients = clients.filter(practice_id=practice)
        if client is not None:
            clients = clients.filter(pk=client)
        ids = list(clients.values_list("pk", flat=True))  # read in full: no cursor stays open
        before = Recommendation.objects.count()
        done = retried = 0
        failed, partly, unmarked = [], [], []

        def retrying(attempt, of, error, who):
            first_line = (str(error).strip().splitlines() or [""])[0]
            self.stderr.write(f"{who}: {first_line}; retrying (attempt {attempt + 1} of {of})")

        def one_by_one(batch, error):
            first_line = (str(error).strip().splitlines() or [""])[0]
            self.stderr.write(f"clients {batch[0]}-{batch[-1]}: {first_line}; refreshing them "
                              "one at a time")

        outcomes = []
        for start in range(0, len(ids), batch_size):
            outcomes += refresh_many(ids[start:start + batch_size], attempts=attempts,
                                     on_retry=retrying, on_fallback=one_by_one)
        for outcome in outcomes:
            client_id = outcome.client_id
            if outcome.ok:
                done += 1
                retried += bool(outcome.retries)
                if outcome.skipped:
                    partly.append(client_id)
                    self.stderr.write(f"client {client_id}: refreshed in part, marked as out of "
                                      f"date: {'; '.join(outcome.skipped)}")
                continue
            failed.append(client_id)
            if outcome.marked:
                self.stderr.write(f"client {client_id}: not refreshed after "
                                  f"{outcome.retries + 1} attempt(s): {outcome.error}; marked as "
                                  "out of date, the next run retries it")
            else:
                unmarked.append(client_id)
                self.stderr.write(f"client {client_id}: not refreshed after "
                                  f"{outcome.retries + 1} attempt(s): {outcome.error}; it could "
                                  "not be marked as out of date either")
        created = Recommendation.objects.count() - before
        self.stdout.write(f"Refreshed {done} client(s); {created} new recommendation(s).")
        if retried:
            self.stdout.write(f"{retried} client(s) refreshed after retrying a lock or deadlock.")
        problems = []
        if partly:
            problems.append(f"{len(partly)} client(s) refreshed only in part: stored data the "
                            f"engine refuses (ids {_ids(partly)}); correct it and run again.")
        if failed:
            problems.append(f"{len(failed)} of {len(ids)} client(s) could not be refreshed "
                            f"(ids {_ids(failed)}); the next run retries them.")
            if unmarked:
                problems.append(f"{len(unmarked)} of them could not be marked as out of date.")
        if problems:
            raise CommandError(" ".join(problems) + " See above.")


def _ids(ids: list[int]) -> str:
    return ", ".join(map(str, ids[:20])) + (", ..." if len(ids) > 20 else "")

