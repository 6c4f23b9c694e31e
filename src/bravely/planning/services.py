"""Writes for planning. Each runs in one transaction, validates (a ValidationError naming the
field), keeps history where the record is edited in place, and leaves an audit entry.

The clinical rules come from `bravely.clinical`; this module only maps stored data onto them.
"""

import dataclasses
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.models import Client, ConsentRecord
from bravely.clinical import readiness as clinical_readiness
from bravely.clinical.ladder import LadderPolicy
from bravely.clinical.scales import ClinicalInputError, DistressScale, validate_distress
from bravely.clinical.values import DEFAULT_DOMAINS, ScoringFormula, validate_rating
from bravely.clinical.values import DomainRating as Rating
from bravely.planning.models import (
    ChangeRecord,
    Clearance,
    CopingKind,
    CrisisResource,
    DomainRating,
    ExposurePlan,
    HomeworkAssignment,
    LadderAcknowledgement,
    PaceDecision,
    PlanningSettings,
    Rationale,
    ReadinessHold,
    ReadinessScreen,
    Rung,
    RungDecline,
    SafetyAcknowledgement,
    SafetyParameters,
    ValuedGoal,
    ValueDomain,
    ValuesAssessment,
    ValueStatement,
)
from bravely.planning.text import clinical_error, clinical_text


def stale_ladder_message() -> str:
    return _("Someone else changed this ladder since you opened it; reload to see their changes.")


def stale_message() -> str:
    return _("Someone else changed this since you opened it; reload to see their changes.")


def _now():
    return timezone.now()


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def _touch(client: Client):
    Client.objects.filter(pk=client.pk).update(last_activity_at=timezone.now())


def _history(actor: Actor, client, obj, action, before, after, *, plan=None, note=""):
    ChangeRecord.objects.create(
        client=client, plan=plan, object_type=obj._meta.model_name, object_id=obj.pk,
        action=action, before=before, after=after, note=note, changed_by=actor.user,
    )


def _full_clean(obj, exclude=None):
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


# --- practice configuration ---------------------------------------------------------------------


def planning_settings(practice) -> PlanningSettings:
    """The practice's settings, or the defaults (unsaved) while none were saved."""
    found = PlanningSettings.objects.filter(practice=practice).first()
    return found or PlanningSettings(practice=practice)


def scoring_formula(settings: PlanningSettings) -> ScoringFormula:
    return ScoringFormula(product_composite=settings.product_composite,
                          gap_count=settings.gap_count, min_gap=settings.min_gap,
                          min_importance=settings.min_importance)


def ladder_policy(settings: PlanningSettings) -> LadderPolicy:
    return LadderPolicy(
        max_step_percent=settings.max_step_percent, usual_start_low=settings.usual_start_low,
        usual_start_high=settings.usual_start_high,
        start_tolerance_percent=settings.start_tolerance_percent,
        min_rungs=settings.min_rungs, max_rungs=settings.max_rungs,
    )


SETTINGS_FIELDS = (
    "product_composite", "gap_count", "min_gap", "min_importance", "max_step_percent",
    "usual_start_low", "usual_start_high", "start_tolerance_percent", "min_rungs", "max_rungs",
)


@transaction.atomic
def update_planning_settings(actor: Actor, practice, data: dict) -> PlanningSettings:
    settings, _created = PlanningSettings.objects.select_for_update().get_or_create(
        practice=practice)
    before = {f: getattr(settings, f) for f in SETTINGS_FIELDS}
    for field in SETTINGS_FIELDS:
        if field in data:
            setattr(settings, field, data[field])
    _full_clean(settings)
    if settings.usual_start_low > settings.usual_start_high:
        raise ValidationError({"usual_start_low": _(
            "The usual first rung range must start at or below where it ends.")})
    if settings.min_rungs > settings.max_rungs:
        raise ValidationError({"min_rungs": _(
            "The fewest rungs must not be more than the most rungs.")})
    try:
        scoring_formula(settings)
        ladder_policy(settings)
    except ClinicalInputError as error:
        raise clinical_error(error) from None
    settings.save()
    changed = {f: [before[f], getattr(settings, f)] for f in SETTINGS_FIELDS
               if before[f] != getattr(settings, f)}
    record(actor, "update", settings, practice_id=practice.pk, details={"changed": changed})
    return settings


def seed_value_domains(practice) -> None:
    """Give a practice the default life domains the first time it needs them."""
    if ValueDomain.objects.filter(practice=practice).exists():
        return
    ValueDomain.objects.bulk_create(
        ValueDomain(practice=practice, name=str(label), position=i)
        for i, (_key, label) in enumerate(DEFAULT_DOMAINS)
    )


@transaction.atomic
def save_value_domain(actor: Actor, practice, domain: ValueDomain | None, data: dict):
    creating = domain is None
    domain = domain or ValueDomain(practice=practice)
    before = {"name": domain.name, "position": domain.position, "is_active": domain.is_active}
    for field in ("name", "position", "is_active"):
        if field in data:
            setattr(domain, field, data[field])
    domain.name = (domain.name or "").strip()
    _full_clean(domain)
    clash = ValueDomain.objects.filter(practice=practice, name__iexact=domain.name)
    if clash.exclude(pk=domain.pk).exists():
        raise ValidationError({"name": _("The practice already has a domain with this name.")})
    domain.save()
    after = {"name": domain.name, "position": domain.position, "is_active": domain.is_active}
    record(actor, "create" if creating else "update", domain, practice_id=practice.pk,
           details={"before": None if creating else before, "after": after})
    return domain


