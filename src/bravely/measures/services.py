"""Writes for outcome measures: each in one transaction, validated (a ValidationError naming the
field or the item), audited. Scoring, severity and change come from `clinical.measures`.

A risk answer (an item with `risk_from`, e.g. PHQ-9 item 9 above 0) goes through the one risk
path, `practice.risk`: stored, it raises an alert at once (the client is shown support, the care
team is e-mailed), before the measure is finished; refused for any reason (a submitted measure,
an archived record, another answer out of range), it still raises one.
"""

import json
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.services import lock_client
from bravely.clinical import measures as rules
from bravely.measures import fhir
from bravely.measures.definitions import builtin_definitions
from bravely.measures.models import (
    Administration,
    Instrument,
    OffTrack,
    Response,
    Schedule,
    Wording,
)
from bravely.practice import risk

DEFAULT_REVIEW_WEEKS = 6
MAX_FILE_BYTES = 512 * 1024
Status = Administration.Status


# --- instruments --------------------------------------------------------------------------------


def ensure_builtins() -> list[Instrument]:
    """The shipped definitions as Instrument rows (created the first time they are needed)."""
    existing = {(i.code, i.version): i for i in Instrument.objects.filter(practice=None)}
    rows = []
    for code, data in builtin_definitions().items():
        row = existing.get((code, data["version"]))
        if row is None:
            try:
                with transaction.atomic():
                    row = Instrument.objects.create(
                        practice=None, code=code, version=data["version"], name=data["name"],
                        definition=data, licence_note=data.get("licence", ""))
            except IntegrityError:  # made by someone else meanwhile
                row = Instrument.objects.get(practice=None, code=code, version=data["version"])
        rows.append(row)
    return rows


