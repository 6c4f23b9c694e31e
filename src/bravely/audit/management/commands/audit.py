from django.core.management.base import BaseCommand, CommandError

from bravely.audit.services import verify_chains


class Command(BaseCommand):
    help = ("Audit trail tools. `bravely audit verify` checks the hash chains (one per practice "
            "and a global one) and names the first broken event of each; it exits non-zero when "
            "any chain is broken.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        reports = verify_chains()
        for report in reports:
            if report.intact and options["verbosity"] > 1:
                self.stdout.write(f"Chain {report.chain}: {report.checked} events intact.")
        forks = sum(report.forks for report in reports)
        if forks:
            self.stdout.write(
                f"{forks} events written before chains were locked chain to an earlier event "
                "than the one before them (the old concurrency fault); their hashes verify.")
        broken = [report for report in reports if not report.intact]
        if broken:
            raise CommandError("\n".join(_describe(report) for report in broken))
        checked = sum(report.checked for report in reports)
        self.stdout.write(self.style.SUCCESS(
            f"Audit chain intact: {checked} events verified in {len(reports)} "
            f"chain{'' if len(reports) == 1 else 's'}."))


def _describe(report) -> str:
    event = report.event
    if event is None:
        return f"Audit chain {report.chain} broken: {report.why}."
    named = f"event {event.pk} (#{event.seq}, {event.at:%Y-%m-%d %H:%M:%S})"
    if event.seq == report.checked:  # the named event verified; what follows it is missing
        return (f"Audit chain {report.chain} broken after {named}: {report.why}. "
                f"{report.checked} events of this chain are intact.")
    return (f"Audit chain {report.chain} broken at {named}: {report.why}. "
            f"{report.checked} earlier events of this chain are intact.")
