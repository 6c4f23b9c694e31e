"""Pacing: the engine's recommendations as stored, the clinician's decisions, and the thresholds.

The engine (`bravely.clinical.pacing.recommend`) is pure; `pacing.services.refresh_recommendations`
runs it over stored data and keeps what it says here. A recommendation is never deleted: one the
engine no longer makes is marked superseded (except a crisis follow-up, which stays open until a
clinician decides on it), and a decision records who, when, the note and the change applied.
"""

from dataclasses import fields as dataclass_fields

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.accounts.models import Practice
from bravely.clients.models import Client
from bravely.clinical.pacing import Kind as EngineKind
from bravely.clinical.pacing import PacingPolicy
from bravely.planning.models import ExposurePlan, Rung


class Kind(models.TextChoices):
    """The engine's kinds (`clinical.pacing.Kind`), with labels for people."""

    CRISIS_FOLLOW_UP = EngineKind.CRISIS_FOLLOW_UP.value, _("Crisis follow-up")
    MEDICAL_CHECK = EngineKind.MEDICAL_CHECK.value, _("Check before the next exposure")
    PAUSE_AND_REFRAME = EngineKind.PAUSE_AND_REFRAME.value, _("Pause and reframe")
    STEP_BACK = EngineKind.STEP_BACK.value, _("Step back to an easier rung")
    SPLIT_RUNG = EngineKind.SPLIT_RUNG.value, _("Split the rung")
    REVIEW_SAFETY = EngineKind.REVIEW_SAFETY.value, _("Review the safety parameters")
    REASSESS_HIERARCHY = EngineKind.REASSESS_HIERARCHY.value, _("Re-rate the hierarchy")
    CHECK_RATINGS = EngineKind.CHECK_RATINGS.value, _("Check the ratings")
    REVISIT_VALUES = EngineKind.REVISIT_VALUES.value, _("Revisit the values")
    CHECK_AVOIDANCE = EngineKind.CHECK_AVOIDANCE.value, _("Check for subtle avoidance")
    ADVANCE = EngineKind.ADVANCE.value, _("Advance to the next rung")
    ADD_VARIABILITY = EngineKind.ADD_VARIABILITY.value, _("Add variability")
    KEEP_PRACTISING = EngineKind.KEEP_PRACTISING.value, _("Keep practising this rung")


