"""One client's complete record as JSON: every table Bravely keeps about them, history included,
row by row (docs/export.md; the JSON Schema is schema/client-record.schema.json, made by
`record_schema()` and checked in tests).

Two audiences:
- ``care_team``: everything, with the audit trail of the record;
- ``client`` (the portal's "download my record"): the clinical record itself, signed notes
  included, but not the audit trail (a security log of staff and their addresses), unsigned
  drafts, the pacing engine's plumbing, nor staff e-mail addresses. docs/export.md says why.

A fixed number of queries whatever the size of the record (one or two per table).
"""

import datetime as dt
import decimal
import importlib
import uuid

from django.db import models as django_models
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.clients.models import Client, ConsentRecord
from bravely.pacing.models import Recommendation
from bravely.planning.models import (
    ChangeRecord,
    Clearance,
    DomainRating,
    ExposurePlan,
    HomeworkAssignment,
    LadderAcknowledgement,
    PaceDecision,
    Rationale,
    ReadinessHold,
    ReadinessScreen,
    Rung,
    RungDecline,
    SafetyAcknowledgement,
    SafetyParameters,
    ValuedGoal,
    ValuesAssessment,
    ValueStatement,
)
from bravely.portal.models import ClientAccount, SupportPerson
from bravely.practice.models import CheckIn, JournalEntry, PracticeLog, RiskAlert, StopEvent
from bravely.records.models import CoSignature, NoteAddendum, SessionNote
from bravely.records.selectors import measures_installed

FORMAT = "bravely.client-record"
VERSION = 1
CARE_TEAM, CLIENT = "care_team", "client"
AUDIENCES = (CARE_TEAM, CLIENT)


# (section, model, how to find the client's rows, {m2m field: key}); in an order that a loader
# can insert them in (every row after the rows it points at).
SECTIONS = [
    ("consents", ConsentRecord, lambda c: {"client": c}),
    ("values_assessments", ValuesAssessment, lambda c: {"client": c}),
    ("domain_ratings", DomainRating, lambda c: {"assessment__client": c}),
    ("value_statements", ValueStatement, lambda c: {"client": c}),
    ("valued_goals", ValuedGoal, lambda c: {"client": c}),
    ("safety_parameters", SafetyParameters, lambda c: {"client": c}),
    ("safety_acknowledgements", SafetyAcknowledgement, lambda c: {"parameters__client": c}),
    ("readiness_screens", ReadinessScreen, lambda c: {"client": c}),
    ("readiness_holds", ReadinessHold, lambda c: {"client": c}),
    ("clearances", Clearance, lambda c: {"hold__client": c}),
    ("exposure_plans", ExposurePlan, lambda c: {"client": c}),
    ("rungs", Rung, lambda c: {"plan__client": c}),
    ("ladder_acknowledgements", LadderAcknowledgement, lambda c: {"plan__client": c}),
    ("rung_declines", RungDecline, lambda c: {"rung__plan__client": c}),
    ("pace_decisions", PaceDecision, lambda c: {"plan__client": c}),
    ("homework", HomeworkAssignment, lambda c: {"client": c}),
    ("rationales", Rationale, lambda c: {"assignment__client": c}),
    ("change_history", ChangeRecord, lambda c: {"client": c}),
    ("practice_logs", PracticeLog, lambda c: {"client": c}),
    ("stop_events", StopEvent, lambda c: {"client": c}),
    ("check_ins", CheckIn, lambda c: {"client": c}),
    ("risk_alerts", RiskAlert, lambda c: {"client": c}),
    ("journal_entries", JournalEntry, lambda c: {"client": c}),
    ("recommendations", Recommendation, lambda c: {"client": c}),
    ("session_notes", SessionNote, lambda c: {"client": c}),
    ("note_addenda", NoteAddendum, lambda c: {"note__client": c}),
    ("cosignatures", CoSignature, lambda c: {"note__client": c}),
    ("portal_accounts", ClientAccount, lambda c: {"client": c}),
    ("support_persons", SupportPerson, lambda c: {"client": c}),
    ("audit_events", AuditEvent, lambda c: {"client_id": c.pk}),
]
SECTION_MODELS = {name: model for name, model, _q in SECTIONS}

# What the client's own copy leaves out, and why (docs/export.md).
CLIENT_OMITS_SECTIONS = {"audit_events"}
CLIENT_OMITS_FIELDS = {
    "recommendations": {"fingerprint", "evidence", "params", "rule", "alternative_of_id",
                        "priority", "requires_note_to_dismiss"},
    "support_persons": set(),
}
ORDER = {"audit_events": ("chain", "seq")}


