from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from bravely.ops.archive import BackupError
from bravely.ops.database import take_backup


def default_name(folder: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = folder / f"bravely-{stamp}.tar.gz", 1
    while path.exists():
        path, n = folder / f"bravely-{stamp}-{n}.tar.gz", n + 1
    return path


class Command(BaseCommand):
    help = ("Back up the database while Bravely runs: a consistent snapshot (SQLite's backup API "
            "or pg_dump) and a manifest, in one .tar.gz readable by its owner only. "
            "`bravely restore` reads it.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?",
                            help="the backup file to write, or a folder for it "
                                 "(default: BRAVELY_DATA_DIR/backups/bravely-<UTC time>.tar.gz)")

    def handle(self, *args, path, **options):
        if path is None:
            destination = default_name(settings.DATA_DIR / "backups")
        elif Path(path).is_dir() or path.endswith("/"):
            destination = default_name(Path(path))
        else:
            destination = Path(path)
        destination = destination.absolute()
        try:
            manifest = take_backup(connection, destination)
        except BackupError as error:
            raise CommandError(f"Backup failed: {error}.") from None
        except DatabaseError as error:
            raise CommandError(f"Backup failed: the database could not be read ({error}).") \
                from None
        self.stdout.write(str(destination))
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"  {manifest.engine}, {len(manifest.migrations)} migrations, taken "
                f"{manifest.created_at}, {manifest.payload_size:,} bytes of data, "
                f"sha256 {manifest.payload_sha256}")
