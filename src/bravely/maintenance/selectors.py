"""Reads for maintenance, scoped through `clients.selectors.get_client` (staff) or
`portal.selectors.own_client` / `active_supports` (client, support): the caller gets the client
first, these read what belongs to it."""

from datetime import date, timedelta

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bravely.clinical import maintenance as rules
from bravely.clinical import measures as measure_rules
from bravely.maintenance.models import (
    Booster,
    BoosterOffer,
    LifestyleExposure,
    MaintenanceItem,
    MaintenancePhase,
    MaintenanceSettings,
    RelapsePlan,
    RelapsePlanAcknowledgement,
    ReminderPreference,
    SupportGuidance,
)
from bravely.measures import selectors as measure_selectors
from bravely.planning.models import Rung
from bravely.planning.selectors.safety import current_safety

# Our own words (not quoted from a source), shown as the plan's first draft; client and
# clinician change them freely.
LAPSE_NOTE = gettext_lazy(
    "A lapse is a slip: for a day or a week I avoid something again, or the old fear comes "
    "back for a while. It is normal, it is not failure, and it does not undo what I learned. "
    "I notice it, go back to my practice, and use my plan. A relapse is when the old avoidance "
    "settles in again for weeks and life shrinks back to how it was before treatment. If a "
    "lapse is turning into that, I contact my clinician early: that is what a booster is for.")
SKILLS = (
    (gettext_lazy("Problem-solving"),
     gettext_lazy("When a situation seems too big: break it into steps and pick the first one.")),
    (gettext_lazy("Communication"),
     gettext_lazy("When I need to ask for what I need or say no, clearly and kindly.")),
    (gettext_lazy("Emotional regulation"),
     gettext_lazy("When feelings run high: name the feeling, let it rise and fall without "
         "acting on it.")),
    (gettext_lazy("Coping skills"),
     gettext_lazy("When distress is high outside practice: the skills in my safety plan.")),
)
SAFETY_NOTE = gettext_lazy(
    "My limits and my exit strategies still apply when I practise on my own. They can change "
    "as I grow, together with my clinician, without undoing my progress: every change is a new "
    "version.")



def settings_for(practice) -> MaintenanceSettings:
    found = MaintenanceSettings.objects.filter(practice=practice).first()
    return found or MaintenanceSettings(practice=practice)


def phase_of(client) -> MaintenancePhase | None:
    return MaintenancePhase.objects.filter(client=client).first()


def weeks_for(phase: MaintenancePhase) -> tuple[int, ...]:
    """The booster weeks in force for this client (their own, else the practice's), earlier for
    a client who responded but did not reach remission."""
    weeks = phase.booster_weeks or settings_for(phase.client.practice).booster_weeks
    return rules.booster_weeks(weeks, responded_not_remitted=phase.responded_not_remitted
                               or responded_not_remitted(phase.client, phase.started_on))


def responded_not_remitted(client, ended_on: date | None = None) -> bool:
    """From the outcome measures (bravely.measures): on some instrument with a cut-off, the
    client's score at the end of active treatment (the last one on or before `ended_on`, else
    the latest) is a reliable improvement on their first score, yet still on the clinical side
    of the cut-off. Boosters then come earlier. One query."""
    for definition, totals in _measure_series(client):
        before = [t for day, t in totals if ended_on is None or day <= ended_on]
        if len(before) < 2:
            continue
        result = measure_rules.change(definition, before[0], before[-1])
        if result.improved and measure_rules.is_clinical(definition, before[-1]):
            return True
    return False


def reliable_deterioration(client, since: date | None = None) -> bool:
    """From the outcome measures (bravely.measures): a score after `since` (the end of active
    treatment: the maintenance phase's start when not given) reliably worse than the last
    score on or before it (else the first score of the same instrument). One or two queries."""
    if since is None:
        since = MaintenancePhase.objects.filter(client=client).values_list(
            "started_on", flat=True).first()
    for definition, totals in _measure_series(client):
        before = [t for day, t in totals if since is not None and day <= since]
        after = [t for day, t in totals if since is None or day > since]
        if not before:  # no score by the end of treatment: the first one is the baseline
            before, after = after[:1], after[1:]
        if before and any(measure_rules.change(definition, before[-1], total).deteriorated
                          for total in after):
            return True
    return False