CRISIS_FIELDS = ("region", "name", "contact", "url", "notes", "needs_verification", "position",
                 "is_active")


@transaction.atomic
def save_crisis_resource(actor: Actor, practice, resource: CrisisResource | None, data: dict):
    creating = resource is None
    resource = resource or CrisisResource(practice=practice)
    before = {f: getattr(resource, f) for f in CRISIS_FIELDS}
    for field in CRISIS_FIELDS:
        if field in data:
            setattr(resource, field, data[field])
    resource.region = (resource.region or "").strip().upper()
    _full_clean(resource)
    from bravely.clients.forms import region_validator

    try:
        region_validator(resource.region)
    except ValidationError as error:
        raise ValidationError({"region": error.messages}) from None
    resource.save()
    record(actor, "create" if creating else "update", resource, practice_id=practice.pk,
           details={"before": None if creating else before,
                    "after": {f: getattr(resource, f) for f in CRISIS_FIELDS}})
    return resource


# --- values -------------------------------------------------------------------------------------


def _check_rating(domain: ValueDomain, importance, consistency):
    try:
        validate_rating(Rating(domain.name, importance, consistency))
    except ClinicalInputError as error:
        field = f"{error.field}_{domain.pk}" if error.field in ("importance",
                                                                 "consistency") else "ratings"
        label = _("Importance") if error.field == "importance" else _("Consistency")
        raise clinical_error(error, field, label) from None


@transaction.atomic
def create_assessment(actor: Actor, client: Client, *, ratings, assessed_on=None,
                      source=ValuesAssessment.Source.SESSION, note="") -> ValuesAssessment:
    """ratings: iterable of (ValueDomain, importance, consistency); unrated domains are left out."""
    ratings = list(ratings)
    if not ratings:
        raise ValidationError({"ratings": _("Rate at least one life domain.")})
    seen = set()
    for domain, importance, consistency in ratings:
        if domain.practice_id != client.practice_id:
            raise ValidationError({"ratings": _("Choose life domains of this practice.")})
        if domain.pk in seen:
            raise ValidationError({"ratings": _("%(domain)s is rated more than once.") % {
                "domain": domain.name}})
        seen.add(domain.pk)
        _check_rating(domain, importance, consistency)
    if assessed_on and assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    formula = scoring_formula(planning_settings(client.practice))
    assessment = ValuesAssessment(
        client=client, assessed_on=assessed_on or timezone.localdate(), source=source,
        note=note, formula=dataclasses.asdict(formula), created_by=actor.user,
    )
    _full_clean(assessment)
    assessment.save()
    DomainRating.objects.bulk_create(
        DomainRating(assessment=assessment, domain=domain, domain_name=domain.name,
                     position=domain.position, importance=importance, consistency=consistency)
        for domain, importance, consistency in ratings
    )
    _touch(client)
    record(actor, "create", assessment, client=client, details={
        "ratings": {d.name: [i, c] for d, i, c in ratings}})
    return assessment


STATEMENT_FIELDS = ("text", "rank", "domain_id")


def _statement_state(statement):
    return {"text": statement.text, "rank": statement.rank, "domain_id": statement.domain_id,
            "archived": statement.archived_at is not None}


@transaction.atomic
def add_statement(actor: Actor, client: Client, assessment: ValuesAssessment, *, domain,
                  text: str, rank: int) -> ValueStatement:
    if assessment.client_id != client.pk:
        raise ValidationError({"assessment": _("Choose an assessment of this client.")})
    if domain is None or domain.practice_id != client.practice_id:
        raise ValidationError({"domain": _("Choose a life domain of this practice.")})
    statement = ValueStatement(client=client, assessment=assessment, domain=domain,
                               text=(text or "").strip(), rank=rank, created_by=actor.user)
    _full_clean(statement)
    statement.save()
    _history(actor, client, statement, "create", None, _statement_state(statement))
    _touch(client)
    record(actor, "create", statement, client=client, details=_statement_state(statement))
    return statement


@transaction.atomic
def update_statement(actor: Actor, statement: ValueStatement, data: dict, *, version: int
                     ) -> ValueStatement:
    statement = ValueStatement.objects.select_for_update().get(pk=statement.pk)
    if version != statement.version:
        raise ValidationError({"version": stale_message()})
    before = _statement_state(statement)
    if "domain" in data:
        domain = data["domain"]
        if domain is None or domain.practice_id != statement.client.practice_id:
            raise ValidationError({"domain": _("Choose a life domain of this practice.")})
        statement.domain = domain
    if "text" in data:
        statement.text = (data["text"] or "").strip()
    if "rank" in data:
        statement.rank = data["rank"]
    if data.get("archived") is True and statement.archived_at is None:
        statement.archived_at = _now()
    elif data.get("archived") is False:
        statement.archived_at = None
    _full_clean(statement)
    statement.version += 1
    statement.save()
    after = _statement_state(statement)
    _history(actor, statement.client, statement, "update", before, after)
    record(actor, "update", statement, client=statement.client,
           details={"before": before, "after": after})
    return statement


