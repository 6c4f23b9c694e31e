"""`bravely worker`: sends due reminders. A simple loop with a pause; `--once` for cron and tests.

Run it beside `bravely serve` (README, "Reminders"). Any number of workers may run: each reminder
is claimed in the database before it is sent, so none is sent twice.
"""

import time

from django.core.management.base import BaseCommand

from bravely.maintenance.reminders import send_due


class Command(BaseCommand):
    help = "Send due reminders (booster check-ins, maintenance practice, measures) by e-mail."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--interval", type=int, default=60,
                            help="Seconds between passes (default 60).")

    def handle(self, *args, once=False, interval=60, **options):
        while True:
            try:
                counts = send_due()
            except Exception as error:  # the database restarting: try again after the pause
                if once:
                    raise
                self.stderr.write(f"reminders: a pass failed ({error}); trying again")
                counts = {"sent": 0, "failed": 0}
            if counts["sent"] or counts["failed"] or once:
                self.stdout.write(f"reminders: {counts['sent']} sent, {counts['failed']} failed")
            if once:
                return
            time.sleep(max(5, interval))
