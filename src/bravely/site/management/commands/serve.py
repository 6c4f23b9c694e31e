import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Bravely with gunicorn (production). Run `bravely migrate` after upgrades."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BRAVELY_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", default=os.environ.get("BRAVELY_WORKERS", "3"))

    def handle(self, *args, bind, workers, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = [sys.executable, "-m", "gunicorn", "bravely.wsgi:application",
                "--bind", bind, "--workers", str(workers), "--access-logfile", "-"]
        self.stdout.write(f"Serving on http://{bind}/")
        os.execv(sys.executable, argv)
