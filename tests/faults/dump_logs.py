"""Run as `python -m tests.faults.dump_logs`: every practice log as JSON (the last line), and the
database's own integrity check (SQLite's PRAGMA integrity_check; on PostgreSQL, that every row
of the tables written under load can be read back)."""

import json

import django

FIELDS = ("id", "idempotency_key", "duration_minutes", "distress_before", "distress_peak",
          "distress_after", "what_happened")


def main():
    django.setup()
    from django.db import connection

    from bravely.audit.models import AuditEvent
    from bravely.practice.models import PracticeLog

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            integrity = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute("SELECT count(*) FROM practice_practicelog")
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            integrity = ["ok"]
    logs = list(PracticeLog.objects.values(*FIELDS))
    print(json.dumps({"integrity": integrity, "logs": logs,
                      "audit_events": AuditEvent.objects.count()}))


if __name__ == "__main__":
    main()
