"""`bravely seed-scale`: a large fictional group practice for benchmarks (bravely.site.scale)."""

from django.core.management.base import BaseCommand

from bravely.site import scale


class Command(BaseCommand):
    help = ("Fill the database with a fictional group practice for benchmarks: N clinicians, "
            "M clients each, W weeks of history (logs, check-ins, measures, notes, maintenance, "
            "recommendations). Adds a new "
            "practice; sign in as clinician1@scale.example (password printed at the end).")

    def add_arguments(self, parser):
        parser.add_argument("--clinicians", type=int, default=10)
        parser.add_argument("--clients-per-clinician", type=int, default=20)
        parser.add_argument("--weeks", type=int, default=26)
        parser.add_argument("--logs-per-week", type=float, default=3.5,
                            help="Practice logs per client per week (about; default 3.5).")
        parser.add_argument("--portal-share", type=float, default=0.5,
                            help="Share of treated clients with a portal login (default 0.5).")
        parser.add_argument("--no-refresh", action="store_true",
                            help="Skip the pacing refresh that stores recommendations.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--name", default="Scale Test Practice")
        parser.add_argument("--prefix", default="",
                            help="Prefix for the e-mail addresses (to seed a second practice).")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, **o):
        done = scale.seed(clinicians=o["clinicians"], clients_per_clinician=o[
            "clients_per_clinician"], weeks=o["weeks"], logs_per_week=o["logs_per_week"],
            portal_share=o["portal_share"], refresh=not o["no_refresh"], seed_value=o["seed"],
            name=o["name"], prefix=o["prefix"], quiet=o["quiet"], out=self.stderr._out)
        times = ", ".join(f"{k} {v:,.1f} s" for k, v in done.seconds.items())
        self.stdout.write(self.style.SUCCESS(
            f"{done.practice.name} (practice {done.practice.pk}): {len(done.clinicians)} "
            f"clinicians, {len(done.supervisors)} supervisors, {done.clients:,} clients, "
            f"{done.logs:,} practice logs, {done.check_ins:,} check-ins, {done.events:,} audit "
            f"events, {done.refreshed:,} clients refreshed ({times})."))
        self.stdout.write(f"Sign in as {o['prefix']}clinician1@{scale.DOMAIN}, "
                          f"{o['prefix']}supervisor1@{scale.DOMAIN} or "
                          f"{o['prefix']}admin@{scale.DOMAIN}; password: {scale.PASSWORD}")
