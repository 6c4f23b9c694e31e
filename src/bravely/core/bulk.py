"""Plain multi-row inserts for bulk loads (`bravely seed-scale`), without model instances.

Two forms. `insert_rows(Model, rows)` writes dicts of column values (by attname), converting each
value the way the model's field would (dates, times, JSON), and returns the new ids.
`write_rows(Model, columns, rows)` is the fast one: tuples already in the database's form
(`adapt_datetime`, `adapt_date` and `json_text` give it), written with COPY on PostgreSQL
(psycopg 3) and one executemany on SQLite; columns left out get their field's default.

Ids are allocated after the table's highest one (`next_id`) inside the caller's transaction, so
both are meant for a loader that is the only writer of those tables (on SQLite every writer is
serialised anyway); on PostgreSQL call `reset_sequences` once the load is done. Nothing here
validates: the caller builds rows the way its services would store them.
"""

import json
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone


def _converter(field):
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda v: field.get_db_prep_save(v, connection)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None


def next_id(model) -> int:
    """The first free id after the table's highest (for a loader that is the only writer)."""
    pk = connection.ops.quote_name(model._meta.pk.column)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")
        return cursor.fetchone()[0] + 1


def insert_rows(model, rows: list[dict], *, batch_size: int = 2000) -> list[int]:
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields]
    pk = model._meta.pk
    table = connection.ops.quote_name(model._meta.db_table)
    first = next_id(model)
    ids = list(range(first, first + len(rows)))
    with connection.cursor() as cursor:
        plan = []
        for f in fields:
            default = None if f is pk else f.get_default
            plan.append((f.attname, _converter(f), default))
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        values = []
        for row, new_id in zip(rows, ids, strict=True):
            row[pk.attname] = new_id
            line = []
            for name, convert, default in plan:
                v = row[name] if name in row else default()
                line.append(convert(v) if convert is not None and v is not None else v)
            values.append(line)
            if len(values) >= batch_size:
                cursor.executemany(sql, values)
                values = []
        if values:
            cursor.executemany(sql, values)
    return ids


def _sqlite_datetime(value):
    """Django's SQLite form of a UTC datetime (`adapt_datetimefield_value`: naive UTC, `str`)."""
    text = value.isoformat(" ")
    if text[-6:] != "+00:00":
        raise ValueError(f"Bulk loads take UTC times, not {text}.")
    return text[:-6]


def _same(value):
    return value


def adapt_datetime():
    """A function that turns an aware UTC datetime into what `write_rows` takes."""
    return _sqlite_datetime if connection.vendor == "sqlite" else _same


def adapt_date():
    return str if connection.vendor == "sqlite" else _same


def json_text(value) -> str:
    """A JSONField value as the field stores it (`json.dumps`, the default encoder)."""
    return json.dumps(value)


def write_rows(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """Write tuples (values for `columns`, by attname, in the database's form) and return how
    many. The model's other concrete fields get their default, computed once. On PostgreSQL the
    id sequence is moved past the ids written, so the services' own inserts can follow."""
    names = {f.attname: f for f in model._meta.concrete_fields}
    extra = [f for name, f in names.items() if name not in columns]
    fill = tuple(_db_default(f) for f in extra)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    cols = ", ".join(quote(names[c].column) for c in columns + [f.attname for f in extra])
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                write = copy.write_row
                if fill:
                    for row in rows:
                        write(row + fill)
                        n += 1
                else:
                    for row in rows:
                        write(row)
                        n += 1
            pk = model._meta.pk
            if pk.attname in columns and n:  # the sequence past the ids written, for later writers
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                               f"(SELECT MAX({quote(pk.column)}) FROM {table}))",
                               [model._meta.db_table, pk.column])
            return n
        marks = ", ".join(["%s"] * (len(columns) + len(extra)))
        batch = list(rows) if not fill else [row + fill for row in rows]
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)
        return len(batch)


def _db_default(field):
    if not field.has_default():
        if field.null:
            return None
        raise ValueError(f"{field.model.__name__}.{field.attname} has no default: pass it.")
    value = field.get_default()
    if isinstance(field, models.JSONField):
        return json_text(value)
    if isinstance(field, models.DateTimeField):
        return adapt_datetime()(value)
    if isinstance(field, models.DateField):
        return adapt_date()(value)
    return value


def reset_sequences(*model_list) -> None:
    """After a load on PostgreSQL: move each table's id sequence past its highest id."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@contextmanager
def fast_load():
    """For the length of a bulk load on SQLite: no fsync at each commit (synchronous=OFF) and
    a 256 MB page cache, so that the random inserts into the big indexes stay in memory; both
    restored afterwards (journal_mode stays WAL). A crash meanwhile can lose the load's last
    transactions, never corrupt what was committed before it. Nothing changes on PostgreSQL."""
    if connection.vendor != "sqlite":
        yield
        return
    outside = not connection.in_atomic_block  # SQLite refuses the change inside a transaction
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        if outside:
            cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if outside:
                cursor.execute(f"PRAGMA synchronous={int(synchronous)}")
            cursor.execute(f"PRAGMA cache_size={int(cache_size)}")


_AUTO = object()  # an auto_now field: the time of the load


def insert_objects(model, objs: list) -> list:
    """Model instances written with `write_rows`: ids allocated here (`next_id`) and set on
    them, each field's value as the instance holds it (its defaults applied at creation;
    auto_now fields get the time of the call, as `pre_save` would). Many times cheaper than
    `bulk_create` per row; for plain instances only (no validation, no signals)."""
    if not objs:
        return objs
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    at, day = adapt_datetime(), adapt_date()
    stamp = at(timezone.now())
    plan = []
    for f in fields:
        convert = None
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            plan.append((f.attname, _AUTO))
            continue
        if isinstance(f, models.JSONField):
            convert = json_text
        elif isinstance(f, models.DateTimeField):
            convert = at
        elif isinstance(f, models.DateField):
            convert = day
        plan.append((f.attname, convert))
    first = next_id(model)
    rows = []
    for i, obj in enumerate(objs):
        obj.pk = first + i
        obj._state.adding, obj._state.db = False, connection.alias
        line = [obj.pk]
        for name, convert in plan:
            if convert is _AUTO:
                line.append(stamp)
                continue
            v = getattr(obj, name)
            line.append(convert(v) if convert is not None and v is not None else v)
        rows.append(tuple(line))
    write_rows(model, [model._meta.pk.attname] + [name for name, _c in plan], rows)
    return objs
