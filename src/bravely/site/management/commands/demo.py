import os
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from bravely.maintenance.reminders import run_forever
from bravely.site.demo import DEMO_PASSWORD, PRACTICE_NAME, load_demo


class Command(BaseCommand):
    help = "Set up the demo practice in the data folder and serve it (http://127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up only; do not serve.")

    def handle(self, *args, host, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS(f"\n{PRACTICE_NAME} is ready (demo data, fictional)."))
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        for email, name, role in logins:
            self.stdout.write(f"  {role:<16} {name:<18} {email}")
        if not no_serve:
            if "SITE_ROOT" not in os.environ:  # links in e-mails point at this server
                settings.SITE_ROOT = f"http://{host}:{port}"
            self.stdout.write(f"\nOpen http://{host}:{port}/ (Ctrl+C stops the server)\n")
            # the reminder worker beside the server (e-mails go to this console in the demo)
            threading.Thread(target=run_forever, args=(60,), daemon=True,
                             name="bravely-worker").start()
            call_command("runserver", f"{host}:{port}", use_reloader=False)
