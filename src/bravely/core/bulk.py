"""Plain multi-row inserts for bulk loads (`bravely seed-scale`), without model instances.

`insert_rows(Model, rows)` writes dicts of column values (by attname) with one executemany per
batch, converting each value the way the model's field would (dates, times, JSON), and returns
the new ids. The ids are allocated after the table's highest one inside the caller's
transaction, so it is meant for a loader that is the only writer of those tables (on SQLite every
writer is serialised anyway); on PostgreSQL call `reset_sequences` once the load is done.
Nothing here validates: the caller builds rows the way its services would store them.
"""

from django.core.management.color import no_style
from django.db import connection, models


def _converter(field):
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda v: field.get_db_prep_save(v, connection)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None


def insert_rows(model, rows: list[dict], *, batch_size: int = 2000) -> list[int]:
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields]
    pk = model._meta.pk
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk.column)}), 0) "
                       f"FROM {table}")
        first = cursor.fetchone()[0] + 1
        ids = list(range(first, first + len(rows)))
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


def reset_sequences(*model_list) -> None:
    """After `insert_rows` on PostgreSQL: move each table's id sequence past its highest id."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