def read_json_file(upload, field: str):
    """A small uploaded JSON file, or a ValidationError on that field saying what is wrong."""
    if upload is None:
        raise ValidationError({field: _("Choose a file.")})
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError({field: _("The file is larger than 512 KB.")})
    try:
        return json.loads(upload.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationError({field: _("The file is not valid JSON: %(error)s")
                                      % {"error": error}}) from None


def _problems(field, error) -> ValidationError:
    return ValidationError({field: [str(p) for p in error.problems]})


def _wording_from(instrument_rules, questionnaire, field="questionnaire"):
    try:
        parsed = fhir.read_questionnaire(questionnaire)
        return parsed.title, fhir.match(instrument_rules, parsed)
    except fhir.QuestionnaireError as error:
        raise _problems(field, error) from None


@transaction.atomic
def import_wording(actor: Actor, practice, instrument: Instrument, questionnaire, *,
                   licence_note: str, file_name: str = "") -> Wording:
    """Item wording from a FHIR R4 Questionnaire the practice is entitled to use."""
    if instrument.practice_id not in (None, practice.pk):
        raise ValidationError({"instrument": _("Choose one of your practice's instruments.")})
    if not (licence_note or "").strip():
        raise ValidationError({"licence_note": _(
            "Say under which licence or permission the practice uses this wording.")})
    title, items = _wording_from(instrument.rules, questionnaire)
    wording = Wording.objects.create(
        practice=practice, instrument=instrument, title=title[:300], items=items,
        licence_note=licence_note.strip(), file_name=file_name[:255], imported_by=actor.user)
    record(actor, "create", wording, practice_id=practice.pk,
           details={"instrument": instrument.code, "items": len(items)})
    return wording


@transaction.atomic
def import_instrument(actor: Actor, practice, definition, questionnaire=None, *,
                      licence_note: str, file_name: str = "") -> Instrument:
    """A whole instrument (definition, and wording when given) under the practice's licence."""
    if not (licence_note or "").strip():
        raise ValidationError({"licence_note": _(
            "Say under which licence or permission the practice uses this instrument.")})
    try:
        parsed = rules.parse_definition(definition)
    except rules.DefinitionError as error:
        raise _problems("definition", error) from None
    if parsed.code in builtin_definitions():
        raise ValidationError({"definition": _(
            "%(code)s is built in; import only its wording, or give the instrument another "
            "code.") % {"code": parsed.code}})
    if Instrument.objects.filter(practice=practice, code=parsed.code,
                                 version=parsed.version).exists():
        raise ValidationError({"definition": _(
            "Your practice already has %(code)s version %(version)s; give the new one another "
            "version.") % {"code": parsed.code, "version": parsed.version}})
    instrument = Instrument.objects.create(
        practice=practice, code=parsed.code, version=parsed.version, name=parsed.name[:200],
        definition=definition, licence_note=licence_note.strip(), imported_by=actor.user)
    record(actor, "create", instrument, practice_id=practice.pk,
           details={"code": parsed.code, "version": parsed.version})
    if questionnaire is not None:
        import_wording(actor, practice, instrument, questionnaire, licence_note=licence_note,
                       file_name=file_name)
    return instrument


# --- schedules and administrations --------------------------------------------------------------


def _not_archived(client):
    if client.is_archived:
        raise ValidationError({"client": _(
            "This client's record is archived: no measures can be scheduled or entered. "
            "Restore the record first.")})


def _usable(client, instrument):
    if instrument.practice_id not in (None, client.practice_id):
        raise ValidationError({"instrument": _("Choose one of your practice's instruments.")})


@transaction.atomic
def schedule_measure(actor: Actor, client, instrument: Instrument, *, starts_on: date,
                     every_weeks: int | None = None,
                     review_after_weeks: int = DEFAULT_REVIEW_WEEKS) -> Schedule:
    """Ask for a measure once, or every N weeks from `starts_on`; the first is due then."""
    lock_client(client.pk)
    _not_archived(client)
    _usable(client, instrument)
    if every_weeks is not None and not 1 <= every_weeks <= 52:
        raise ValidationError({"every_weeks": _("Repeat every 1 to 52 weeks.")})
    if not 1 <= review_after_weeks <= 52:
        raise ValidationError({"review_after_weeks": _("Choose 1 to 52 weeks.")})
    today = timezone.localdate()
    if starts_on < today - timedelta(days=366) or starts_on > today + timedelta(days=366):
        raise ValidationError({"starts_on": _("Choose a date within a year of today.")})
    schedule = Schedule.objects.create(client=client, instrument=instrument,
                                       every_weeks=every_weeks, starts_on=starts_on,
                                       review_after_weeks=review_after_weeks,
                                       created_by=actor.user)
    administration = Administration.objects.create(client=client, instrument=instrument,
                                                   schedule=schedule, due_on=starts_on)
    record(actor, "create", schedule, client=client,
           details={"instrument": instrument.code, "every_weeks": every_weeks,
                    "starts_on": starts_on.isoformat(), "administration": administration.pk})
    return schedule


@transaction.atomic
def end_schedule(actor: Actor, schedule: Schedule) -> Schedule:
    lock_client(schedule.client_id)
    if schedule.ended_at is None:
        schedule.ended_at = timezone.now()
        schedule.save(update_fields=["ended_at"])
        record(actor, "update", schedule, client=schedule.client, details={"ended": True})
    return schedule


def administration_for_entry(actor: Actor, client, instrument: Instrument) -> Administration:
    """The open administration of this instrument to enter from paper (the oldest due one), or
    a new one due today."""
    with transaction.atomic():
        lock_client(client.pk)
        _not_archived(client)
        _usable(client, instrument)
        found = (Administration.objects.filter(client=client, instrument=instrument,
                                               status__in=[Status.DUE, Status.IN_PROGRESS])
                 .order_by("due_on", "id").first())
        if found is None:
            found = Administration.objects.create(client=client, instrument=instrument,
                                                  due_on=timezone.localdate())
            record(actor, "create", found, client=client, details={"instrument": instrument.code})
        return found


def enter_from_paper(actor: Actor, client, instrument: Instrument, answers: dict, *,
                     completed_on: date | None = None) -> Administration:
    """A completed paper form, entered by the care team: fills the oldest open administration
    of the instrument (or a new one) and submits it. A risk answer alerts even when refused."""
    try:
        administration = administration_for_entry(actor, client, instrument)
    except ValidationError:
        if signals_risk(instrument.rules, answers):
            risk.raise_unlinked_alert(actor, client, risk.MEASURE, in_session=True)
        raise
    return save_answers(actor, administration, answers, source=Administration.Source.SESSION,
                        submit=True, completed_on=completed_on)


def signals_risk(instrument_rules, answers) -> bool:
    """Whether any raw answer (valid or not) scores as risk on a risk item."""
    for item in instrument_rules.risk_items:
        value = answers.get(item.id)
        try:
            value = int(value)
        except (TypeError, ValueError):
            continue
        if value >= item.risk_from:
            return True
    return False


def save_answers(actor: Actor, administration: Administration, answers: dict, *, source: str,
                 submit: bool = False, completed_on: date | None = None) -> Administration:
    """Store answers ({item id: score}); with submit, score it and close it.

    Answers are kept as they come (a half-completed measure is resumed where it was left); an
    answer may be changed until the measure is submitted, never after. A risk answer raises an
    alert at once, whether or not the rest is accepted."""
    instrument_rules = administration.instrument.rules
    in_session = source == Administration.Source.SESSION
    try:
        return _save_answers(actor, administration, answers, source=source, submit=submit,
                             completed_on=completed_on)
    except ValidationError:
        if signals_risk(instrument_rules, answers):
            risk.raise_unlinked_alert(actor, administration.client, risk.MEASURE,
                                      in_session=in_session)
        raise


@transaction.atomic
def _save_answers(actor, administration, answers, *, source, submit, completed_on):
    client = lock_client(administration.client_id)
    administration = Administration.objects.select_related("instrument", "schedule").get(
        pk=administration.pk)
    administration.client = client
    if administration.is_submitted:
        raise ValidationError({"administration": _(
            "This measure was already submitted; its answers are kept as they were.")})
    _not_archived(client)
    instrument = administration.instrument
    instrument_rules = instrument.rules
    if source not in Administration.Source.values:
        raise ValidationError({"source": _("Unknown source.")})
    clean = {}
    errors = {}
    for item_id, value in (answers or {}).items():
        try:
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value)
            clean[item_id] = rules.check_answer(instrument_rules, item_id, value)
        except rules.ScoringError as error:
            number = (instrument_rules.item_ids.index(item_id) + 1
                      if item_id in instrument_rules.item_ids else None)
            errors[item_id] = (_("Item %(number)s: choose one of the answers shown.")
                               % {"number": number} if number else
                               _("%(item)s is not an item of this measure.") % {"item": item_id})
            del error
    if errors:
        raise ValidationError(errors)
    stored = {r.item_id: r for r in administration.responses.all()}
    now = timezone.now()
    changed = []
    for item_id, value in clean.items():
        response = stored.get(item_id)
        if response is None:
            stored[item_id] = Response.objects.create(administration=administration,
                                                      item_id=item_id, value=value,
                                                      answered_at=now, answered_by=actor.user)
            changed.append(item_id)
        elif response.value != value:
            response.value, response.answered_at, response.answered_by = value, now, actor.user
            response.save(update_fields=["value", "answered_at", "answered_by"])
            changed.append(item_id)
    values = {item_id: r.value for item_id, r in stored.items()}
    result = rules.score(instrument_rules, values)
    if result.risk_items and administration.risk_alert_id is None:
        administration.risk_alert = risk.raise_measure_alert(
            actor, client, in_session=source == Administration.Source.SESSION,
            details={"administration": administration.pk, "instrument": instrument.code,
                     "items": list(result.risk_items)})
    if administration.status == Status.DUE and stored:
        administration.status = Status.IN_PROGRESS
        administration.started_at = now
    administration.source = source
    if submit:
        if not result.complete:
            missing = [instrument_rules.item_ids.index(i) + 1 for i in result.missing]
            raise ValidationError({"answers": _(
                "Answer every item before submitting: items %(items)s are not answered yet.")
                % {"items": ", ".join(str(n) for n in missing)}})
        completed_on = completed_on or timezone.localdate()
        if completed_on > timezone.localdate():
            raise ValidationError({"completed_on": _("The date cannot be in the future.")})
        band = rules.severity(instrument_rules, result.total)
        administration.status = Status.SUBMITTED
        administration.submitted_at = now
        administration.submitted_by = actor.user
        administration.completed_on = completed_on
        administration.total = result.total
        administration.subscales = dict(result.subscales)
        administration.severity = band.label if band else ""
        administration.prorated = result.prorated
        administration.scoring_version = instrument.scoring_version
    administration.save()
    record(actor, "submit" if submit else "update", administration, client=client,
           details={"instrument": instrument.code, "answered": changed, "source": source,
                    **({"total": result.total} if submit else {})})
    if submit:
        _next_due(administration)
        review(actor, client, instrument)
    return administration