def _measure_series(client) -> list:
    """[(instrument rules, [(completed on, total)] oldest first)] per instrument, from the
    measures app's history (one query)."""
    series: dict = {}
    for row in reversed(measure_selectors.history(client)):  # history is newest first
        administration = row.administration
        if administration.total is None or administration.completed_on is None:
            continue
        instrument = administration.instrument
        entry = series.setdefault((instrument.practice_id, instrument.code),
                                  [instrument.rules, []])
        entry[0] = instrument.rules  # the newest definition's thresholds
        entry[1].append((administration.completed_on, administration.total))
    return [(definition, totals) for definition, totals in series.values()]


# --- the relapse-prevention plan ---------------------------------------------------------------


def current_plan(client) -> RelapsePlan | None:
    return (RelapsePlan.objects.filter(client=client).select_related("recorded_by", "safety")
            .prefetch_related("acknowledgements").order_by("-version").first())


def plan_versions(client):
    return (RelapsePlan.objects.filter(client=client).select_related("recorded_by", "safety")
            .prefetch_related(Prefetch("acknowledgements",
                                       RelapsePlanAcknowledgement.objects.select_related(
                                           "recorded_by"))).order_by("-version"))


def acknowledged_in_portal(plan) -> bool:
    return plan is not None and any(a.method == RelapsePlanAcknowledgement.Method.PORTAL
                                    for a in plan.acknowledgements.all())


def latest_agreement(plan) -> RelapsePlanAcknowledgement | None:
    """The latest record that the client agreed to this version, in the portal or in session."""
    if plan is None:
        return None
    return max(plan.acknowledgements.all(), key=lambda a: (a.acknowledged_at, a.pk), default=None)


def mastered_rungs(client):
    return (Rung.objects.filter(plan__client=client, status=Rung.Status.MASTERED)
            .exclude(plan__status="archived").select_related("plan")
            .prefetch_related("values").order_by("plan_id", "-predicted_distress", "id"))


def suggestions(client) -> dict:
    """What Bravely gathers as a first draft: per mastered rung, the values it served and the
    client's own reflections from its logs; the contacts from the safety parameters; the skills
    and the lapse note in our words. Three queries whatever the ladder's size."""
    rungs = list(mastered_rungs(client))
    reflections: dict[int, list[str]] = {}
    logs = (client.practice_logs.filter(rung__in=rungs).exclude(value_reflection="")
            .order_by("-started_at").values_list("rung_id", "value_reflection"))
    for rung_id, text in logs[:200]:
        found = reflections.setdefault(rung_id, [])
        if len(found) < 2 and text.strip() not in found:
            found.append(text.strip())
    values = []
    for rung in rungs:
        served = [v.text for v in rung.values.all()] + reflections.get(rung.pk, [])
        values.append({"achievement": rung.behaviour, "values": "; ".join(served)})
    safety = current_safety(client)
    contacts = [{"name": c.get("name", ""), "how": " ".join(
        p for p in (c.get("relationship", ""), c.get("contact", "")) if p)}
        for c in (safety.support_contacts if safety else [])]
    if client.primary_clinician_id:
        contacts.append({"name": str(client.primary_clinician), "how": _("my clinician")})
    return {
        "values_reinforced": values, "warning_signs": [], "lapse_note": str(LAPSE_NOTE),
        "contacts": contacts, "skills": [{"skill": str(s), "when": str(w)} for s, w in SKILLS],
        "safety_note": str(SAFETY_NOTE), "life_vision": "", "mastered": len(rungs),
        "safety": safety,
    }


