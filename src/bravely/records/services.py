"""Writes for the clinical record. Each runs in one transaction, validates (a ValidationError
naming the field), writes and audits. A signed note is never changed: a correction is an
addendum."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.records import selectors
from bravely.records.models import NOTE_TEXT, CoSignature, NoteAddendum, SessionNote, content_hash

TEXT_FIELDS = ("data", "assessment", "plan")
EARLIEST = date(2000, 1, 1)


def _clean_text(data: dict, errors: dict) -> dict:
    cleaned = {}
    for name in TEXT_FIELDS:
        if name not in data:
            continue
        value = data.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[name] = _("Enter text.")
            continue
        if "\x00" in value:
            errors[name] = _("Null characters are not allowed.")
            continue
        value = value.replace("\r\n", "\n")
        if len(value) > NOTE_TEXT:
            errors[name] = _("Keep this to %(n)s characters or fewer.") % {"n": NOTE_TEXT}
            continue
        cleaned[name] = value
    return cleaned


def _check_dates(session_date, period_start, errors: dict) -> None:
    today = timezone.localdate()
    if not isinstance(session_date, date):
        errors["session_date"] = _("Enter the date of the session.")
        return
    if session_date > today + timedelta(days=1):
        errors["session_date"] = _("The session date cannot be in the future.")
    elif session_date < EARLIEST:
        errors["session_date"] = _("Enter a session date from 2000 on.")
    if period_start is not None:
        if not isinstance(period_start, date):
            errors["period_start"] = _("Enter the first day this note covers.")
        elif period_start > session_date:
            errors["period_start"] = _("The period starts after the session; choose a day on "
                                       "or before %(day)s.") % {"day": session_date.isoformat()}
        elif (session_date - period_start).days > 366:
            errors["period_start"] = _("Keep the period to a year or less.")


@transaction.atomic
def create_note(actor: Actor, client, data: dict) -> SessionNote:
    """A draft note for a session of a client the actor may change (checked by the caller)."""
    errors: dict = {}
    if client.is_archived:
        raise ValidationError({"session_date": _(
            "This client's record is archived; notes can no longer be added.")})
    session_date = data.get("session_date") or timezone.localdate()
    period_start = data.get("period_start")
    _check_dates(session_date, period_start, errors)
    texts = _clean_text(data, errors)
    if errors:
        raise ValidationError(errors)
    if period_start is None:
        period_start = selectors.default_period_start(client, session_date)
    now = timezone.now()
    note = SessionNote(client=client, author=actor.user, session_date=session_date,
                       period_start=period_start, created_at=now, updated_at=now, **texts)
    note.save()
    record(actor, "create", note, client=client)
    return note


def _lock(note) -> SessionNote:
    return SessionNote.objects.select_for_update().get(pk=note.pk)


def _editable(actor, note, version) -> SessionNote:
    note_now = _lock(note)
    if note_now.is_signed:
        raise ValidationError({"note": _(
            "This note is signed and can no longer be changed; add an addendum instead.")})
    if note_now.author_id != actor.user.pk:
        raise ValidationError({"note": _("Only the note's author can change or sign a draft.")})
    if version is not None and int(version) != note_now.version:
        raise ValidationError({"version": _(
            "This draft was saved elsewhere since you opened it (version %(now)s, yours "
            "%(yours)s). Reload it to see the latest text; copy your changes first.") % {
            "now": note_now.version, "yours": version}})
    return note_now


@transaction.atomic
def update_draft(actor: Actor, note, data: dict, *, version=None) -> SessionNote:
    """Save a draft's text (autosave and the save button): only the author, only a draft, and
    only over the version it was based on."""
    note = _editable(actor, note, version)
    errors: dict = {}
    texts = _clean_text(data, errors)
    session_date = data.get("session_date", note.session_date)
    period_start = data.get("period_start", note.period_start)
    _check_dates(session_date, period_start, errors)
    if errors:
        raise ValidationError(errors)
    changed = [k for k, v in texts.items() if getattr(note, k) != v]
    changed += [k for k, v in (("session_date", session_date), ("period_start", period_start))
                if getattr(note, k) != v]
    if not changed:
        return note
    for key, value in texts.items():
        setattr(note, key, value)
    note.session_date, note.period_start = session_date, period_start
    note.version += 1
    note.updated_at = timezone.now()
    note.save()
    record(actor, "update", note, client=note.client, details={"fields": sorted(changed),
                                                               "version": note.version})
    return note


@transaction.atomic
def sign_note(actor: Actor, note, *, version=None) -> SessionNote:
    note = _editable(actor, note, version)
    errors = {name: _("Write the %(part)s before signing.") % {"part": label}
              for name, label in (("data", _("data")), ("assessment", _("assessment")),
                                  ("plan", _("plan")))
              if not getattr(note, name).strip()}
    if errors:
        raise ValidationError(errors)
    note.signed_at = timezone.now()
    note.signed_by = actor.user
    note.signed_hash = content_hash(note.signed_payload())
    note.save()
    record(actor, "sign", note, client=note.client, details={"hash": note.signed_hash})
    return note


@transaction.atomic
def add_addendum(actor: Actor, note, text: str) -> NoteAddendum:
    """A signed correction or addition to a signed note, by anyone who may change the client."""
    note = _lock(note)
    if not note.is_signed:
        raise ValidationError({"text": _(
            "This note is still a draft: change the draft itself instead of adding an "
            "addendum.")})
    errors: dict = {}
    cleaned = _clean_text({"data": text}, errors)
    if errors:
        raise ValidationError({"text": errors["data"]})
    text = cleaned["data"].strip()
    if not text:
        raise ValidationError({"text": _("Write the addendum.")})
    addendum = NoteAddendum(note=note, text=text, signed_by=actor.user,
                            signed_at=timezone.now())
    addendum.signed_hash = content_hash(addendum.signed_payload())
    addendum.save()
    record(actor, "sign", addendum, client=note.client,
           details={"note": note.pk, "hash": addendum.signed_hash})
    return addendum


@transaction.atomic
def cosign(actor: Actor, note, comment: str = "") -> CoSignature:
    """The author's supervisor co-signs a signed note (the caller checks `may_cosign`)."""
    note = selectors.notes(note.client).select_for_update(of=("self",)).get(pk=note.pk)
    if not note.is_signed:
        raise ValidationError({"note": _("Only a signed note can be co-signed.")})
    if not selectors.may_cosign(actor.user, note):
        raise ValidationError({"note": _(
            "Only the author's supervisor can co-sign this note, once.")})
    comment = (comment or "").strip()
    if "\x00" in comment:
        raise ValidationError({"comment": _("Null characters are not allowed.")})
    if len(comment) > 3000:
        raise ValidationError({"comment": _("Keep this to %(n)s characters or fewer.")
                               % {"n": 3000}})
    signature = CoSignature.objects.create(note=note, signed_by=actor.user, comment=comment,
                                           note_hash=note.signed_hash)
    record(actor, "sign", signature, client=note.client,
           details={"note": note.pk, "cosign": True, "hash": note.signed_hash})
    return signature
