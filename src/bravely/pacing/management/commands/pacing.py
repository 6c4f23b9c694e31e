"""`bravely pacing refresh`: bring every active client's recommendations up to date (for cron).

Recommendations are also refreshed when a log or check-in arrives; the scheduled run catches what
only time changes (missed practice over the last 14 days, risk signals leaving the look-back).
"""

from django.core.management.base import BaseCommand, CommandError

from bravely.pacing.models import Recommendation
from bravely.pacing.services import refresh_recommendations, refreshable_clients


class Command(BaseCommand):
    help = "Pacing recommendations. `refresh` runs the engine for every active client."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument("--practice", type=int, help="Only this practice (id).")
        parser.add_argument("--client", type=int, help="Only this client (id).")

    def handle(self, *args, action, practice=None, client=None, **options):
        clients = refreshable_clients()
        if practice is not None:
            clients = clients.filter(practice_id=practice)
        if client is not None:
            clients = clients.filter(pk=client)
        before = Recommendation.objects.count()
        done = failed = 0
        for record in clients.iterator():
            try:
                refresh_recommendations(record, raise_errors=True)
            except Exception as error:  # one client's bad data must not stop the others
                failed += 1
                self.stderr.write(f"client {record.pk}: {error}")
            else:
                done += 1
        created = Recommendation.objects.count() - before
        self.stdout.write(f"Refreshed {done} client(s); {created} new recommendation(s).")
        if failed:
            raise CommandError(f"{failed} client(s) could not be refreshed; see above.")
