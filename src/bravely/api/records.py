"""Session notes (create, update a draft, sign, addenda, co-sign, list, the period's facts),
the PDFs and the exports. A signed note is never changed: PUT on it is a 422 naming `note`."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from bravely.accounts.selectors import get_admin_membership
from bravely.api.schemas import Input
from bravely.audit.services import Actor, record
from bravely.clients.selectors import get_client
from bravely.records import archive, documents, export, fhir, pdf, selectors, services
from bravely.records.models import NOTE_TEXT

router = Router()


class AddendumOut(Schema):
    id: int
    text: str
    signed_by_id: int
    signed_at: dt.datetime
    signed_hash: str


class CoSignatureOut(Schema):
    id: int
    signed_by_id: int
    comment: str
    signed_at: dt.datetime
    note_hash: str


class NoteOut(Schema):
    id: int
    client_id: int
    author_id: int
    session_date: dt.date
    period_start: dt.date
    data: str
    assessment: str
    plan: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    signed: bool = Field(alias="is_signed")
    signed_at: dt.datetime | None
    signed_by_id: int | None
    signed_hash: str
    addenda: list[AddendumOut]
    cosignatures: list[CoSignatureOut]

    @staticmethod
    def resolve_addenda(obj):
        return list(obj.addenda.all())

    @staticmethod
    def resolve_cosignatures(obj):
        return list(obj.cosignatures.all())


class NoteCreate(Input):
    session_date: dt.date | None = None
    period_start: dt.date | None = None
    data: str = Field("", max_length=NOTE_TEXT)
    assessment: str = Field("", max_length=NOTE_TEXT)
    plan: str = Field("", max_length=NOTE_TEXT)


class NoteUpdate(Input):
    # Every field may be left out; none may be sent as null (the note has no null for it).
    version: int = Field(ge=1, le=2**31)
    session_date: dt.date = None
    period_start: dt.date = None
    data: str = Field(None, max_length=NOTE_TEXT)
    assessment: str = Field(None, max_length=NOTE_TEXT)
    plan: str = Field(None, max_length=NOTE_TEXT)


class SignIn(Input):
    version: int | None = Field(None, ge=1, le=2**31)


class AddendumIn(Input):
    text: str = Field(max_length=NOTE_TEXT)


class CoSignIn(Input):
    comment: str = Field("", max_length=3000)


class FactsOut(Schema):
    start: dt.date
    end: dt.date
    lines: list[str]
    text: str
    log_ids: list[int]
    measures_available: bool


def _actor(request):
    return Actor.from_request(request, via="api")


def _note(request, client_id, note_id, *, write=False):
    client = get_client(request.user, client_id, write=write)
    return client, selectors.get_note(client, note_id)


@router.get("/clients/{int:client_id}/notes", response=list[NoteOut],
            summary="Session notes, newest session first (the 100 most recent)")
def list_notes(request, client_id: int):
    client = get_client(request.user, client_id)
    items = list(selectors.notes(client)[:100])
    record(_actor(request), "view", client, object_type="session_notes",
           details={"note_ids": [n.pk for n in items]})
    return items


@router.post("/clients/{int:client_id}/notes", response={201: NoteOut},
             summary="Start a draft note")
def create_note(request, client_id: int, payload: NoteCreate):
    client = get_client(request.user, client_id, write=True)
    note = services.create_note(_actor(request), client, payload.dict())
    return Status(201, selectors.get_note(client, note.pk))


@router.get("/clients/{int:client_id}/notes/facts", response=FactsOut,
            summary="The facts of a period, to take into a note")
def period_facts(request, client_id: int, start: dt.date | None = None,
                 end: dt.date | None = None):
    """From `start` to `end` (both days included); by default the week up to today."""
    client = get_client(request.user, client_id)
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=7)
    if end < start or (end - start).days > 366:
        raise ValidationError({"start": _("Choose a start on or before the end, at most a "
                                          "year earlier.")})
    facts = selectors.period_facts(client, start, end)
    record(_actor(request), "view", client, object_type="session_notes",
           details={"facts": [start.isoformat(), end.isoformat()]})
    return {"start": start, "end": end, "lines": selectors.facts_lines(facts),
            "text": selectors.facts_text(facts), "log_ids": [log.pk for log in facts.logs],
            "measures_available": facts.measures_available}


@router.get("/clients/{int:client_id}/notes/{int:note_id}", response=NoteOut,
            summary="One session note")
def read_note(request, client_id: int, note_id: int):
    client, note = _note(request, client_id, note_id)
    record(_actor(request), "view", note, client=client)
    return note


@router.put("/clients/{int:client_id}/notes/{int:note_id}", response=NoteOut,
            summary="Save a draft (send the version it is based on)")
def update_note(request, client_id: int, note_id: int, payload: NoteUpdate):
    client, note = _note(request, client_id, note_id, write=True)
    data = {k: v for k, v in payload.dict(exclude={"version"}).items() if v is not None}
    services.update_draft(_actor(request), note, data, version=payload.version)
    return selectors.get_note(client, note.pk)


@router.post("/clients/{int:client_id}/notes/{int:note_id}/sign", response=NoteOut,
             summary="Sign a draft: it can no longer be changed")
def sign_note(request, client_id: int, note_id: int, payload: SignIn):
    client, note = _note(request, client_id, note_id, write=True)
    services.sign_note(_actor(request), note, version=payload.version)
    return selectors.get_note(client, note.pk)


@router.post("/clients/{int:client_id}/notes/{int:note_id}/addenda",
             response={201: AddendumOut}, summary="Add a signed addendum to a signed note")
def add_addendum(request, client_id: int, note_id: int, payload: AddendumIn):
    _client, note = _note(request, client_id, note_id, write=True)
    return Status(201, services.add_addendum(_actor(request), note, payload.text))


@router.post("/clients/{int:client_id}/notes/{int:note_id}/cosign",
             response={201: CoSignatureOut},
             summary="Co-sign a supervisee's signed note (supervisors)")
def cosign(request, client_id: int, note_id: int, payload: CoSignIn):
    _client, note = _note(request, client_id, note_id)
    if not selectors.may_cosign(request.user, note):
        raise Http404
    return Status(201, services.cosign(_actor(request), note, payload.comment))


@router.get("/clients/{int:client_id}/documents/{kind}",
            summary="A PDF: handout, summary or discharge",
            response={200: None}, openapi_extra={"responses": {200: {
                "description": "application/pdf",
                "content": {"application/pdf": {}}}}})
def document(request, client_id: int, kind: str):
    client = get_client(request.user, client_id)
    if kind not in documents.KINDS:
        raise Http404
    record(_actor(request), "export", client, object_type=f"pdf_{kind}",
           details={"archived": client.is_archived})
    response = HttpResponse(pdf.render_pdf(kind, client), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(kind, client)}"'
    return response


@router.get("/clients/{int:client_id}/export", summary="The complete record (JSON)",
            response={200: dict})
def export_json(request, client_id: int):
    client = get_client(request.user, client_id)
    record(_actor(request), "export", client, object_type="export_json",
           details={"audience": export.CARE_TEAM})
    return export.client_record(client, audience=export.CARE_TEAM)


@router.get("/clients/{int:client_id}/export/fhir",
            summary="The complete record as an HL7 FHIR R4 Bundle", response={200: None})
def export_fhir(request, client_id: int):
    client = get_client(request.user, client_id)
    record(_actor(request), "export", client, object_type="export_fhir",
           details={"audience": export.CARE_TEAM})
    return HttpResponse(json.dumps(fhir.bundle(client), ensure_ascii=False),
                        content_type="application/fhir+json; charset=utf-8")


@router.get("/practice/export", summary="Every client's record, streamed as a zip (admins)",
            response={200: None})
def practice_export(request):
    membership = get_admin_membership(request.user)
    response = StreamingHttpResponse(archive.stream(_actor(request), membership.practice),
                                     content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{archive.filename(membership.practice)}"')
    return response