GOAL_FIELDS = ("statement_id", "what", "times", "per", "by_when", "status")
GOAL_HORIZON = timedelta(days=5 * 366)


def _goal_state(goal):
    return {f: _json(getattr(goal, f)) for f in GOAL_FIELDS}


def _check_goal(goal: ValuedGoal, client: Client, *, new_date: bool):
    if goal.statement is None or goal.statement.client_id != client.pk:
        raise ValidationError({"statement": _("Choose one of this client's value statements.")})
    if new_date and goal.by_when and goal.by_when < timezone.localdate():
        raise ValidationError({"by_when": _("A goal's date cannot be in the past.")})
    if new_date and goal.by_when and goal.by_when > timezone.localdate() + GOAL_HORIZON:
        raise ValidationError({"by_when": _("Choose a date within the next five years, so the "
                                            "goal stays specific.")})


@transaction.atomic
def create_goal(actor: Actor, client: Client, *, statement, what, times, per, by_when):
    goal = ValuedGoal(client=client, statement=statement, what=(what or "").strip(),
                      times=times, per=per, by_when=by_when, created_by=actor.user)
    _full_clean(goal, exclude=["statement"])
    _check_goal(goal, client, new_date=True)
    goal.save()
    _history(actor, client, goal, "create", None, _goal_state(goal))
    _touch(client)
    record(actor, "create", goal, client=client, details=_goal_state(goal))
    return goal


@transaction.atomic
def revise_goal(actor: Actor, goal: ValuedGoal, data: dict, *, version: int, note="") -> ValuedGoal:
    goal = ValuedGoal.objects.select_for_update().select_related("client").get(pk=goal.pk)
    if version != goal.version:
        raise ValidationError({"version": stale_message()})
    before = _goal_state(goal)
    for field in ("statement", "what", "times", "per", "by_when", "status"):
        if field in data:
            setattr(goal, field, data[field])
    goal.what = (goal.what or "").strip()
    _full_clean(goal, exclude=["statement"])
    _check_goal(goal, goal.client, new_date=goal.by_when != date.fromisoformat(before["by_when"]))
    after = _goal_state(goal)
    if after == before:
        return goal
    goal.version += 1
    goal.save()
    _history(actor, goal.client, goal, "update", before, after, note=note)
    _touch(goal.client)
    record(actor, "update", goal, client=goal.client, details={"before": before, "after": after})
    return goal


# --- safety -------------------------------------------------------------------------------------


COPING_KINDS = tuple(CopingKind.values)


def skill_label(skill: dict) -> str:
    if skill.get("description"):
        return skill["description"]
    return str(CopingKind(skill["kind"]).label) if skill.get("kind") in COPING_KINDS else ""


def scale_of(client_or_scale) -> DistressScale:
    key = getattr(client_or_scale, "distress_scale", client_or_scale)
    return DistressScale(key)


def check_distress(client: Client, value, field: str, label, *, required=True):
    if value is None:
        if required:
            raise ValidationError({field: _("This field is required.")})
        return
    try:
        validate_distress(scale_of(client), value, field)
    except ClinicalInputError as error:
        raise clinical_error(error, field, label) from None


def crisis_resources_for(client: Client):
    """The practice's active crisis resources for the client's region (country entries apply to
    the country's regions too)."""
    resources = CrisisResource.objects.filter(practice_id=client.practice_id, is_active=True)
    return [r for r in resources if r.applies_to(client.region)]


def _clean_lines(items, field, label, *, limit=300):
    cleaned = [str(item).strip() for item in items or [] if str(item).strip()]
    for item in cleaned:
        if len(item) > limit:
            raise ValidationError({field: _("Each entry of “%(label)s” can have at most "
                                            "%(limit)s characters.") % {"label": label,
                                                                       "limit": limit}})
    if len(cleaned) > 30:
        raise ValidationError({field: _("Keep “%(label)s” to 30 entries or fewer.") % {
            "label": label}})
    return cleaned


def _clean_skills(skills):
    cleaned = []
    for skill in skills or []:
        kind = skill.get("kind") or ""
        description = str(skill.get("description") or "").strip()
        if not description and kind in ("", "custom"):
            continue
        if kind not in COPING_KINDS:
            raise ValidationError({"coping_skills": _("Choose breathing, grounding, reappraisal "
                                                      "or custom for each coping skill.")})
        if len(description) > 300:
            raise ValidationError({"coping_skills": _("Describe each coping skill in at most "
                                                      "300 characters.")})
        cleaned.append({"kind": kind, "description": description,
                        "allowed_during_exposure": bool(skill.get("allowed_during_exposure"))})
    return cleaned


def _clean_contacts(contacts):
    cleaned = []
    for contact in contacts or []:
        name = str(contact.get("name", "")).strip()
        reach = str(contact.get("contact", "")).strip()
        relationship = str(contact.get("relationship", "")).strip()
        if not (name or reach or relationship):
            continue
        if not name or not reach:
            raise ValidationError({"support_contacts": _(
                "Give each support contact a name and a way to reach them.")})
        if max(len(name), len(reach), len(relationship)) > 150:
            raise ValidationError({"support_contacts": _(
                "Keep each support contact's details to 150 characters.")})
        cleaned.append({"name": name, "relationship": relationship, "contact": reach})
    return cleaned


