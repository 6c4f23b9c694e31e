"""The practice-wide export for an administrator leaving Bravely: every client's record as JSON
and as a FHIR Bundle, in one zip written as it is sent (`zipfile` on a stream that is never
seeked: entries carry data descriptors), clients read in chunks, so memory stays flat whatever
the size of the practice.

The last entry is `manifest.json` with `"complete": true` and the counts; an archive cut off half
way has no manifest (and no zip directory), so it cannot pass for a complete one.
"""

import json
import zipfile

from django.utils import timezone

from bravely.audit.services import Actor, record
from bravely.clients.models import Client
from bravely.records import export, fhir

CHUNK = 50


class _Pipe:
    """A write-only, unseekable file whose written bytes are collected for the next yield."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self):
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def client_ids(practice_id) -> list[int]:
    """Read in full first: no cursor stays open while records and audit entries are written."""
    return list(Client.objects.filter(practice_id=practice_id).order_by("pk")
                .values_list("pk", flat=True))


def stream(actor: Actor, practice, *, chunk: int = CHUNK):
    """Yield the zip's bytes; each client's export is audited as it is written."""
    now = timezone.now()
    ids = client_ids(practice.pk)
    record(actor, "export", practice, practice_id=practice.pk, object_type="practice_export",
           details={"clients": len(ids), "started": now.isoformat()})
    pipe = _Pipe()
    counts = {"clients": 0, "archived": 0}
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for start in range(0, len(ids), chunk):
            batch = (Client.objects.filter(pk__in=ids[start:start + chunk])
                     .select_related("practice", "primary_clinician").order_by("pk"))
            for client in batch:
                data = export.client_record(client, audience=export.CARE_TEAM, now=now)
                archive.writestr(f"clients/{client.pk}/record.json",
                                 json.dumps(data, ensure_ascii=False, indent=1))
                archive.writestr(f"clients/{client.pk}/fhir-bundle.json",
                                 json.dumps(fhir.bundle(client, record=data),
                                            ensure_ascii=False, indent=1))
                record(actor, "export", client, object_type="client_record",
                       details={"practice_export": True})
                counts["clients"] += 1
                counts["archived"] += int(client.is_archived)
                yield pipe.take()
        archive.writestr("schema/client-record.schema.json",
                         json.dumps(export.record_schema(), indent=1))
        archive.writestr("manifest.json", json.dumps({
            "format": "bravely.practice-export", "version": 1, "complete": True,
            "practice": {"id": practice.pk, "name": practice.name},
            "exported_at": now.isoformat(), "finished_at": timezone.now().isoformat(),
            **counts}, indent=1))
    yield pipe.take()


def filename(practice) -> str:
    return f"bravely-practice-{practice.pk}-{timezone.now():%Y%m%d-%H%M}.zip"