def _next_due(administration):
    schedule = administration.schedule
    if schedule is None or schedule.every_weeks is None or schedule.ended_at is not None:
        return
    if Administration.objects.filter(schedule=schedule,
                                     status__in=[Status.DUE, Status.IN_PROGRESS]).exists():
        return
    every = timedelta(weeks=schedule.every_weeks)
    due = administration.due_on + every
    while due < administration.completed_on - every:  # completed late: no backlog
        due += every
    Administration.objects.create(client=administration.client, instrument=schedule.instrument,
                                  schedule=schedule, due_on=due)


def review(actor: Actor, client, instrument: Instrument) -> OffTrack | None:
    """Open (or close) the client's "not on track" item for this instrument after a score."""
    rows = list(Administration.objects.filter(client=client, instrument__code=instrument.code,
                                              instrument__practice=instrument.practice,
                                              status=Status.SUBMITTED)
                .order_by("completed_on", "id").values_list("pk", "completed_on", "total"))
    schedule = (Schedule.objects.filter(client=client, instrument=instrument)
                .order_by("ended_at", "-created_at").first())
    weeks = schedule.review_after_weeks if schedule else DEFAULT_REVIEW_WEEKS
    series = [(on, total) for _pk, on, total in rows if total is not None]
    result = rules.not_on_track(instrument.rules, series, weeks=weeks)
    current = OffTrack.objects.filter(client=client, instrument=instrument,
                                      closed_at__isnull=True).first()
    if result is None:
        if current is not None:
            current.closed_at = timezone.now()
            current.save(update_fields=["closed_at"])
            record(actor, "update", current, client=client, details={"on_track_again": True})
        return None
    evidence = {"instrument": instrument.code, "baseline_on": result.baseline_on.isoformat(),
                "baseline": result.baseline, "latest_on": result.latest_on.isoformat(),
                "latest": result.latest, "weeks": result.weeks, "weeks_allowed": weeks,
                "difference": result.change.difference, "rc": result.change.rc,
                "label": result.change.label, "administration_ids": [r[0] for r in rows]}
    if current is not None:
        if current.reason != result.reason or current.evidence != evidence:
            current.reason, current.evidence = result.reason, evidence
            current.administration_id = rows[-1][0]
            current.save(update_fields=["reason", "evidence", "administration"])
        return current
    flag = OffTrack.objects.create(client=client, instrument=instrument,
                                   administration_id=rows[-1][0], reason=result.reason,
                                   evidence=evidence)
    record(actor, "create", flag, client=client, details={"reason": result.reason})
    return flag