SAFETY_CONTENT = ("distress_scale", "distress_ceiling", "coping_level", "exit_strategies",
                  "escalation_plan", "setback_plan", "coping_skills", "support_contacts",
                  "crisis_resources")


def _safety_content(parameters: SafetyParameters) -> list:
    return [getattr(parameters, f) for f in SAFETY_CONTENT]


@transaction.atomic
def create_safety_version(actor: Actor, client: Client, data: dict) -> SafetyParameters:
    """A new version of the client's safety parameters; earlier versions stay as they were."""
    ceiling = data.get("distress_ceiling")
    coping = data.get("coping_level")
    check_distress(client, ceiling, "distress_ceiling", _("Distress ceiling"))
    check_distress(client, coping, "coping_level", _("Use-my-coping-plan level"), required=False)
    if coping is not None and ceiling <= coping:
        raise ValidationError({"distress_ceiling": _(
            "The distress ceiling (%(ceiling)s) must be above the use-my-coping-plan level "
            "(%(coping)s).") % {"ceiling": ceiling, "coping": coping}})
    exits = _clean_lines(data.get("exit_strategies"), "exit_strategies",
                         _("Exit strategies and escape routes"))
    if not exits:
        raise ValidationError({"exit_strategies": _(
            "Agree at least one exit strategy or escape route with the client.")})
    last = (SafetyParameters.objects.select_for_update().filter(client=client)
            .order_by("-version").first())
    expected = data.get("based_on")
    if expected is not None and (last.version if last else 0) != expected:
        raise ValidationError({"based_on": stale_message()})
    parameters = SafetyParameters(
        client=client, version=(last.version + 1) if last else 1,
        distress_scale=client.distress_scale, distress_ceiling=ceiling, coping_level=coping,
        exit_strategies=exits,
        escalation_plan=(data.get("escalation_plan") or "").strip(),
        setback_plan=(data.get("setback_plan") or "").strip(),
        coping_skills=_clean_skills(data.get("coping_skills")),
        support_contacts=_clean_contacts(data.get("support_contacts")),
        crisis_resources=[r.snapshot() for r in crisis_resources_for(client)],
        change_note=(data.get("change_note") or "").strip(), recorded_by=actor.user,
    )
    _full_clean(parameters)
    if last is not None and _safety_content(last) == _safety_content(parameters):
        raise ValidationError(_("Nothing changed since version %(version)s, which stays in "
                                "force; the client need not acknowledge it again.") % {
                                    "version": last.version})
    parameters.save()
    _touch(client)
    record(actor, "create", parameters, client=client, details={
        "version": parameters.version, "distress_ceiling": ceiling, "coping_level": coping})
    return parameters


@transaction.atomic
def acknowledge_safety(actor: Actor, parameters: SafetyParameters, *,
                       method=SafetyAcknowledgement.Method.SESSION,
                       note="") -> SafetyAcknowledgement:
    latest = SafetyParameters.objects.filter(client_id=parameters.client_id).order_by(
        "-version").values_list("version", flat=True).first()
    if latest != parameters.version:
        raise ValidationError({"parameters": _(
            "Only the version in force can be acknowledged; this one was replaced.")})
    ack = SafetyAcknowledgement(parameters=parameters, method=method, note=(note or "").strip(),
                                recorded_by=actor.user)
    _full_clean(ack)
    ack.save()
    record(actor, "create", ack, client=parameters.client,
           details={"version": parameters.version, "method": method})
    return ack


READINESS_FIELDS = tuple(f.name for f in dataclasses.fields(clinical_readiness.ReadinessScreen))


def evaluate_screen(screen: ReadinessScreen):
    return clinical_readiness.evaluate_readiness(
        clinical_readiness.ReadinessScreen(**{f: screen.answers[f] for f in READINESS_FIELDS}))


@transaction.atomic
def record_readiness(actor: Actor, client: Client, answers: dict, note="") -> ReadinessScreen:
    for field in READINESS_FIELDS:
        if not isinstance(answers.get(field), bool):
            raise ValidationError({field: _("Answer yes or no.")})
    try:
        result = clinical_readiness.evaluate_readiness(
            clinical_readiness.ReadinessScreen(**{f: answers[f] for f in READINESS_FIELDS}))
    except ClinicalInputError as error:
        raise clinical_error(error) from None
    screen = ReadinessScreen(client=client, answers={f: answers[f] for f in READINESS_FIELDS},
                             note=(note or "").strip(), screened_by=actor.user)
    _full_clean(screen)
    screen.save()
    holds = [ReadinessHold(screen=screen, client=client, code=flag.code, needs=flag.needs,
                           message=flag.message, params=flag.params)
             for flag in result.flags if flag.holds]
    ReadinessHold.objects.bulk_create(holds)
    _touch(client)
    record(actor, "create", screen, client=client, details={
        "on_hold": result.on_hold, "holds": [h.code for h in holds]})
    return screen


@transaction.atomic
def clear_hold(actor: Actor, hold: ReadinessHold, rationale: str) -> Clearance:
    rationale = (rationale or "").strip()
    if len(rationale) < 10:
        raise ValidationError({"rationale": _(
            "Write the rationale for this clearance (at least 10 characters).")})
    hold = ReadinessHold.objects.select_for_update().get(pk=hold.pk)
    if hold.clearances.exists():
        raise ValidationError({"rationale": _("This hold was already cleared.")})
    clearance = Clearance(hold=hold, rationale=rationale, cleared_by=actor.user)
    _full_clean(clearance)
    clearance.save()
    record(actor, "create", clearance, client=hold.client,
           details={"code": hold.code, "needs": hold.needs})
    return clearance


