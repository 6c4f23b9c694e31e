"""Reads of homework: assignments, their signed rationales, and the drafts (coping plan and
rationale) made from the data."""

from django.utils.translation import gettext as _

from bravely.planning.models.homework import HomeworkAssignment
from bravely.planning.models.safety import SafetyParameters
from bravely.planning.selectors._common import _scoped
from bravely.planning.selectors.safety import skill_label


def assignments(client):
    return (HomeworkAssignment.objects.filter(client=client)
            .select_related("rung", "plan", "safety", "pace", "created_by")
            .prefetch_related("rationales"))


def get_assignment(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, HomeworkAssignment.objects.select_related(
        "rung__plan", "plan", "safety", "pace", "created_by", "client"), pk, write=write)


def rationales(assignment):
    return assignment.rationales.select_related("signed_by", "corrects").order_by(
        "-signed_at", "-id")


def coping_plan_text(safety: SafetyParameters | None) -> str:
    """The coping/exit plan that applies, drafted from the safety parameters in force."""
    if safety is None:
        return ""
    lines = []
    if safety.coping_level is not None:
        allowed = ", ".join(skill_label(s) for s in safety.allowed_skills())
        lines.append(_("At %(level)s: use my coping plan%(skills)s.") % {
            "level": safety.coping_level, "skills": f" ({allowed})" if allowed else ""})
    lines.append(_("At %(ceiling)s: stop the practice and use an exit strategy.") % {
        "ceiling": safety.distress_ceiling})
    for i, exit_strategy in enumerate(safety.exit_strategies, start=1):
        lines.append(f"{i}. {exit_strategy}")
    withheld = [skill_label(s) for s in safety.withheld_skills()]
    if withheld:
        lines.append(_("Not during the practice: %(skills)s.") % {"skills": ", ".join(withheld)})
    return "\n".join(lines)


def draft_rationale(assignment: HomeworkAssignment) -> str:
    """A first draft from the data; the clinician edits it before signing."""
    rung, safety = assignment.rung, assignment.safety
    values = list(rung.values.all())
    parts = [_("Assignment: %(behaviour)s, %(times)s times a week from %(start)s to %(end)s.") % {
        "behaviour": rung.behaviour, "times": assignment.frequency_per_week,
        "start": assignment.starts_on.isoformat(), "end": assignment.ends_on.isoformat()}]
    if values:
        parts.append(_("It serves what matters to the client: %(values)s.") % {
            "values": "; ".join(f"“{v.text}”" for v in values)})
    else:
        parts.append(_("No value is linked to this rung yet."))
    if rung.valued_outcome:
        parts.append(_("Why this matters: %(outcome)s") % {"outcome": rung.valued_outcome})
    if rung.feared_outcome:
        likelihood = (_(" (rated %(p)s %% likely)") % {"p": rung.feared_likelihood}
                      if rung.feared_likelihood is not None else "")
        parts.append(_("Expected outcome: the client tests the prediction “%(fear)s”%(p)s and "
                       "learns what actually happens.") % {"fear": rung.feared_outcome,
                                                           "p": likelihood})
    else:
        parts.append(_("Expected outcome: the client practises %(behaviour)s and learns they "
                       "can do it while distress rises and falls.") % {
            "behaviour": rung.behaviour})
    if rung.safety_behaviours:
        parts.append(_("Safety behaviours to drop: %(list)s.") % {
            "list": ", ".join(line.strip() for line in rung.safety_behaviours.splitlines()
                              if line.strip())})
    ceiling = safety.distress_ceiling if rung.own_ceiling is None else min(
        rung.own_ceiling, safety.distress_ceiling)
    parts.append(_("Safety parameters in force (version %(v)s): predicted distress %(pred)s, "
                   "ceiling %(ceiling)s%(coping)s; exit strategies agreed.") % {
        "v": safety.version, "pred": rung.predicted_distress, "ceiling": ceiling,
        "coping": (_(", coping plan from %(level)s") % {"level": safety.coping_level}
                   if safety.coping_level is not None else "")})
    if assignment.override_reason:
        parts.append(override_text(assignment))
    return "\n".join(parts)


def override_text(assignment: HomeworkAssignment) -> str:
    """The override recorded when the homework was assigned, for the rationale."""
    if not assignment.override_reason:
        return ""
    checks = " ".join(item.get("message", "") for item in assignment.overridden)
    return _("Assigned with an override of the checks: %(checks)s Reason for the override: "
             "%(reason)s") % {"checks": checks, "reason": assignment.override_reason}


GATE_FIELDS = {"above_ceiling": "rung", "no_value": "rung", "plan_not_active": "plan",
               "safety_not_acknowledged": "safety"}


def homework_gates(rung, safety: SafetyParameters | None, *, acknowledged: bool | None = None):
    """The checks that homework on this rung needs an explicit override for, as
    [(code, field, message)]: a rung predicted above the ceiling in force, a rung with no linked
    value, a plan that is not active, safety parameters the client has not acknowledged.

    `rung.plan` and `rung.values` are read (prefetch them for a list); `acknowledged` may be given
    when the caller knows it, else it is read from the safety version."""
    found = []
    if safety is not None:
        ceiling = safety.distress_ceiling if rung.own_ceiling is None else min(
            rung.own_ceiling, safety.distress_ceiling)
        if rung.predicted_distress > ceiling:
            found.append(("above_ceiling", _(
                "This rung is predicted at %(predicted)s, above the ceiling in force "
                "(%(ceiling)s).") % {"predicted": rung.predicted_distress, "ceiling": ceiling}))
    if not rung.values.all():
        found.append(("no_value", _("This rung serves no value yet; link at least one value.")))
    if rung.plan.status != rung.plan.Status.ACTIVE:
        found.append(("plan_not_active", _("The plan is %(status)s, not active.") % {
            "status": rung.plan.get_status_display().lower()}))
    if safety is not None:
        if acknowledged is None:
            acknowledged = safety.acknowledgements.exists()
        if not acknowledged:
            found.append(("safety_not_acknowledged", _(
                "The client has not acknowledged the safety parameters in force (version "
                "%(v)s).") % {"v": safety.version}))
    return [(code, GATE_FIELDS[code], message) for code, message in found]
