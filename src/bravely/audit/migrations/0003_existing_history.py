"""The events written before chains become the start of the global chain, unchanged.

They keep their content, prev_hash and hash (hash_version 1, set by 0002); only their place is
written down: chain "global" and seq 1, 2, ... in id order (the order they were appended in, since
an event can only chain to one inserted before it). The global chain's head is set to the last of
them, so the next event without a practice follows it. `bravely audit verify` checks them as
before; an event that the old code chained to an earlier event than the one before it (two
writers at once on PostgreSQL) is accepted when it links to an earlier event of this history.
"""

from django.db import migrations

BATCH = 1000


def number_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChain = apps.get_model("audit", "AuditChain")
    events = AuditEvent.objects.using(schema_editor.connection.alias)
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET chain = 'global', seq = numbered.n "
                "FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM audit_auditevent) "
                "AS numbered WHERE audit_auditevent.id = numbered.id")
    else:
        ids = list(events.order_by("id").values_list("id", flat=True))
        for start in range(0, len(ids), BATCH):
            batch = [AuditEvent(id=pk, chain="global", seq=start + n + 1)
                     for n, pk in enumerate(ids[start:start + BATCH])]
            events.bulk_update(batch, ["chain", "seq"])
    last = events.order_by("-id").only("hash", "seq").first()
    if last is not None:
        AuditChain.objects.using(schema_editor.connection.alias).create(
            key="global", seq=last.seq, head_hash=last.hash)


def forget_chains(apps, schema_editor):
    AuditChain = apps.get_model("audit", "AuditChain")
    AuditChain.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_audit_chains'),
    ]

    operations = [
        migrations.RunPython(number_existing_events, forget_chains),
    ]