def open_holds(client: Client) -> list[ReadinessHold]:
    """Holds not yet cleared, decided per screen with `clinical.readiness.clearance_resolves`."""
    screens = (ReadinessScreen.objects.filter(client=client, holds__isnull=False).distinct()
               .prefetch_related("holds__clearances"))
    pending = []
    for screen in screens:
        holds = list(screen.holds.all())
        cleared = {h.code for h in holds if h.clearances.all()}
        if not clinical_readiness.clearance_resolves(evaluate_screen(screen), cleared):
            pending += [h for h in holds if h.code not in cleared]
    return pending


# --- exposure plans and rungs -------------------------------------------------------------------


PLAN_FIELDS = ("title", "description", "approach", "status")


def _plan_state(plan):
    return {f: getattr(plan, f) for f in PLAN_FIELDS}


def _hold_message():
    return _("The readiness screen put exposure on hold; record a clearance first.")


@transaction.atomic
def create_plan(actor: Actor, client: Client, data: dict) -> ExposurePlan:
    plan = ExposurePlan(client=client, created_by=actor.user,
                        **{f: data[f] for f in PLAN_FIELDS if f in data})
    plan.title = (plan.title or "").strip()
    _full_clean(plan)
    if plan.status == ExposurePlan.Status.ACTIVE and open_holds(client):
        raise ValidationError({"status": _hold_message()})
    plan.save()
    _history(actor, client, plan, "create", None, _plan_state(plan), plan=plan)
    _touch(client)
    record(actor, "create", plan, client=client, details=_plan_state(plan))
    return plan


@transaction.atomic
def update_plan(actor: Actor, plan: ExposurePlan, data: dict, *, version: int) -> ExposurePlan:
    plan = ExposurePlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
    if version != plan.version:
        raise ValidationError({"version": stale_message()})
    before = _plan_state(plan)
    for field in PLAN_FIELDS:
        if field in data:
            setattr(plan, field, data[field])
    plan.title = (plan.title or "").strip()
    _full_clean(plan)
    if (plan.status == ExposurePlan.Status.ACTIVE and before["status"] != plan.status
            and open_holds(plan.client)):
        raise ValidationError({"status": _hold_message()})
    after = _plan_state(plan)
    if after == before:
        return plan
    plan.version += 1
    plan.save()
    _history(actor, plan.client, plan, "update", before, after, plan=plan)
    _touch(plan.client)
    record(actor, "update", plan, client=plan.client, details={"before": before, "after": after})
    return plan


RUNG_FIELDS = ("behaviour", "context_where", "context_when", "context_with", "valued_outcome",
               "predicted_distress", "feared_outcome", "feared_likelihood", "safety_behaviours",
               "own_ceiling", "rationale", "status")


def _rung_state(rung, value_ids=None):
    state = {f: getattr(rung, f) for f in RUNG_FIELDS}
    state["position"] = rung.position
    state["values"] = sorted(value_ids if value_ids is not None
                             else rung.values.values_list("pk", flat=True))
    return state


def _check_rung(rung: Rung, client: Client, values):
    check_distress(client, rung.predicted_distress, "predicted_distress",
                   _("Predicted distress"))
    check_distress(client, rung.own_ceiling, "own_ceiling", _("Own ceiling"), required=False)
    if rung.feared_likelihood is not None and not 0 <= rung.feared_likelihood <= 100:
        raise ValidationError({"feared_likelihood": _(
            "The likelihood of the feared outcome must be between 0 and 100 percent, not "
            "%(value)s.") % {"value": rung.feared_likelihood}})
    for value in values:
        if value.client_id != client.pk:
            raise ValidationError({"values": _(
                "Link values from this client's own value statements.")})


def _lock_plan(plan, revision):
    plan = ExposurePlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
    if revision is not None and revision != plan.ladder_revision:
        raise ValidationError({"revision": stale_ladder_message()})
    return plan


def _lock_rung(rung):
    """Lock the rung's plan, then the rung (always in this order, so writers cannot deadlock)."""
    plan_id = Rung.objects.filter(pk=rung.pk).values_list("plan_id", flat=True).get()
    plan = _lock_plan(ExposurePlan(pk=plan_id), None)
    rung = Rung.objects.select_for_update().get(pk=rung.pk)
    rung.plan = plan
    return plan, rung


def _bump(plan):
    plan.ladder_revision += 1
    plan.save(update_fields=["ladder_revision", "updated_at"])


