"""What the client practises and reports between sessions. Nothing here is edited or deleted.

A log copies what it was measured against (the scale, the ceiling in force, the feared outcome and
its predicted likelihood), so later edits of the ladder or safety parameters cannot rewrite it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.accounts.models import Practice
from bravely.clients.models import Client
from bravely.core.models import WriteOnce
from bravely.planning.models import ExposurePlan, HomeworkAssignment, Rung, ValueStatement

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Source(models.TextChoices):
    PORTAL = "portal", _("Client, in the portal")
    SESSION = "session", _("Clinician, in session")
    API = "api", _("API")


class PracticeLog(WriteOnce):
    class Happened(models.TextChoices):
        NO = "no", _("No")
        PARTLY = "partly", _("Partly")
        YES = "yes", _("Yes")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="practice_logs")
    plan = models.ForeignKey(ExposurePlan, on_delete=models.PROTECT, related_name="logs")
    rung = models.ForeignKey(Rung, on_delete=models.PROTECT, related_name="logs",
                             verbose_name=_("rung"))
    assignment = models.ForeignKey(HomeworkAssignment, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="logs")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    source = models.CharField(max_length=8, choices=Source.choices)
    idempotency_key = models.CharField(max_length=64)
    started_at = models.DateTimeField(_("when you started"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("how long (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(1440)])
    scale = models.CharField(max_length=16)
    distress_before = models.PositiveSmallIntegerField(_("distress before"))
    distress_peak = models.PositiveSmallIntegerField(_("distress at its peak"))
    distress_after = models.PositiveSmallIntegerField(_("distress after"))
    ceiling = models.PositiveSmallIntegerField(null=True, blank=True)
    feared_outcome = models.TextField(blank=True)
    likelihood_before = models.PositiveSmallIntegerField(null=True, blank=True,
                                                         validators=PERCENT)
    likelihood_after = models.PositiveSmallIntegerField(
        _("how likely it seems now (%)"), null=True, blank=True, validators=PERCENT)
    feared_outcome_happened = models.CharField(
        _("did what you feared happen?"), max_length=8, choices=Happened.choices, blank=True)
    what_happened = models.TextField(_("what actually happened"), max_length=3000, blank=True)
    surprise = models.PositiveSmallIntegerField(
        _("how surprised were you (0-10)"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)])
    safety_behaviours_used = models.JSONField(_("safety behaviours used"), default=list,
                                              blank=True)
    stopped_early = models.BooleanField(_("I stopped early"), default=False)
    stopped_early_reason = models.TextField(_("why you stopped"), max_length=2000, blank=True)
    coping_used = models.JSONField(_("coping used"), default=list, blank=True)
    body_sensations = models.TextField(_("body sensations"), max_length=2000, blank=True)
    emotions = models.TextField(_("emotions, in your words"), max_length=2000, blank=True)
    catastrophic_prediction = models.TextField(_("the scary prediction"), max_length=2000,
                                               blank=True)
    balanced_appraisal = models.TextField(_("a more balanced view"), max_length=2000, blank=True)
    learned = models.TextField(_("what you learned"), max_length=3000, blank=True)
    value_reflection = models.TextField(_("how this served what matters to you"),
                                        max_length=3000, blank=True)
    risk_flag = models.BooleanField(_("thoughts of harming yourself"), default=False)
    # Practise-now: how strong the fear was along the way, [{"minute": 0, "value": 40}, ...]
    # in order of minutes, on the log's scale (validated in services.validate_ratings).
    ratings = models.JSONField(_("ratings along the way"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["client", "idempotency_key"],
                                               name="log_idempotency_unique")]
        indexes = [models.Index(fields=["client", "-started_at"])]

    def __str__(self):
        return f"{self.client} {self.started_at:%Y-%m-%d} peak {self.distress_peak}"

    @property
    def over_ceiling(self) -> bool:
        return self.ceiling is not None and self.distress_peak >= self.ceiling


class StopEvent(models.Model):
    """The client pressed "I need to stop": recorded at once, whatever happens next."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="stop_events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    assignment = models.ForeignKey(HomeworkAssignment, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=16, default="button")
    # Pressed inside a practise-now run: that run's submission key, and its log once it is sent.
    practice_key = models.CharField(max_length=64, blank=True)
    log = models.ForeignKey(PracticeLog, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="stops")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.client} stopped {self.at:%Y-%m-%d %H:%M}"


class PracticeDraft(models.Model):
    """A log being written, saved as the client goes so a lost connection loses nothing."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="draft_unique")]

    def __str__(self):
        return f"draft {self.key}"


class CheckInSettings(models.Model):
    """The practice's wording of the risk question and how often clients check in."""

    practice = models.OneToOneField(Practice, on_delete=models.PROTECT,
                                    related_name="check_in_settings")
    risk_question = models.CharField(
        _("risk question"), max_length=300,
        default=_("Since your last check-in, have you had thoughts of harming yourself?"))
    every_days = models.PositiveSmallIntegerField(
        _("check in every (days)"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)])

    def __str__(self):
        return f"Check-in settings of {self.practice}"


class CheckIn(WriteOnce):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="check_ins")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    source = models.CharField(max_length=8, choices=Source.choices)
    idempotency_key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)
    scale = models.CharField(max_length=16)
    tolerable_distress = models.PositiveSmallIntegerField(
        _("the most distress you could tolerate this week"), null=True, blank=True)
    risk_question = models.CharField(max_length=300)
    risk = models.BooleanField(_("answer to the risk question"))
    value_ratings = models.JSONField(default=list, blank=True)
    note = models.TextField(_("anything else"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["client", "idempotency_key"],
                                               name="check_in_idempotency_unique")]

    def __str__(self):
        return f"{self.client} check-in {self.at:%Y-%m-%d}"


class RiskAlert(models.Model):
    """A risk signal for the care team. It stays open until a clinician closes it with a note."""

    class Source(models.TextChoices):
        CHECK_IN = "check_in", _("Check-in")
        LOG = "log", _("Practice log")
        MEASURE = "measure", _("Outcome measure")
        BOOSTER = "booster", _("Booster check-in")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="risk_alerts")
    source = models.CharField(max_length=8, choices=Source.choices)
    check_in = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    log = models.ForeignKey(PracticeLog, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    raised_in_session = models.BooleanField(
        _("raised in session"), default=False,
        help_text=_("The risk answer was recorded by the clinician during a session."))
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("what was done"), max_length=3000, blank=True)

    class Meta:
        ordering = ["closed_at", "-raised_at"]

    def __str__(self):
        return f"{self.client} risk alert {self.raised_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class JournalEntry(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="journal")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    value = models.ForeignKey(ValueStatement, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("the value it is about"))
    text = models.TextField(_("entry"), max_length=5000)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name_plural = "journal entries"

    def __str__(self):
        return f"{self.client} journal {self.written_at:%Y-%m-%d}"
