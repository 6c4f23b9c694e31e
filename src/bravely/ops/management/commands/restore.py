from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from bravely.ops.archive import BackupError
from bravely.ops.database import restore_backup


class Command(BaseCommand):
    help = ("Replace the database with a backup made by `bravely backup`, after checking that the "
            "file is a Bravely backup (manifest and checksum), for this engine and not of a newer "
            "schema. A database that holds data is replaced only with --yes. Stop the app first.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="a file written by `bravely backup`")
        parser.add_argument("--yes", action="store_true",
                            help="replace the database even though it holds data")

    def handle(self, *args, path, yes, **options):
        try:
            restored = restore_backup(connection, path, overwrite=yes)
        except BackupError as error:
            raise CommandError(f"Not restored: {path}: {error}. Nothing was changed.") from None
        except DatabaseError as error:
            raise CommandError(f"Not restored: the database could not be used ({error}). "
                               "Nothing was changed.") from None
        manifest = restored.manifest
        self.stdout.write(self.style.SUCCESS(
            f"Restored {path}: taken {manifest.created_at} by Bravely {manifest.bravely_version} "
            f"({manifest.engine}, {len(manifest.migrations)} migrations)."))
        if restored.pending:
            self.stdout.write(self.style.WARNING(
                f"The backup's schema is older than this install's: {len(restored.pending)} "
                "migrations to apply. Run `bravely migrate` now, then `bravely audit verify`."))
        else:
            self.stdout.write("Check the restored audit trail with `bravely audit verify`.")