@transaction.atomic
def add_rung(actor: Actor, plan: ExposurePlan, data: dict, values=(), *, revision=None,
             decline: RungDecline | None = None) -> Rung:
    plan = _lock_plan(plan, revision)
    client = plan.client
    values = list(values)
    rung = Rung(plan=plan, created_by=actor.user,
                **{f: data[f] for f in RUNG_FIELDS if f in data and data[f] is not None})
    rung.feared_likelihood = data.get("feared_likelihood")
    rung.own_ceiling = data.get("own_ceiling")
    rung.behaviour = (rung.behaviour or "").strip()
    _check_rung(rung, client, values)
    if rung.status == Rung.Status.ACTIVE and open_holds(client):
        raise ValidationError({"status": _hold_message()})
    last = plan.rungs.order_by("-position").values_list("position", flat=True).first()
    rung.position = (last or 0) + 1
    _full_clean(rung, exclude=["plan"])
    rung.save()
    rung.values.set(values)
    if decline is not None:
        if decline.rung.plan_id != plan.pk or not decline.is_open:
            raise ValidationError({"decline": _("That declined rung is not open on this plan.")})
        decline.alternative = rung
        decline.alternative_note = _("New rung offered as an alternative.")
        decline.resolved_at, decline.resolved_by = _now(), actor.user
        decline.save()
    _bump(plan)
    if decline is not None:
        # The alternative goes just below the declined rung, where the smaller step belongs.
        ordered = [r for r in plan.rungs.order_by("position", "id") if r.pk != rung.pk]
        at = next(i for i, r in enumerate(ordered) if r.pk == decline.rung_id)
        _renumber(actor, plan, ordered[:at] + [rung] + ordered[at:],
                  note=_("Alternative placed before the declined rung"))
    state = _rung_state(rung, [v.pk for v in values])
    _history(actor, client, rung, "create", None, state, plan=plan,
             note=_("Alternative to a declined rung") if decline else "")
    _touch(client)
    record(actor, "create", rung, client=client, details={"plan": plan.pk, **state})
    return rung


@transaction.atomic
def update_rung(actor: Actor, rung: Rung, data: dict, values=None, *, version: int) -> Rung:
    plan, rung = _lock_rung(rung)
    client = plan.client
    if version != rung.version:
        raise ValidationError({"version": stale_message()})
    before = _rung_state(rung)
    for field in RUNG_FIELDS:
        if field in data:
            setattr(rung, field, data[field])
    rung.behaviour = (rung.behaviour or "").strip()
    new_values = list(values) if values is not None else list(rung.values.all())
    _check_rung(rung, client, new_values)
    if (rung.status == Rung.Status.ACTIVE and before["status"] != rung.status
            and open_holds(client)):
        raise ValidationError({"status": _hold_message()})
    _full_clean(rung, exclude=["plan"])
    after = _rung_state(rung, [v.pk for v in new_values])
    if after == before:
        return rung
    rung.version += 1
    rung.save()
    if values is not None:
        rung.values.set(new_values)
    _bump(plan)
    _history(actor, client, rung, "update", before, after, plan=plan)
    _touch(client)
    changed = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
    record(actor, "update", rung, client=client, details={"changed": changed})
    return rung


def _renumber(actor, plan, ordered: list[Rung], note=""):
    before = [r.pk for r in plan.rungs.order_by("position", "id")]
    for position, rung in enumerate(ordered, start=1):
        if rung.position != position:
            rung.position = position
            Rung.objects.filter(pk=rung.pk).update(position=position, updated_at=_now())
    after = [r.pk for r in ordered]
    if before == after:
        return
    _bump(plan)
    ChangeRecord.objects.create(
        client=plan.client, plan=plan, object_type="exposureplan", object_id=plan.pk,
        action="reorder", before={"order": before}, after={"order": after}, note=note,
        changed_by=actor.user,
    )
    record(actor, "update", plan, client=plan.client,
           details={"reorder": {"before": before, "after": after}})


@transaction.atomic
def move_rung(actor: Actor, plan: ExposurePlan, rung_id: int, direction: str, *,
              revision) -> ExposurePlan:
    if revision is None:
        raise ValidationError({"revision": stale_ladder_message()})
    plan = _lock_plan(plan, revision)
    ordered = list(plan.rungs.order_by("position", "id"))
    index = next((i for i, r in enumerate(ordered) if r.pk == rung_id), None)
    if index is None:
        raise ValidationError({"rung": _("That rung is not on this ladder.")})
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move a rung up or down.")})
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        raise ValidationError({"direction": _("This rung cannot move further that way.")})
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(actor, plan, ordered)
    _touch(plan.client)
    return plan


@transaction.atomic
def set_order(actor: Actor, plan: ExposurePlan, rung_ids: list[int], *, revision) -> ExposurePlan:
    plan = _lock_plan(plan, revision)
    rungs = {r.pk: r for r in plan.rungs.all()}
    if sorted(rung_ids) != sorted(rungs) or len(set(rung_ids)) != len(rung_ids):
        raise ValidationError({"rung_ids": _(
            "List every rung of this ladder exactly once, in the new order.")})
    _renumber(actor, plan, [rungs[pk] for pk in rung_ids])
    _touch(plan.client)
    return plan


def _fingerprint(params: dict) -> dict:
    return {k: v for k, v in params.items() if k not in ("position", "previous_position",
                                                         "count")}


