import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


def gunicorn_argv(bind: str, workers: int, max_requests: int) -> list[str]:
    """A worker is replaced after about max_requests requests (10% jitter, so that they do not
    all restart at once): what a worker loads for charts and PDFs stays bounded
    (docs/performance.md, "Worker memory"). 0 keeps workers for good."""
    argv = [sys.executable, "-m", "gunicorn", "bravely.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--access-logfile", "-"]
    if max_requests > 0:
        argv += ["--max-requests", str(max_requests),
                 "--max-requests-jitter", str(max(1, max_requests // 10))]
    return argv


class Command(BaseCommand):
    help = "Serve Bravely with gunicorn (production). Run `bravely migrate` after upgrades."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BRAVELY_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("BRAVELY_WORKERS", "3")))
        parser.add_argument("--max-requests", type=int,
                            default=int(os.environ.get("BRAVELY_MAX_REQUESTS", "2000")),
                            help="Replace a worker after about this many requests (0: never).")

    def handle(self, *args, bind, workers, max_requests, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Serving on http://{bind}/")
        argv = gunicorn_argv(bind, workers, max_requests)
        os.execv(sys.executable, argv)