# --- maintenance practice ----------------------------------------------------------------------


def items(client):
    return (MaintenanceItem.objects.filter(client=client, cancelled_at__isnull=True)
            .select_related("rung", "log").order_by("planned_on", "id"))


def get_item(client, pk) -> MaintenanceItem:
    return get_object_or_404(items(client), pk=pk)


def planned_vs_done(client, today=None) -> dict:
    """Planned so far (up to today), done (linked to a log), and everyday exposures logged, in
    two queries."""
    today = today or timezone.localdate()
    rows = list(items(client).filter(planned_on__lte=today).values_list("log_id", flat=True))
    return {"planned": len(rows), "done": sum(1 for r in rows if r is not None),
            "lifestyle": LifestyleExposure.objects.filter(
                client=client, on__gte=today - timedelta(days=28)).count()}


def due_items(client, today=None):
    """Planned practices not yet done, from three days ago to a week ahead (older ones are
    counted as planned and not done; the client is not shown a list of misses)."""
    today = today or timezone.localdate()
    return items(client).filter(log__isnull=True, planned_on__gte=today - timedelta(days=3),
                                planned_on__lte=today + timedelta(days=7))


def lifestyle(client, limit: int = 50):
    return LifestyleExposure.objects.filter(client=client).select_related("value")[:limit]


def maintenance_rung_choices(client, tolerable=None):
    """The rungs a schedule is drawn from (the upper part of the mastered ladder)."""
    rungs = list(mastered_rungs(client))
    ids = rules.maintenance_rungs(
        [rules.RungForMaintenance(r.pk, r.predicted_distress, r.status) for r in rungs],
        tolerable=tolerable)
    by_id = {r.pk: r for r in rungs}
    return [by_id[i] for i in ids]


# --- boosters ----------------------------------------------------------------------------------


def boosters(client):
    return Booster.objects.filter(client=client, cancelled_at__isnull=True).order_by(
        "due_on", "number")


def get_booster(client, pk) -> Booster:
    return get_object_or_404(boosters(client), pk=pk)


def due_booster(client, today=None) -> Booster | None:
    today = today or timezone.localdate()
    return boosters(client).filter(done_at__isnull=True, due_on__lte=today).first()


def top_rungs(client, limit: int = 3):
    return list(mastered_rungs(client))[:limit]


def earlier_ratings(client) -> dict[int, int]:
    """Each rung's latest rating: from the last booster done, else its predicted distress."""
    ratings = {r.pk: r.predicted_distress for r in mastered_rungs(client)}
    last = boosters(client).filter(done_at__isnull=False).order_by("-done_at").first()
    for item in (last.rung_ratings if last else []):
        ratings[item["rung_id"]] = item["rating"]
    return ratings


def open_offers(client):
    return BoosterOffer.objects.filter(client=client, status=BoosterOffer.Status.OPEN)


def get_offer(client, pk) -> BoosterOffer:
    return get_object_or_404(BoosterOffer.objects.filter(client=client), pk=pk)


# --- supports and reminders --------------------------------------------------------------------


def guidance_for(support) -> SupportGuidance | None:
    return SupportGuidance.objects.filter(support=support).order_by("-version").first()


def latest_guidance(supports) -> dict:
    """The newest guidance of each support person, by support id, in one query."""
    found: dict = {}
    for guidance in SupportGuidance.objects.filter(support__in=supports).order_by("version"):
        found[guidance.support_id] = guidance
    return found


def support_context(support) -> dict:
    """What a support person's summary adds: the guidance the clinician wrote (always, beside
    the summary), and the relapse-prevention plan when the client shares it."""
    context = {"guidance": guidance_for(support)}
    if "relapse_plan" in support.shares:
        context["relapse_plan"] = current_plan(support.client)
    return context


def reminder_preference(client) -> ReminderPreference:
    found = ReminderPreference.objects.filter(client=client).first()
    return found or ReminderPreference(client=client)