@transaction.atomic
def acknowledge_warning(actor: Actor, plan: ExposurePlan, *, code: str, rung_key: str | None,
                        note="") -> LadderAcknowledgement:
    from bravely.planning.selectors import ladder_warnings

    current = [w for w, _ack in ladder_warnings(plan)
               if w.code == code and (w.rung_key or "") == (rung_key or "")]
    if not current:
        raise ValidationError({"code": _(
            "This warning no longer applies to the ladder; reload to see the current checks.")})
    warning = current[0]
    ack = LadderAcknowledgement(
        plan=plan, code=code, rung_key=rung_key or "", message=warning.message,
        params=_fingerprint(warning.params), note=(note or "").strip(),
        acknowledged_by=actor.user,
    )
    _full_clean(ack)
    ack.save()
    ChangeRecord.objects.create(
        client=plan.client, plan=plan, object_type="exposureplan", object_id=plan.pk,
        action="acknowledge", before=None,
        after={"warning": code, "rung": rung_key, "note": ack.note},
        note=clinical_text(warning.message, warning.params), changed_by=actor.user,
    )
    record(actor, "create", ack, client=plan.client, details={"code": code, "rung": rung_key})
    return ack


@transaction.atomic
def decline_rung(actor: Actor, rung: Rung, *, reason="", declined_on=None) -> RungDecline:
    plan, rung = _lock_rung(rung)
    declined_on = declined_on or timezone.localdate()
    if declined_on > timezone.localdate():
        raise ValidationError({"declined_on": _("The date cannot be in the future.")})
    decline = RungDecline(rung=rung, reason=(reason or "").strip(), declined_on=declined_on,
                          recorded_by=actor.user)
    _full_clean(decline)
    decline.save()
    before = _rung_state(rung)
    if rung.status in (Rung.Status.PLANNED, Rung.Status.ACTIVE):
        rung.status = Rung.Status.SKIPPED
        rung.version += 1
        rung.save(update_fields=["status", "version", "updated_at"])
        _bump(plan)
    _history(actor, plan.client, rung, "decline", before, _rung_state(rung), plan=plan,
             note=_("Declined by the client (no penalty)."))
    _touch(plan.client)
    record(actor, "create", decline, client=plan.client, details={"rung": rung.pk})
    return decline


@transaction.atomic
def resolve_decline(actor: Actor, decline: RungDecline, *, note: str) -> RungDecline:
    decline = RungDecline.objects.select_for_update().select_related("rung__plan__client").get(
        pk=decline.pk)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"alternative_note": _(
            "Describe the alternative you offered (or why none is needed).")})
    if not decline.is_open:
        raise ValidationError({"alternative_note": _("This decline was already followed up.")})
    decline.alternative_note = note
    decline.resolved_at, decline.resolved_by = _now(), actor.user
    _full_clean(decline)
    decline.save()
    record(actor, "update", decline, client=decline.rung.plan.client,
           details={"alternative_note": note})
    return decline


# --- pace ---------------------------------------------------------------------------------------


def default_pace_options():
    """Starting points the clinician can change before offering them."""
    return [
        {"key": "gradual", "label": _("Gradual"), "sessions_per_week": 1,
         "practices_per_week": 3, "rungs_per_week": 0.5},
        {"key": "steady", "label": _("Steady"), "sessions_per_week": 1,
         "practices_per_week": 5, "rungs_per_week": 1},
        {"key": "intensive", "label": _("Intensive"), "sessions_per_week": 3,
         "practices_per_week": 7, "rungs_per_week": 2},
    ]


def _clean_option(option: dict) -> dict:
    try:
        cleaned = {
            "key": str(option["key"]).strip()[:16],
            "label": str(option.get("label") or option["key"]).strip()[:60],
            "sessions_per_week": int(option["sessions_per_week"]),
            "practices_per_week": int(option["practices_per_week"]),
            "rungs_per_week": float(option["rungs_per_week"]),
        }
    except (KeyError, TypeError, ValueError):
        raise ValidationError({"options": _(
            "Each option needs sessions, practices and rungs per week.")}) from None
    if not cleaned["key"]:
        raise ValidationError({"options": _("Each option needs a name.")})
    if not (0 <= cleaned["sessions_per_week"] <= 7 and 1 <= cleaned["practices_per_week"] <= 21
            and 0 < cleaned["rungs_per_week"] <= 7):
        raise ValidationError({"options": _(
            "%(label)s: sessions 0-7, practices 1-21 and rungs more than 0 and at most 7 per "
            "week.") % {"label": cleaned["label"]}})
    return cleaned


@transaction.atomic
def record_pace(actor: Actor, plan: ExposurePlan, *, options, chosen: str, reasons: str,
                decided_on=None) -> PaceDecision:
    options = [_clean_option(o) for o in options]
    keys = [o["key"] for o in options]
    if len(options) < 2:
        raise ValidationError({"options": _(
            "Offer the client at least two pacing options to choose from.")})
    if len(set(keys)) != len(keys):
        raise ValidationError({"options": _("Each option needs its own name.")})
    if chosen not in keys:
        raise ValidationError({"chosen": _("The client's choice must be one of the options "
                                           "offered.")})
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Record the client's reasons in their words.")})
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The date cannot be in the future.")})
    decision = PaceDecision(plan=plan, options=options, chosen=chosen, reasons=reasons,
                            decided_on=decided_on, recorded_by=actor.user)
    _full_clean(decision)
    decision.save()
    ChangeRecord.objects.create(
        client=plan.client, plan=plan, object_type="exposureplan", object_id=plan.pk,
        action="pace", before=None, after={"chosen": chosen, "offered": keys},
        changed_by=actor.user,
    )
    _touch(plan.client)
    record(actor, "decide", decision, client=plan.client,
           details={"chosen": chosen, "offered": keys})
    return decision


# --- homework and rationale ---------------------------------------------------------------------


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
    return "\n".join(parts)


