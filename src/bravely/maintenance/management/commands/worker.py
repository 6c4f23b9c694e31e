"""`bravely worker`: sends due reminders and, with BRAVELY_PACING_REFRESH=worker, brings the
recommendations of clients with new logs or check-ins up to date. A simple loop with a pause;
`--once` for cron and tests.

Run it beside `bravely serve` (README, "Reminders"). Any number of workers may run: each reminder
is claimed in the database before it is sent, so none is sent twice, and a refresh is idempotent.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from bravely.maintenance.reminders import send_due


class Command(BaseCommand):
    help = ("Send due reminders (booster check-ins, maintenance practice, measures) by e-mail; "
            "with BRAVELY_PACING_REFRESH=worker, refresh the recommendations of clients with "
            "new data.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--interval", type=int, default=60,
                            help="Seconds between passes over the reminders (default 60).")
        parser.add_argument("--refresh-interval", type=float, default=3.0,
                            help="Seconds between refreshes with BRAVELY_PACING_REFRESH=worker "
                                 "(default 3).")

    def handle(self, *args, once=False, interval=60, refresh_interval=3.0, **options):
        refreshing = settings.PACING_REFRESH == "worker"
        next_reminders = 0.0
        while True:
            if refreshing:
                self._refresh(once)
            if time.monotonic() >= next_reminders:
                self._reminders(once)
                next_reminders = time.monotonic() + max(5, interval)
            if once:
                return
            time.sleep(max(0.5, refresh_interval) if refreshing
                       else max(0.0, next_reminders - time.monotonic()))

    def _reminders(self, once):
        try:
            counts = send_due()
        except Exception as error:  # the database restarting: try again after the pause
            if once:
                raise
            self.stderr.write(f"reminders: a pass failed ({error}); trying again")
            return
        if counts["sent"] or counts["failed"] or once:
            self.stdout.write(f"reminders: {counts['sent']} sent, {counts['failed']} failed")

    def _refresh(self, once):
        from bravely.pacing.services import refresh_due

        try:
            outcomes = refresh_due()
        except Exception as error:  # the database restarting: the clients stay due
            if once:
                raise
            self.stderr.write(f"pacing: a refresh pass failed ({error}); trying again")
            return
        failed = [o.client_id for o in outcomes if not o.ok]
        if outcomes or once:
            self.stdout.write(f"pacing: {len(outcomes)} client(s) refreshed"
                              + (f", {len(failed)} failed" if failed else ""))
