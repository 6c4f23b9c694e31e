"""Reading every table of a database, to compare a restored database with the original, and
rewriting a backup file the way an attacker or a damaged disk would."""

import io
import json
import tarfile
from pathlib import Path

from django.apps import apps


def model_tables() -> set[str]:
    """The table of every installed model, many-to-many tables included."""
    return {model._meta.db_table for model in apps.get_models(include_auto_created=True)}


def table_rows(cursor, tables, quote=lambda name: f'"{name}"') -> dict[str, list[tuple]]:
    """{table: its rows, sorted}: every column of every row, through any DB-API cursor."""
    found = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {quote(table)}")
        found[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return found


def every_table(connection) -> dict[str, list[tuple]]:
    """Every table the database has (Django's migrations table and SQLite's sqlite_sequence
    included), row by row. Fails if an installed model has no table in it."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        missing = model_tables() - tables
        assert not missing, f"models without a table: {sorted(missing)}"
        assert "django_migrations" in tables
        if connection.vendor == "sqlite":
            tables.add("sqlite_sequence")
        return table_rows(cursor, tables, connection.ops.quote_name)


def differences(before: dict, after: dict) -> list[str]:
    """What differs, table by table (for a readable failure)."""
    found = []
    for table in sorted(before.keys() | after.keys()):
        old, new = before.get(table), after.get(table)
        if old is None or new is None:
            found.append(f"{table}: {'missing' if new is None else 'new'} table")
        elif old != new:
            gone = [row for row in old if row not in new][:3]
            added = [row for row in new if row not in old][:3]
            found.append(f"{table}: {len(old)} -> {len(new)} rows; gone {gone}; new {added}")
    return found


def rewrite(archive: Path, target: Path, *, manifest=None, payload=None, extra=None) -> Path:
    """A copy of `archive` with a changed manifest (a function of its dict), payload bytes, or
    an extra member."""
    with tarfile.open(archive) as tar:
        members = {member.name: tar.extractfile(member).read() for member in tar.getmembers()}
    data = json.loads(members["manifest.json"])
    name = data["payload"]["name"]
    body = members.pop(name)
    if manifest is not None:
        data = manifest(data) or data
    if payload is not None:
        body = payload(body)
    files = {"manifest.json": json.dumps(data).encode(), data["payload"]["name"]: body,
             **(extra or {})}
    with tarfile.open(target, "w:gz") as tar:
        for member_name, content in files.items():
            info = tarfile.TarInfo(member_name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return target