ASSIGNMENT_FIELDS = ("frequency_per_week", "starts_on", "ends_on", "contexts_to_vary",
                     "instructions", "coping_plan", "agreed_with_client")


@transaction.atomic
def assign_homework(actor: Actor, rung: Rung, data: dict) -> HomeworkAssignment:
    plan, rung = _lock_rung(rung)
    client = plan.client
    from bravely.clients.selectors import current_consent
    from bravely.planning.selectors import current_pace, current_safety

    consent = current_consent(client)
    if consent is None or consent.decision != ConsentRecord.Decision.GIVEN:
        raise ValidationError({"rung": _(
            "Record the client's consent to exposure treatment before assigning practice.")})
    safety = current_safety(client)
    if safety is None:
        raise ValidationError({"rung": _(
            "Agree safety parameters with the client before assigning practice.")})
    if open_holds(client):
        raise ValidationError({"rung": _hold_message()})
    if rung.status == Rung.Status.SKIPPED:
        raise ValidationError({"rung": _(
            "This rung was skipped; set it back to planned first, or choose another rung.")})
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _(
            "The window ends (%(end)s) before it starts (%(start)s).") % {
            "end": ends.isoformat(), "start": starts.isoformat()}})
    if starts and ends and (ends - starts) > timedelta(days=92):
        raise ValidationError({"ends_on": _("Keep the window to three months or less.")})
    today = timezone.localdate()
    if ends and ends < today:
        raise ValidationError({"ends_on": _("This window has already ended; end it today or "
                                            "later.")})
    if starts and starts > today + timedelta(days=365):
        raise ValidationError({"starts_on": _("Start the window within the next year.")})
    if not data.get("agreed_with_client"):
        raise ValidationError({"agreed_with_client": _(
            "Homework is assigned only once the client has agreed to it.")})
    assignment = HomeworkAssignment(
        client=client, plan=plan, rung=rung, safety=safety, pace=current_pace(plan),
        created_by=actor.user, **{f: data.get(f) for f in ASSIGNMENT_FIELDS},
    )
    assignment.contexts_to_vary = (assignment.contexts_to_vary or "").strip()
    assignment.instructions = (assignment.instructions or "").strip()
    assignment.coping_plan = (assignment.coping_plan or "").strip() or coping_plan_text(safety)
    _full_clean(assignment, exclude=["client", "plan", "rung", "safety", "pace"])
    assignment.save()
    if rung.status == Rung.Status.PLANNED:
        before = _rung_state(rung)
        rung.status = Rung.Status.ACTIVE
        rung.version += 1
        rung.save(update_fields=["status", "version", "updated_at"])
        _bump(plan)
        _history(actor, client, rung, "update", before, _rung_state(rung), plan=plan,
                 note=_("Assigned as homework"))
    _touch(client)
    record(actor, "create", assignment, client=client, details={
        "rung": rung.pk, "frequency_per_week": assignment.frequency_per_week,
        "starts_on": assignment.starts_on.isoformat(), "ends_on": assignment.ends_on.isoformat(),
        "safety_version": safety.version})
    return assignment


@transaction.atomic
def cancel_assignment(actor: Actor, assignment: HomeworkAssignment, reason: str):
    assignment = HomeworkAssignment.objects.select_for_update().select_related("client").get(
        pk=assignment.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("Give a reason for cancelling.")})
    if assignment.status != HomeworkAssignment.Status.ACTIVE:
        raise ValidationError({"cancel_reason": _("Only a current assignment can be cancelled.")})
    assignment.status = HomeworkAssignment.Status.CANCELLED
    assignment.cancel_reason = reason
    _full_clean(assignment, exclude=["client", "plan", "rung", "safety", "pace"])
    assignment.save(update_fields=["status", "cancel_reason", "updated_at"])
    record(actor, "archive", assignment, client=assignment.client, details={"reason": reason})
    return assignment


@transaction.atomic
def sign_rationale(actor: Actor, assignment: HomeworkAssignment, text: str, *,
                   corrects: Rationale | None = None, correction_reason="") -> Rationale:
    """Sign the rationale. Signed text never changes; a correction is a new, linked entry."""
    text = (text or "").strip()
    if len(text) < 20:
        raise ValidationError({"text": _(
            "Write the rationale before signing (at least 20 characters).")})
    latest = assignment.rationales.select_for_update().order_by("-signed_at", "-id").first()
    correction_reason = (correction_reason or "").strip()
    if latest is not None:
        if corrects is None or corrects.pk != latest.pk:
            raise ValidationError({"text": _(
                "A signed rationale exists (or was just corrected); reload and write a "
                "correction of the latest one.")})
        if not correction_reason:
            raise ValidationError({"correction_reason": _(
                "Say why the signed rationale needs a correction.")})
    elif corrects is not None:
        raise ValidationError({"text": _("There is no signed rationale to correct.")})
    rationale = Rationale(assignment=assignment, text=text,
                          drafted_text=draft_rationale(assignment), corrects=corrects,
                          correction_reason=correction_reason, signed_by=actor.user)
    _full_clean(rationale, exclude=["corrects"])
    rationale.save()
    record(actor, "sign", rationale, client=assignment.client, details={
        "assignment": assignment.pk, "corrects": corrects.pk if corrects else None})
    return rationale