def _value(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def exported_fields(model, section: str, audience: str) -> list:
    omit = CLIENT_OMITS_FIELDS.get(section, set()) if audience == CLIENT else set()
    return [f for f in model._meta.concrete_fields if f.attname not in omit]


def m2m_fields(model) -> list:
    return [f for f in model._meta.many_to_many]


def row(obj, fields, m2m=()) -> dict:
    data = {f.attname: _value(getattr(obj, f.attname)) for f in fields}
    for f in m2m:
        data[f.name] = sorted(o.pk for o in getattr(obj, f.name).all())
    return data


def _rows(section, model, lookup, client, audience):
    queryset = model._base_manager.filter(**lookup(client))
    if section == "session_notes" and audience == CLIENT:
        queryset = queryset.filter(signed_at__isnull=False)
    if section in ("note_addenda", "cosignatures") and audience == CLIENT:
        queryset = queryset.filter(note__signed_at__isnull=False)
    m2m = m2m_fields(model)
    if m2m:
        queryset = queryset.prefetch_related(*[f.name for f in m2m])
    queryset = queryset.order_by(*ORDER.get(section, ("pk",)))
    fields = exported_fields(model, section, audience)
    return [row(obj, fields, m2m) for obj in queryset]


def _people(client, sections: dict, audience: str) -> list:
    from bravely.accounts.models import User

    ids = set()
    for rows in sections.values():
        for item in rows:
            for key, value in item.items():
                if key.endswith(("_by_id", "author_id", "actor_id", "user_id", "entered_by_id",
                                 "primary_clinician_id", "archived_by_id")) and value:
                    ids.add(value)
    ids |= set(client.care_team.values_list("pk", flat=True))
    ids.add(client.primary_clinician_id)
    people = []
    for user in User.objects.filter(pk__in=ids).select_related("membership").order_by("pk"):
        membership = getattr(user, "membership", None)
        person = {"id": user.pk, "name": user.get_full_name() or "",
                  "role": membership.role if membership else "client_or_support"}
        if audience == CARE_TEAM:
            person["email"] = user.email
        people.append(person)
    return people


def measures_section(client) -> list:
    """Every administration of an outcome measure (the measures app), oldest first: the
    instrument, the status and dates, the responses, and for a submitted one its score with
    severity and the reliable-change label against the first score of the same instrument.
    Three queries whatever the number of administrations."""
    if not measures_installed():
        return []
    module = importlib.import_module("bravely.measures.selectors")
    changes = {row.administration.pk: row for row in module.history(client)}
    out = []
    for administration in (module.administrations(client).prefetch_related("responses")
                           .order_by("due_on", "id")):
        instrument = administration.instrument
        change = changes.get(administration.pk)
        out.append({
            "id": administration.pk,
            "instrument": {"code": instrument.code, "version": instrument.version,
                           "name": instrument.name,
                           "loinc_panel": instrument.rules.loinc_panel,
                           "loinc_total": instrument.rules.loinc_total},
            "status": administration.status,
            "source": administration.source,
            "due_on": _value(administration.due_on),
            "started_at": _value(administration.started_at),
            "submitted_at": _value(administration.submitted_at),
            "completed_on": _value(administration.completed_on),
            "responses": [{"item_id": r.item_id, "value": r.value,
                           "answered_at": _value(r.answered_at)}
                          for r in administration.responses.all()],
            "score": None if administration.total is None else {
                "total": administration.total,
                "subscales": administration.subscales,
                "prorated": administration.prorated,
                "scoring_version": administration.scoring_version,
                "severity": administration.severity,
                "severity_label": change.severity if change else "",
                "difference": change.difference if change else None,
                "reliable_change_index": change.rc if change else None,
                "change": change.label_code if change else "",
                "change_label": change.label if change else "",
            },
        })
    return out


def client_record(client: Client, *, audience: str = CARE_TEAM, now=None) -> dict:
    """The whole record of one client, for `audience` (care_team or client). Not audited: the
    caller (a view, the API, the practice export) records the export."""
    if audience not in AUDIENCES:
        raise ValueError(audience)
    now = now or timezone.now()
    client_fields = [f for f in Client._meta.concrete_fields]
    client_row = row(client, client_fields)
    client_row["care_team"] = sorted(client.care_team.values_list("pk", flat=True))
    sections = {}
    for name, model, lookup in SECTIONS:
        if audience == CLIENT and name in CLIENT_OMITS_SECTIONS:
            continue
        sections[name] = _rows(name, model, lookup, client, audience)
    return {
        "format": FORMAT,
        "version": VERSION,
        "audience": audience,
        "exported_at": now.isoformat(),
        "archived": client.is_archived,
        "practice": {"id": client.practice_id, "name": client.practice.name},
        "client": client_row,
        "people": _people(client, {**sections, "client": [client_row]}, audience),
        "sections": sections,
        "measures": measures_section(client),
    }


# The schema


def _field_schema(field) -> dict:
    if isinstance(field, django_models.JSONField):
        return {}
    if isinstance(field, (django_models.ForeignKey, django_models.OneToOneField)):
        kind = {"type": "integer"}
    elif isinstance(field, django_models.BooleanField):
        kind = {"type": "boolean"}
    elif isinstance(field, (django_models.AutoField, django_models.IntegerField)):
        kind = {"type": "integer"}
    elif isinstance(field, django_models.FloatField):
        kind = {"type": "number"}
    elif isinstance(field, django_models.DateTimeField):
        kind = {"type": "string", "format": "date-time"}
    elif isinstance(field, django_models.DateField):
        kind = {"type": "string", "format": "date"}
    else:
        kind = {"type": "string"}
    if field.null:
        kind = {"type": [kind["type"], "null"], **{k: v for k, v in kind.items()
                                                   if k != "type"}}
    label = str(field.verbose_name)
    if label and label != field.name.replace("_", " "):
        kind["description"] = label
    return kind


def _table_schema(model, required_omit=frozenset()) -> dict:
    properties = {f.attname: _field_schema(f) for f in model._meta.concrete_fields}
    for f in m2m_fields(model):
        properties[f.name] = {"type": "array", "items": {"type": "integer"}}
    required = [k for k in properties if k not in required_omit]
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False,
            "description": (model.__doc__ or "").strip().split("\n")[0]}


