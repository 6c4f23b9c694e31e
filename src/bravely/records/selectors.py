"""Reads for the clinical record: notes (scoped through the client), the facts of a period that a
note can take in, and who may co-sign. Every function takes a client already got through
`clients.selectors.get_client` (or the portal's `own_client`)."""

import importlib
import importlib.util
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import mean
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bravely.accounts.models import Role
from bravely.accounts.selectors import membership_of
from bravely.pacing.models import Recommendation
from bravely.planning.models import SafetyParameters
from bravely.practice.models import CheckIn, PracticeLog, RiskAlert
from bravely.records.models import CoSignature, NoteAddendum, SessionNote


def notes(client):
    return (SessionNote.objects.filter(client=client)
            .select_related("author", "signed_by")
            .prefetch_related(
                Prefetch("addenda", NoteAddendum.objects.select_related("signed_by")),
                Prefetch("cosignatures", CoSignature.objects.select_related("signed_by")))
            .order_by("-session_date", "-id"))


def signed_notes(client):
    return notes(client).filter(signed_at__isnull=False)


def get_note(client, pk) -> SessionNote:
    return get_object_or_404(notes(client), pk=pk)


def may_edit_draft(user, note) -> bool:
    """Only the author edits and signs a draft (the rest of the care team reads it)."""
    return not note.is_signed and note.author_id == getattr(user, "pk", None)


def may_cosign(user, note) -> bool:
    """A supervisor co-signs a signed note written by someone they supervise, once."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.SUPERVISOR or not note.is_signed:
        return False
    author = membership_of(note.author)
    if author is None or author.supervisor_id != membership.pk:
        return False
    return not any(c.signed_by_id == user.pk for c in note.cosignatures.all())


def default_period_start(client, session_date: date) -> date:
    """The day after the last signed note's session, or a week before this session."""
    last = (SessionNote.objects.signed().filter(client=client, session_date__lt=session_date)
            .order_by("-session_date").values_list("session_date", flat=True).first())
    return last + timedelta(days=1) if last else session_date - timedelta(days=7)


# The facts of a period


@dataclass
class PeriodFacts:
    start: date
    end: date
    logs: list = field(default_factory=list)
    check_ins: list = field(default_factory=list)
    decided: list = field(default_factory=list)
    safety_changes: list = field(default_factory=list)
    alerts: list = field(default_factory=list)
    measures: list = field(default_factory=list)  # filled when the measures app is installed
    measures_available: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.logs or self.check_ins or self.decided or self.safety_changes
                    or self.alerts or self.measures)


