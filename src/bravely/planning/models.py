"""Planning with the client: values, safety parameters, the exposure ladder, pace and homework.

Clinical rules (scoring, ladder checks, the readiness gate) live in `bravely.clinical`; these models
only store what people entered and decided. Versioned records (safety parameters, readiness screens,
clearances, pace decisions, signed rationales) refuse `save()` on an existing row: a change is a new
row with who and when. Plans, rungs and goals are edited in place and every change is kept in
`ChangeRecord` (before and after as JSON).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.accounts.models import Practice
from bravely.clients.models import Client
from bravely.core.models import Immutable, ImmutableError  # noqa: F401 (re-exported)

RATING = [MinValueValidator(1), MaxValueValidator(10)]
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


# --- practice configuration ---------------------------------------------------------------------


class ValueDomain(models.Model):
    """A life domain on the practice's values assessment (editable; seeded with the defaults)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="value_domains")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="value_domain_unique_name")
        ]

    def __str__(self):
        return self.name


class PlanningSettings(models.Model):
    """The practice's configurable planning rules: values scoring and ladder checks.

    Defaults are those of `bravely.clinical.values.ScoringFormula` and
    `bravely.clinical.ladder.LadderPolicy`; the scoring is debated and the ladder figures come from
    low-quality sources, hence configurable (shared/clinical-facts.md).
    """

    practice = models.OneToOneField(
        Practice, on_delete=models.PROTECT, related_name="planning_settings"
    )
    product_composite = models.BooleanField(
        _("composite is the mean of importance x consistency"), default=True,
        help_text=_("Off: the composite is the mean consistency rating instead."),
    )
    gap_count = models.PositiveSmallIntegerField(
        _("how many gap domains to suggest"), default=3,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    min_gap = models.PositiveSmallIntegerField(
        _("smallest gap (importance minus consistency) to suggest"), default=3,
        validators=[MinValueValidator(0), MaxValueValidator(9)],
    )
    min_importance = models.PositiveSmallIntegerField(
        _("lowest importance to suggest"), default=6,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    max_step_percent = models.PositiveSmallIntegerField(
        _("largest step between neighbouring rungs (0-100 basis)"), default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    usual_start_low = models.PositiveSmallIntegerField(
        _("usual first rung from (0-100 basis)"), default=30,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    usual_start_high = models.PositiveSmallIntegerField(
        _("usual first rung up to (0-100 basis)"), default=40,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    start_tolerance_percent = models.PositiveSmallIntegerField(
        _("first rung may be this much above the usual range before a warning"), default=20,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    min_rungs = models.PositiveSmallIntegerField(
        _("usual fewest rungs"), default=8, validators=[MinValueValidator(1),
                                                        MaxValueValidator(100)],
    )
    max_rungs = models.PositiveSmallIntegerField(
        _("usual most rungs"), default=15, validators=[MinValueValidator(1),
                                                       MaxValueValidator(100)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "planning settings"

    def __str__(self):
        return f"Planning settings of {self.practice}"


class CrisisResource(models.Model):
    """A crisis line or service for one region. The practice keeps this list; no country is
    built in."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="crisis_resources"
    )
    region = models.CharField(
        _("region"), max_length=8,
        help_text=_("Country code, optionally with a region: US, GB, US-CA. A country entry also "
                    "applies to clients in its regions."),
    )
    name = models.CharField(_("name"), max_length=120)
    contact = models.CharField(_("how to reach it"), max_length=200,
                               help_text=_("Phone number, text number or chat address."))
    url = models.URLField(_("web address"), blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    needs_verification = models.BooleanField(
        _("example: the practice must verify this entry"), default=False,
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "position", "id"]

    def __str__(self):
        return f"{self.region}: {self.name}"

    def applies_to(self, region: str) -> bool:
        region = (region or "").upper()
        return region == self.region or region.startswith(self.region + "-")

    def snapshot(self) -> dict:
        return {"region": self.region, "name": self.name, "contact": self.contact,
                "url": self.url, "notes": self.notes,
                "needs_verification": self.needs_verification}


# --- history ------------------------------------------------------------------------------------


class ChangeRecord(Immutable):
    """One change to a plan, rung or goal: who, when, and the fields before and after."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("ExposurePlan", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="changes")
    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=16)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.object_type} {self.object_id} {self.action}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        return [(k, before.get(k), after.get(k)) for k in keys]


# --- values -------------------------------------------------------------------------------------


class ValuesAssessment(models.Model):
    """Importance and consistency ratings per life domain at one point in time."""

    class Source(models.TextChoices):
        SESSION = "session", _("With the clinician in session")
        PORTAL = "portal", _("By the client in the portal")

    client = models.ForeignKey(Client, on_delete=models.PROTECT,
                               related_name="values_assessments")
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    source = models.CharField(_("completed"), max_length=16, choices=Source.choices,
                              default=Source.SESSION)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # The ScoringFormula used, so old scores stay explainable.
    formula = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self):
        return f"{self.client} values {self.assessed_on}"


class DomainRating(Immutable):
    """One domain's ratings within an assessment. The domain's name is copied, so renaming a
    domain later does not rewrite past assessments."""

    assessment = models.ForeignKey(ValuesAssessment, on_delete=models.PROTECT,
                                   related_name="ratings")
    domain = models.ForeignKey(ValueDomain, on_delete=models.PROTECT, related_name="+")
    domain_name = models.CharField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    importance = models.PositiveSmallIntegerField(_("importance"), validators=RATING)
    consistency = models.PositiveSmallIntegerField(_("consistency"), validators=RATING)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="rating_unique_domain")
        ]

    def __str__(self):
        return f"{self.domain_name}: {self.importance}/{self.consistency}"


class ValueStatement(models.Model):
    """A value in the client's own words, tied to a domain and ranked by the client."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="value_statements")
    assessment = models.ForeignKey(ValuesAssessment, on_delete=models.PROTECT,
                                   related_name="statements")
    domain = models.ForeignKey(ValueDomain, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("domain"))
    text = models.CharField(_("in the client's words"), max_length=500)
    rank = models.PositiveSmallIntegerField(
        _("client's rank"), validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("1 is what matters most to the client."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["rank", "id"]

    def __str__(self):
        return self.text


class ValuedGoal(models.Model):
    """A specific, measurable goal that serves a value: what, how often, by when."""

    class Per(models.TextChoices):
        DAY = "day", _("a day")
        WEEK = "week", _("a week")
        MONTH = "month", _("a month")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Set aside")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="valued_goals")
    statement = models.ForeignKey(ValueStatement, on_delete=models.PROTECT,
                                  related_name="goals", verbose_name=_("value it serves"))
    what = models.CharField(_("what"), max_length=300)
    times = models.PositiveSmallIntegerField(
        _("how often (times)"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    per = models.CharField(_("per"), max_length=8, choices=Per.choices, default=Per.WEEK)
    by_when = models.DateField(_("by when"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "by_when", "id"]

    def __str__(self):
        return self.what


# --- safety -------------------------------------------------------------------------------------


class CopingKind(models.TextChoices):
    BREATHING = "breathing", _("Breathing")
    GROUNDING = "grounding", _("Grounding")
    REAPPRAISAL = "reappraisal", _("Reappraisal")
    CUSTOM = "custom", _("Other (describe)")


class SafetyParameters(Immutable):
    """One version of the client's safety parameters. A change is a new version."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="safety_versions")
    version = models.PositiveIntegerField()
    distress_scale = models.CharField(max_length=16)
    distress_ceiling = models.PositiveSmallIntegerField(
        _("distress ceiling"),
        help_text=_("At this level a practice is stopped (on the client's scale)."),
    )
    coping_level = models.PositiveSmallIntegerField(
        _("use-my-coping-plan level"), null=True, blank=True,
        help_text=_("Optional, below the ceiling: at this level the client uses their coping "
                    "plan."),
    )
    exit_strategies = models.JSONField(_("exit strategies and escape routes"), default=list,
                                       blank=True)
    escalation_plan = models.TextField(_("if distress escalates"), max_length=3000, blank=True)
    setback_plan = models.TextField(_("after a setback"), max_length=3000, blank=True)
    coping_skills = models.JSONField(_("coping skills"), default=list, blank=True)
    support_contacts = models.JSONField(_("support contacts"), default=list, blank=True)
    crisis_resources = models.JSONField(_("crisis resources"), default=list, blank=True)
    change_note = models.CharField(_("what changed and why"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "safety parameters"
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="safety_version_unique")
        ]

    def __str__(self):
        return f"{self.client} safety v{self.version}"

    @property
    def scale_max(self) -> int:
        return 10 if self.distress_scale == "thermometer10" else 100

    def allowed_skills(self):
        return [s for s in self.coping_skills if s.get("allowed_during_exposure")]

    def withheld_skills(self):
        return [s for s in self.coping_skills if not s.get("allowed_during_exposure")]


class SafetyAcknowledgement(Immutable):
    """The client acknowledged one version of their safety parameters."""

    class Method(models.TextChoices):
        SESSION = "session", _("In session, recorded by the clinician")
        PORTAL = "portal", _("By the client in the portal")

    parameters = models.ForeignKey(SafetyParameters, on_delete=models.PROTECT,
                                   related_name="acknowledgements")
    method = models.CharField(_("how"), max_length=16, choices=Method.choices,
                              default=Method.SESSION)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-id"]

    def __str__(self):
        return f"{self.parameters} acknowledged {self.acknowledged_at:%Y-%m-%d}"


class ReadinessScreen(Immutable):
    """The readiness screen before exposure. Positive answers become holds."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="readiness_screens")
    answers = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    screened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-screened_at", "-id"]

    def __str__(self):
        return f"{self.client} readiness {self.screened_at:%Y-%m-%d}"


class ReadinessHold(Immutable):
    """A positive readiness answer: exposure work waits until a clinician records a clearance."""

    screen = models.ForeignKey(ReadinessScreen, on_delete=models.PROTECT, related_name="holds")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=48)
    needs = models.CharField(max_length=32)
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.code


class Clearance(Immutable):
    """A clinician's clearance of a hold, with the rationale. Kept for good."""

    hold = models.ForeignKey(ReadinessHold, on_delete=models.PROTECT, related_name="clearances")
    rationale = models.TextField(_("rationale"), max_length=3000)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    cleared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cleared_at", "id"]

    def __str__(self):
        return f"clearance of {self.hold}"


# --- exposure plans -----------------------------------------------------------------------------


class ExposurePlan(models.Model):
    """A plan for one target problem, with its ladder of rungs."""

    class Approach(models.TextChoices):
        INHIBITORY = "inhibitory_learning", _("Inhibitory learning")
        HABITUATION = "habituation", _("Habituation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        ARCHIVED = "archived", _("Archived")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="exposure_plans")
    title = models.CharField(_("target problem"), max_length=150)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    approach = models.CharField(
        _("approach"), max_length=24, choices=Approach.choices, default=Approach.INHIBITORY,
        help_text=_("Sets when a rung counts as ready to advance: expectancy violation "
                    "(inhibitory learning) or distress reduction (habituation)."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    ladder_revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-created_at", "id"]

    def __str__(self):
        return self.title


class Rung(models.Model):
    """One step of the ladder: an observable behaviour in a context, linked to what matters."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        MASTERED = "mastered", _("Mastered")
        PAUSED = "paused", _("Paused")
        SKIPPED = "skipped", _("Skipped")

    plan = models.ForeignKey(ExposurePlan, on_delete=models.PROTECT, related_name="rungs")
    position = models.PositiveIntegerField(default=0)
    behaviour = models.CharField(_("observable behaviour"), max_length=300)
    context_where = models.CharField(_("where"), max_length=200, blank=True)
    context_when = models.CharField(_("when"), max_length=200, blank=True)
    context_with = models.CharField(_("with whom"), max_length=200, blank=True)
    values = models.ManyToManyField(ValueStatement, blank=True, related_name="rungs",
                                    verbose_name=_("values it serves"))
    valued_outcome = models.TextField(_("why this matters (valued outcome)"), max_length=1000,
                                      blank=True)
    predicted_distress = models.PositiveSmallIntegerField(_("predicted distress"))
    feared_outcome = models.TextField(_("feared outcome"), max_length=1000, blank=True)
    feared_likelihood = models.PositiveSmallIntegerField(
        _("likelihood of the feared outcome (%)"), null=True, blank=True, validators=PERCENT)
    safety_behaviours = models.TextField(_("safety behaviours to drop"), max_length=1000,
                                         blank=True)
    own_ceiling = models.PositiveSmallIntegerField(
        _("own ceiling"), null=True, blank=True,
        help_text=_("Optional: a lower ceiling for this rung only."))
    rationale = models.TextField(_("clinical rationale"), max_length=3000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PLANNED)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.behaviour

    @property
    def context(self) -> str:
        return " · ".join(p for p in (self.context_where, self.context_when, self.context_with)
                          if p)


class LadderAcknowledgement(Immutable):
    """The clinician saw a ladder check's warning and chose to keep the ladder as it is."""

    plan = models.ForeignKey(ExposurePlan, on_delete=models.PROTECT,
                             related_name="acknowledgements")
    code = models.CharField(max_length=40)
    rung_key = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-id"]

    def __str__(self):
        return f"{self.code} {self.rung_key}"


class RungDecline(models.Model):
    """The client declined a rung. No penalty; the clinician is prompted to offer an alternative."""

    rung = models.ForeignKey(Rung, on_delete=models.PROTECT, related_name="declines")
    reason = models.TextField(_("the client's reasons"), max_length=2000, blank=True)
    declined_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    alternative = models.ForeignKey(Rung, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="alternative_for")
    alternative_note = models.CharField(_("alternative offered"), max_length=500, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-declined_on", "-id"]

    def __str__(self):
        return f"declined {self.rung}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


# --- pace, homework, rationale ------------------------------------------------------------------


class PaceDecision(Immutable):
    """A shared decision on pace: the options offered, the client's choice and reasons."""

    plan = models.ForeignKey(ExposurePlan, on_delete=models.PROTECT,
                             related_name="pace_decisions")
    options = models.JSONField(default=list, blank=True)
    chosen = models.CharField(_("the client's choice"), max_length=16)
    reasons = models.TextField(_("the client's reasons"), max_length=2000)
    decided_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.plan}: {self.chosen}"

    @property
    def chosen_option(self) -> dict:
        return next((o for o in self.options if o.get("key") == self.chosen), {})


class HomeworkAssignment(models.Model):
    """Practice between sessions for one rung, agreed with the client."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Assigned")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assignments")
    plan = models.ForeignKey(ExposurePlan, on_delete=models.PROTECT, related_name="assignments")
    rung = models.ForeignKey(Rung, on_delete=models.PROTECT, related_name="assignments",
                             verbose_name=_("rung"))
    frequency_per_week = models.PositiveSmallIntegerField(
        _("practices per week"), validators=[MinValueValidator(1), MaxValueValidator(21)])
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    contexts_to_vary = models.TextField(_("contexts to vary"), max_length=2000, blank=True)
    instructions = models.TextField(_("instructions"), max_length=4000)
    coping_plan = models.TextField(_("coping and exit plan that applies"), max_length=4000)
    safety = models.ForeignKey(SafetyParameters, on_delete=models.PROTECT, related_name="+")
    pace = models.ForeignKey(PaceDecision, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    agreed_with_client = models.BooleanField(_("agreed with the client"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return f"{self.rung} {self.starts_on}–{self.ends_on}"


class Rationale(Immutable):
    """The signed rationale of an assignment. Signed text never changes; a correction is a new
    entry that points at the one it corrects."""

    assignment = models.ForeignKey(HomeworkAssignment, on_delete=models.PROTECT,
                                   related_name="rationales")
    text = models.TextField(_("rationale"), max_length=6000)
    drafted_text = models.TextField(max_length=6000, blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections")
    correction_reason = models.CharField(_("reason for the correction"), max_length=500,
                                         blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at", "-id"]

    def __str__(self):
        return f"rationale for {self.assignment} ({self.signed_at:%Y-%m-%d})"
