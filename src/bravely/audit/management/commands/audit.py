from django.core.management.base import BaseCommand, CommandError

from bravely.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `bravely audit verify` checks the hash chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        checked, broken, why = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at event {broken.pk} ({broken.at:%Y-%m-%d %H:%M:%S}): {why}. "
                f"{checked} earlier events are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