def _bounds(client, start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(client.time_zone or "UTC")
    return (datetime.combine(start, time.min, zone),
            datetime.combine(end + timedelta(days=1), time.min, zone))


def measures_installed() -> bool:
    """The measures app (outcome measures) is an extension: its facts appear once it exists."""
    return module_available("bravely.measures.selectors")


def module_available(name: str) -> bool:
    """Whether an optional module of ours exists (its parent package too), without importing
    anything that is missing."""
    parent = name.rsplit(".", 1)[0]
    try:
        return (importlib.util.find_spec(parent) is not None
                and importlib.util.find_spec(name) is not None)
    except ModuleNotFoundError:
        return False


def measure_history(client, start=None, end=None) -> list[dict]:
    """Every submitted, scored measure from the measures app (`bravely.measures.selectors
    .history`, one query), newest first: instrument, code, date, score, severity, the change
    from the first score and its reliable-change label. `start`/`end` keep one period."""
    if not measures_installed():
        return []
    module = importlib.import_module("bravely.measures.selectors")
    kept = []
    for row in module.history(client):
        administration = row.administration
        when = administration.completed_on
        if administration.total is None or (start is not None and when is not None
                                             and not start <= when <= end):
            continue
        kept.append({"instrument": administration.instrument.name,
                     "code": administration.instrument.code, "date": when,
                     "score": administration.total, "severity": row.severity,
                     "difference": row.difference, "change_label": row.label,
                     "change_code": row.label_code})
    return kept


def _get(item, key):
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def period_facts(client, start: date, end: date) -> PeriodFacts:
    """What Bravely recorded for this client from `start` to `end` (both days included, in the
    client's time zone): a fixed number of queries whatever the number of records."""
    since, until = _bounds(client, start, end)
    facts = PeriodFacts(start=start, end=end)
    facts.logs = list(PracticeLog.objects.filter(client=client, started_at__gte=since,
                                                 started_at__lt=until)
                      .select_related("rung").order_by("started_at", "id"))
    facts.check_ins = list(CheckIn.objects.filter(client=client, at__gte=since, at__lt=until)
                           .order_by("at", "id"))
    facts.decided = list(Recommendation.objects.filter(
        client=client, decided_at__gte=since, decided_at__lt=until)
        .select_related("rung", "decided_by").order_by("decided_at", "id"))
    facts.safety_changes = list(SafetyParameters.objects.filter(
        client=client, recorded_at__gte=since, recorded_at__lt=until)
        .select_related("recorded_by").order_by("version"))
    facts.alerts = list(RiskAlert.objects.filter(client=client).filter(
        Q(raised_at__gte=since, raised_at__lt=until)
        | Q(closed_at__gte=since, closed_at__lt=until))
        .select_related("closed_by").order_by("raised_at", "id"))
    facts.measures_available = measures_installed()
    facts.measures = measure_history(client, start, end)
    return facts


def _trend(first: float, last: float) -> str:
    if last < first:
        return _("falling")
    if last > first:
        return _("rising")
    return _("steady")


def facts_lines(facts: PeriodFacts) -> list[str]:
    """The period's facts as sentences a clinician can take into the note's Data."""
    lines = [_("Period %(start)s to %(end)s.") % {"start": facts.start.isoformat(),
                                                  "end": facts.end.isoformat()}]
    if facts.logs:
        rungs = {}
        for log in facts.logs:
            rungs.setdefault(log.rung.behaviour, []).append(log)
        lines.append(ngettext("%(n)s practice logged", "%(n)s practices logged",
                              len(facts.logs)) % {"n": len(facts.logs)}
                     + ": " + "; ".join(f"“{name}” ×{len(items)}"
                                        for name, items in rungs.items()) + ".")
        peaks = [log.distress_peak for log in facts.logs]
        lines.append(_("Peak distress from %(first)s to %(last)s (mean %(mean)s, %(trend)s).") % {
            "first": peaks[0], "last": peaks[-1], "mean": round(mean(peaks)),
            "trend": _trend(peaks[0], peaks[-1])})
        rated = [log for log in facts.logs if log.likelihood_after is not None
                 and log.likelihood_before is not None]
        if rated:
            lines.append(_("Expected likelihood of the feared outcome: %(before)s %% before, "
                           "%(after)s %% after, on average (%(n)s practices).") % {
                "before": round(mean(log.likelihood_before for log in rated)),
                "after": round(mean(log.likelihood_after for log in rated)), "n": len(rated)})
        early = sum(1 for log in facts.logs if log.stopped_early)
        if early:
            lines.append(ngettext("%(n)s practice ended early.", "%(n)s practices ended early.",
                                  early) % {"n": early})
        over = sum(1 for log in facts.logs if log.over_ceiling)
        if over:
            lines.append(ngettext("%(n)s practice reached the distress ceiling.",
                                  "%(n)s practices reached the distress ceiling.", over)
                         % {"n": over})
    else:
        lines.append(_("No practice logged."))
    if facts.check_ins:
        risk = sum(1 for c in facts.check_ins if c.risk)
        lines.append(ngettext("%(n)s check-in", "%(n)s check-ins", len(facts.check_ins))
                     % {"n": len(facts.check_ins)}
                     + (" " + ngettext("(%(r)s with a risk answer).",
                                       "(%(r)s with a risk answer).", risk) % {"r": risk}
                        if risk else "."))
    for rec in facts.decided:
        lines.append(_("Recommendation “%(kind)s”%(rung)s: %(status)s by %(who)s on "
                       "%(when)s%(note)s.") % {
            "kind": rec.get_kind_display(),
            "rung": f" ({rec.rung.behaviour})" if rec.rung else "",
            "status": rec.get_status_display().lower(), "who": rec.decided_by,
            "when": timezone.localtime(rec.decided_at).date().isoformat(),
            "note": f": {rec.decision_note.rstrip('.')}" if rec.decision_note else ""})
    for version in facts.safety_changes:
        lines.append(_("Safety parameters version %(v)s (ceiling %(c)s)%(why)s.") % {
            "v": version.version, "c": version.distress_ceiling,
            "why": f": {version.change_note.rstrip('.')}" if version.change_note else ""})
    for alert in facts.alerts:
        raised = timezone.localtime(alert.raised_at).date().isoformat()
        if alert.closed_at:
            lines.append(_("Risk alert raised %(raised)s, closed %(closed)s by %(who)s: "
                           "%(note)s") % {
                "raised": raised, "closed": timezone.localtime(alert.closed_at).date().isoformat(),
                "who": alert.closed_by, "note": alert.note})
        else:
            lines.append(_("Risk alert raised %(raised)s, still open.") % {"raised": raised})
    for item in facts.measures:
        lines.append(_("Measure %(name)s: %(score)s%(change)s.") % {
            "name": _get(item, "instrument") or _get(item, "name") or "",
            "score": _get(item, "score"),
            "change": f" ({_get(item, 'change_label')})" if _get(item, "change_label") else ""})
    return lines


def facts_text(facts: PeriodFacts) -> str:
    return "\n".join(f"- {line}" for line in facts_lines(facts))