def _nullable(kind: str, fmt: str | None = None) -> dict:
    return {"type": [kind, "null"], **({"format": fmt} if fmt else {})}


MEASURE_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "description": "One administration of an outcome measure (measures.Administration).",
    "required": ["id", "instrument", "status", "source", "due_on", "started_at", "submitted_at",
                 "completed_on", "responses", "score"],
    "properties": {
        "id": {"type": "integer"},
        "instrument": {"type": "object", "additionalProperties": False,
                       "required": ["code", "version", "name", "loinc_panel", "loinc_total"],
                       "properties": {"code": {"type": "string"}, "version": {"type": "string"},
                                      "name": {"type": "string"},
                                      "loinc_panel": {"type": "string",
                                                      "description": "LOINC code of the form"},
                                      "loinc_total": {"type": "string",
                                                      "description": "LOINC code of the total"}}},
        "status": {"enum": ["due", "in_progress", "submitted"]},
        "source": {"type": "string"},
        "due_on": {"type": "string", "format": "date"},
        "started_at": _nullable("string", "date-time"),
        "submitted_at": _nullable("string", "date-time"),
        "completed_on": _nullable("string", "date"),
        "responses": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["item_id", "value", "answered_at"],
            "properties": {"item_id": {"type": "string"}, "value": {"type": "integer"},
                           "answered_at": {"type": "string", "format": "date-time"}}}},
        "score": {"oneOf": [{"type": "null"}, {
            "type": "object", "additionalProperties": False,
            "required": ["total", "subscales", "prorated", "scoring_version", "severity",
                         "severity_label", "difference", "reliable_change_index", "change",
                         "change_label"],
            "properties": {
                "total": {"type": "integer"}, "subscales": {"type": "object"},
                "prorated": {"type": "boolean"}, "scoring_version": {"type": "string"},
                "severity": {"type": "string"}, "severity_label": {"type": "string"},
                "difference": _nullable("integer"),
                "reliable_change_index": _nullable("number"),
                "change": {"enum": ["", "baseline", "reliably_improved",
                                    "no_reliable_change", "reliably_deteriorated",
                                    "recovered"]},
                "change_label": {"type": "string"}}}]},
    },
}


def record_schema() -> dict:
    """The JSON Schema (draft 2020-12) of `client_record`, for both audiences."""
    sections = {}
    for name, model, _lookup in SECTIONS:
        omit = frozenset(CLIENT_OMITS_FIELDS.get(name, ()))
        sections[name] = {"type": "array", "items": {"$ref": f"#/$defs/{name}"}}
        sections[name]["description"] = f"{model._meta.app_label}.{model.__name__}"
        sections.setdefault("_defs", {})[name] = _table_schema(model, omit)
    defs = sections.pop("_defs")
    client_schema = _table_schema(Client)  # care_team (many-to-many) is a list of user ids
    always = [name for name, _m, _l in SECTIONS if name not in CLIENT_OMITS_SECTIONS]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://bravely.example/schema/client-record.schema.json",
        "title": "Bravely: one client's complete record",
        "description": "See docs/export.md. Rows are the stored tables, one object per row, "
                       "with foreign keys as ids (field name ending in _id).",
        "type": "object",
        "required": ["format", "version", "audience", "exported_at", "archived", "practice",
                     "client", "people", "sections", "measures"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            "audience": {"enum": list(AUDIENCES)},
            "exported_at": {"type": "string", "format": "date-time"},
            "archived": {"type": "boolean"},
            "practice": {"type": "object", "required": ["id", "name"],
                         "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
            "client": {"$ref": "#/$defs/client"},
            "people": {"type": "array", "items": {
                "type": "object", "required": ["id", "name", "role"],
                "additionalProperties": False,
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                               "role": {"type": "string"},
                               "email": {"type": "string"}}}},
            "sections": {"type": "object", "required": always, "properties": sections,
                         "additionalProperties": False},
            "measures": {"type": "array", "items": {"$ref": "#/$defs/measure"},
                         "description": "Outcome measures: every administration with its "
                                        "responses and, once submitted, its score."},
        },
        "$defs": {"client": client_schema, "measure": MEASURE_SCHEMA, **defs},
    }