class Recommendation(models.Model):
    """One recommendation of the pacing engine, with its evidence and the decision taken on it."""

    class Role(models.TextChoices):
        """Per rung, one primary; the alternatives a clinician may prefer are folded under it."""

        PRIMARY = "primary", _("Suggested next step")
        ALTERNATIVE = "alternative", _("Alternative")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")
        SUPERSEDED = "superseded", _("No longer suggested")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="recommendations")
    # Null for a crisis follow-up: a risk signal concerns the client, not one plan.
    plan = models.ForeignKey(ExposurePlan, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="recommendations")
    rung = models.ForeignKey(Rung, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="recommendations")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    reason = models.TextField()  # the engine's template, untranslated; shown via gettext
    params = models.JSONField(default=dict)
    evidence = models.JSONField(default=dict)  # {"log_ids", "check_in_ids", "rule", "thresholds"}
    rule = models.CharField(max_length=120, blank=True)  # evidence["rule"], for queries
    priority = models.PositiveSmallIntegerField()
    requires_note_to_dismiss = models.BooleanField(default=False)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices,
                            default=Role.PRIMARY)
    # For an alternative: the primary of the same rung it is folded under (set at each refresh).
    alternative_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="alternatives")
    fingerprint = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), max_length=3000, blank=True)
    applied = models.JSONField(default=dict, blank=True)  # the change made on acceptance

    class Meta:
        ordering = ["priority", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["fingerprint"], condition=Q(status="open"),
                                    name="recommendation_one_open_per_fingerprint"),
        ]
        indexes = [
            models.Index(fields=["client", "status"]),
            # needs attention counts the open ones of a caseload: without it PostgreSQL read them
            # through the open-fingerprint index, every client's open ones (pacing.selectors)
            models.Index(fields=["client"], condition=Q(status="open"),
                         name="recommendation_open_client"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_primary(self) -> bool:
        return self.role == self.Role.PRIMARY

    @property
    def is_crisis(self) -> bool:
        return self.kind == Kind.CRISIS_FOLLOW_UP

    def delete(self, *args, **kwargs):
        raise ValueError("Recommendations are never deleted; they are superseded or decided.")


DEFAULTS = PacingPolicy()
COUNT = [MinValueValidator(1), MaxValueValidator(50)]
DAYS = [MinValueValidator(1), MaxValueValidator(365)]
POINTS = [MinValueValidator(0), MaxValueValidator(100)]
RATIO = [MinValueValidator(0), MaxValueValidator(1)]


class PacingSettings(models.Model):
    """The thresholds of the pacing engine for a practice, or for one plan (overriding the
    practice's). The defaults are the engine's (`clinical.pacing.PacingPolicy`); each field's
    help text names its source. Distress points are on a 0-100 basis."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT,
                                 related_name="pacing_settings")
    plan = models.OneToOneField(ExposurePlan, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="pacing_settings")
    risk_lookback_days = models.PositiveSmallIntegerField(
        _("risk signals count for (days)"), default=DEFAULTS.risk_lookback_days,
        validators=DAYS,
        help_text=_("A risk answer in a check-in or log this recent prompts a crisis follow-up. "
                    "Source: architecture (risk -> crisis follow-up); clinical facts, “Safety and "
                    "contraindications”. The window is a Bravely default."))
    over_prediction_points = models.FloatField(
        _("peak above the predicted distress by (points)"),
        default=DEFAULTS.over_prediction_points, validators=POINTS,
        help_text=_("A peak this far above the rung's predicted distress was not anticipated. "
                    "Source: architecture; clinical facts, “The approach” step 8 (reassess the "
                    "hierarchy)."))
    over_prediction_count = models.PositiveSmallIntegerField(
        _("… in this many practices"), default=DEFAULTS.over_prediction_count, validators=COUNT,
        help_text=_("Source: architecture (“2 of the last 3”)."))
    over_prediction_window = models.PositiveSmallIntegerField(
        _("… of the latest practices"), default=DEFAULTS.over_prediction_window, validators=COUNT,
        help_text=_("Source: architecture (“2 of the last 3”)."))
    step_back_count = models.PositiveSmallIntegerField(
        _("step back after this many practices over the ceiling or ended early"),
        default=DEFAULTS.step_back_count, validators=COUNT,
        help_text=_("Source: clinical facts, “Inhibitory learning versus habituation” (step back "
                    "when the client cannot stay in the exposure); the count is a Bravely "
                    "default."))
    step_back_window = models.PositiveSmallIntegerField(
        _("… of the latest practices on the rung"), default=DEFAULTS.step_back_window,
        validators=COUNT, help_text=_("Bravely default."))
    missed_practice_ratio = models.FloatField(
        _("missed practice below this share of what was assigned"),
        default=DEFAULTS.missed_practice_ratio, validators=RATIO,
        help_text=_("0.5 is 50 %. Source: architecture; clinical facts, “The approach” step 8 "
                    "(avoidance -> revisit the value mapping)."))
    missed_practice_days = models.PositiveSmallIntegerField(
        _("practice counted over (days)"), default=DEFAULTS.missed_practice_days,
        validators=DAYS, help_text=_("Source: architecture (14 days)."))
    min_expected_practices = models.FloatField(
        _("judge missed practice once this many practices were due"),
        default=DEFAULTS.min_expected_practices, validators=[MinValueValidator(0),
                                                             MaxValueValidator(100)],
        help_text=_("Bravely default."))
    repeated_early_exits = models.PositiveSmallIntegerField(
        _("repeated early exits: this many"), default=DEFAULTS.repeated_early_exits,
        validators=COUNT,
        help_text=_("Source: architecture (“repeated early exits”); the count is a Bravely "
                    "default."))
    early_exit_window = models.PositiveSmallIntegerField(
        _("… among the latest practices"), default=DEFAULTS.early_exit_window, validators=COUNT,
        help_text=_("Bravely default."))
    safety_behaviour_window = models.PositiveSmallIntegerField(
        _("rising safety behaviours over the latest practices"),
        default=DEFAULTS.safety_behaviour_window, validators=[MinValueValidator(2),
                                                              MaxValueValidator(50)],
        help_text=_("Source: architecture (“rising safety behaviours”); the window is a Bravely "
                    "default."))
    likelihood_drop_points = models.FloatField(
        _("inhibitory learning: likelihood of the feared outcome falls by (points)"),
        default=DEFAULTS.likelihood_drop_points, validators=POINTS,
        help_text=_("The expectancy counts as violated. Source: architecture; clinical facts "
                    "(Craske et al. 2014, expectancy violation)."))
    consecutive_for_advance = models.PositiveSmallIntegerField(
        _("consecutive practices meeting the criterion before advancing"),
        default=DEFAULTS.consecutive_for_advance, validators=COUNT,
        help_text=_("Source: architecture (2 consecutive practices)."))
    habituation_drop_ratio = models.FloatField(
        _("habituation: distress after at most this share of the peak"),
        default=DEFAULTS.habituation_drop_ratio, validators=RATIO,
        help_text=_("0.5 is 50 %. Source: clinical facts (Foa & Kozak 1986: within-session "
                    "habituation, commonly a 50 % drop from the peak)."))
    too_easy_peak_points = models.FloatField(
        _("a new rung is too easy when every peak is below (0-100 basis)"),
        default=DEFAULTS.too_easy_peak_points, validators=POINTS,
        help_text=_("Check for subtle avoidance first. Source: architecture; clinical facts "
                    "(“when a rung is too easy, first check for subtle avoidance and safety "
                    "behaviours”)."))
    too_easy_max_logs = models.PositiveSmallIntegerField(
        _("a rung counts as new while it has at most this many practices"),
        default=DEFAULTS.too_easy_max_logs, validators=[MinValueValidator(0),
                                                        MaxValueValidator(50)],
        help_text=_("Bravely default."))
    follows_practice = models.BooleanField(
        _("follows the practice's thresholds"), default=False,
        help_text=_("A plan's own thresholds set aside: the plan uses the practice's again, and "
                    "these values are kept as they were."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "pacing settings"
        constraints = [
            models.UniqueConstraint(fields=["practice"], condition=Q(plan__isnull=True),
                                    name="pacing_settings_one_per_practice"),
        ]

    def __str__(self):
        return f"Pacing settings of {self.plan or self.practice}"

    def policy(self) -> PacingPolicy:
        """The engine's policy; raises ClinicalInputError for a combination it refuses."""
        values = {}
        for f in dataclass_fields(PacingPolicy):
            value = getattr(self, f.name)
            values[f.name] = int(value) if f.type == "int" else float(value)
        return PacingPolicy(**values)


POLICY_FIELDS = tuple(f.name for f in dataclass_fields(PacingPolicy))


class PacingState(models.Model):
    """Whether a client's recommendations are up to date.

    Every successful refresh sets `refreshed_at` and clears the failure. A refresh that still
    fails after its retries (a lock that did not come free, a deadlock, a bug) sets `failed_at`
    (the first failure since the last success), `failures` and `failure`: the client's pages and
    the needs-attention queue then say that the recommendations may be out of date, and the next
    `bravely pacing refresh` takes the client up again, whatever its status.

    What the scheduled run may skip: `changed_at` is set (`pacing.services.inputs_changed`) by
    every write that changes what the engine reads; `due_at` is the earliest moment the engine's
    answer could change with no new data (the client's next local midnight, or sooner when a
    risk signal or check-in leaves its look-back). A client is refreshed when it never was, its
    last refresh failed, changed_at is after refreshed_at, or due_at has passed.
    """

    client = models.OneToOneField(Client, on_delete=models.PROTECT, primary_key=True,
                                  related_name="pacing_state")
    refreshed_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=500, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["failed_at"], condition=Q(failed_at__isnull=False),
                                name="pacingstate_failed")]

    def __str__(self):
        return f"Pacing state of client {self.client_id}"

    @property
    def is_stale(self) -> bool:
        return self.failed_at is not None
