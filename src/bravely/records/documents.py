"""What the PDFs show: the client's plan handout, the clinical summary and the discharge summary.
Each builder returns a template context in a fixed number of queries (practice is summed in the
database, not read log by log), so a year of practice renders as fast as a week.

From the other apps: `charts(client)` takes the SVG charts of the progress app
(`bravely.progress.documents.document_charts(client) -> [(title, svg, table_rows)]`),
`selectors.measure_history` the measures app's scores with severity and reliable-change labels,
and `relapse_plan(client)` the maintenance app's latest relapse-prevention plan; the templates
say so when one is empty.
"""

import contextlib
import importlib

from django.db.models import Avg, Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.clients.selectors import current_consent
from bravely.pacing.models import Recommendation
from bravely.planning.models import ExposurePlan, Rung
from bravely.planning.selectors.pace import current_pace
from bravely.planning.selectors.readiness import open_holds, readiness_screens
from bravely.planning.selectors.safety import current_safety, skill_label
from bravely.planning.selectors.values import assessments, goals, scored_rows, statements
from bravely.practice.models import PracticeLog
from bravely.practice.selectors import current_assignments
from bravely.records.selectors import measure_history, module_available, signed_notes

KINDS = {
    "handout": _("Your plan"),
    "summary": _("Clinical summary"),
    "discharge": _("Discharge summary"),
}
STAFF_KINDS = ("handout", "summary", "discharge")


def charts(client) -> list:
    """SVG charts from the progress app, when installed: [(title, svg, rows)], the first row
    being the table's header (`bravely.progress.documents.document_charts`)."""
    if not module_available("bravely.progress.documents"):
        return []
    module = importlib.import_module("bravely.progress.documents")
    return list(module.document_charts(client))


def charts_as_images():
    """Inside: the progress app's charts come as PNG images (`bravely.progress.charts.
    as_images`), which WeasyPrint places in milliseconds; an SVG with hundreds of points takes
    it seconds."""
    if not module_available("bravely.progress.charts"):
        return contextlib.nullcontext()
    return importlib.import_module("bravely.progress.charts").as_images()


def relapse_plan(client):
    """The latest version of the maintenance app's relapse-prevention plan (with its
    acknowledgements, two queries), or None."""
    if not module_available("bravely.maintenance.selectors"):
        return None
    return importlib.import_module("bravely.maintenance.selectors").current_plan(client)


def _plans(client):
    return list(ExposurePlan.objects.filter(client=client).exclude(status="archived")
                .prefetch_related("rungs__values").order_by("-status", "-created_at"))


def _ladder(plan):
    return sorted(plan.rungs.all(), key=lambda r: (r.position, r.pk))


def practice_summary(client) -> dict:
    """Totals and per-rung figures of all the client's practice, summed in the database."""
    logs = PracticeLog.objects.filter(client=client)
    totals = logs.aggregate(
        count=Count("id"), first=Min("started_at"), last=Max("started_at"),
        mean_peak=Avg("distress_peak"), early=Count("id", filter=Q(stopped_early=True)),
        minutes=Avg("duration_minutes"))
    per_rung = list(logs.values("rung_id", "rung__behaviour", "rung__position", "plan__title")
                    .annotate(n=Count("id"), mean_peak=Avg("distress_peak"),
                              best_peak=Min("distress_peak"),
                              mean_before=Avg("likelihood_before"),
                              mean_after=Avg("likelihood_after"),
                              early=Count("id", filter=Q(stopped_early=True)))
                    .order_by("plan__title", "rung__position"))
    for item in per_rung:
        for key in ("mean_peak", "mean_before", "mean_after"):
            item[key] = round(item[key]) if item[key] is not None else None
    if totals["mean_peak"] is not None:
        totals["mean_peak"] = round(totals["mean_peak"])
    return {"totals": totals, "per_rung": per_rung}


def _decided(client):
    return list(Recommendation.objects.filter(client=client, decided_at__isnull=False)
                .select_related("rung", "decided_by").order_by("-decided_at")[:30])


def _base(client, kind) -> dict:
    return {"client": client, "kind": kind, "title": KINDS[kind],
            "generated_at": timezone.now(), "archived": client.is_archived,
            "practice": client.practice}


def handout_context(client) -> dict:
    safety = current_safety(client)
    plans = [p for p in _plans(client) if p.status in ("active", "paused", "draft")]
    return {
        **_base(client, "handout"),
        "large": True,
        "values": list(statements(client)),
        "goals": [g for g in goals(client) if g.status == "active"],
        "plans": [(plan, _ladder(plan)) for plan in plans],
        "assignments": list(current_assignments(client)),
        "safety": safety,
        "allowed_skills": [skill_label(s) for s in safety.allowed_skills()] if safety else [],
        "crisis": safety.crisis_resources if safety else [],
    }


def summary_context(client, kind="summary") -> dict:
    plans = _plans(client)
    assessment_list = list(assessments(client).order_by("assessed_on", "id"))
    scored = []
    for assessment in assessment_list:
        rows, result, candidates = scored_rows(assessment)
        scored.append({"assessment": assessment, "rows": rows, "result": result,
                       "candidates": candidates})
    return {
        **_base(client, kind),
        "consent": current_consent(client),
        "consents": list(client.consents.select_related("recorded_by").order_by("version")),
        "assessments": scored,
        "values": list(statements(client)),
        "screens": list(readiness_screens(client).order_by("screened_at")),
        "open_holds": open_holds(client),
        "plans": [{"plan": plan, "rungs": _ladder(plan), "pace": current_pace(plan)}
                  for plan in plans],
        "stats": practice_summary(client),
        "decided": _decided(client),
        "safety": current_safety(client),
        "charts": charts(client),
        "measures": measure_history(client),
        "notes_count": signed_notes(client).count(),
        "relapse_prevention": relapse_plan(client),
        "rung_statuses": dict(Rung.Status.choices),
    }


def discharge_context(client) -> dict:
    context = summary_context(client, "discharge")
    context["mastered"] = [r for p in context["plans"] for r in p["rungs"]
                           if r.status == Rung.Status.MASTERED]
    context["last_note"] = signed_notes(client).first()
    context["first_assessment"] = context["assessments"][0] if context["assessments"] else None
    context["last_assessment"] = (context["assessments"][-1]
                                  if len(context["assessments"]) > 1 else None)
    return context


BUILDERS = {"handout": handout_context, "summary": summary_context,
            "discharge": discharge_context}
