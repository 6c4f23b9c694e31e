"""Maintenance after active treatment: the relapse-prevention plan (versioned), maintenance
practice (planned versus done), everyday ("lifestyle") exposures, booster check-ins, offers of a
booster session for the needs-attention queue, what a support person can do, and reminders.

Nothing of the client's is deleted: the plan and the guidance for supports are new versions on
each change; a booster, a lifestyle exposure and a sent reminder are written once.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.accounts.models import Practice
from bravely.clients.models import Client
from bravely.clinical.maintenance import DEFAULT_BOOSTER_WEEKS
from bravely.core.models import Immutable, WriteOnce
from bravely.planning.models import Rung, SafetyParameters, ValueStatement
from bravely.portal.models import SupportPerson
from bravely.practice.models import PracticeLog, RiskAlert

HOUR = [MinValueValidator(0), MaxValueValidator(23)]


def default_weeks():
    return list(DEFAULT_BOOSTER_WEEKS)


class MaintenanceSettings(models.Model):
    """The practice's defaults for maintenance (Bravely's defaults until the admin changes them)."""

    practice = models.OneToOneField(Practice, on_delete=models.PROTECT,
                                    related_name="maintenance_settings")
    booster_weeks = models.JSONField(
        _("booster check-ins (weeks after active treatment ends)"), default=default_weeks,
        help_text=_("Bravely's default is 2, 4, 8, 12: expanding intervals."))
    reminder_hour = models.PositiveSmallIntegerField(_("reminder hour (client's time)"),
                                                     default=18, validators=HOUR)

    def __str__(self):
        return f"maintenance settings of {self.practice}"


class MaintenancePhase(models.Model):
    """A client's maintenance phase: started when the clinician sets the status to maintenance."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT,
                                  related_name="maintenance_phase")
    started_on = models.DateField(_("active treatment ended on"), default=timezone.localdate)
    booster_weeks = models.JSONField(
        _("booster weeks for this client"), null=True, blank=True,
        help_text=_("Empty: the practice's schedule."))
    responded_not_remitted = models.BooleanField(
        _("responded but did not reach remission"), default=False,
        help_text=_("Boosters come sooner: these clients are more likely to slide back."))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"maintenance of {self.client}"


class RelapsePlan(Immutable):
    """One version of the client's relapse-prevention plan. A change is a new version.

    Lists are JSON: values_reinforced [{"achievement", "values"}], warning_signs [{"sign",
    "action"}], contacts [{"name", "how"}], skills [{"skill", "when"}].
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="relapse_plans")
    version = models.PositiveIntegerField()
    values_reinforced = models.JSONField(_("what each achievement reinforced"), default=list,
                                         blank=True)
    life_vision = models.TextField(_("how this supports the life I want, in my words"),
                                   max_length=3000, blank=True)
    warning_signs = models.JSONField(_("early warning signs and what to do"), default=list,
                                     blank=True)
    lapse_note = models.TextField(_("a lapse and a relapse"), max_length=2000)
    contacts = models.JSONField(_("who to contact"), default=list, blank=True)
    skills = models.JSONField(_("skills I built and when to use them"), default=list, blank=True)
    safety = models.ForeignKey(SafetyParameters, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("safety parameters in force"))
    safety_note = models.TextField(_("how my safety parameters carry on"), max_length=2000,
                                   blank=True)
    change_note = models.CharField(_("what changed and why"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["client", "version"],
                                               name="relapse_plan_version_unique")]

    def __str__(self):
        return f"{self.client} relapse-prevention plan v{self.version}"


class RelapsePlanAcknowledgement(Immutable):
    class Method(models.TextChoices):
        SESSION = "session", _("In session, recorded by the clinician")
        PORTAL = "portal", _("By the client in the portal")

    plan = models.ForeignKey(RelapsePlan, on_delete=models.PROTECT,
                             related_name="acknowledgements")
    method = models.CharField(max_length=16, choices=Method.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-id"]

    def __str__(self):
        return f"{self.plan} acknowledged"


class MaintenanceItem(models.Model):
    """One planned maintenance practice of a rung; done when a practice log is linked."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="maintenance_items")
    rung = models.ForeignKey(Rung, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("rung"))
    planned_on = models.DateField(_("planned for"))
    context = models.CharField(_("context to vary"), max_length=200, blank=True)
    log = models.OneToOneField(PracticeLog, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="maintenance_item")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["client", "planned_on"])]

    def __str__(self):
        return f"{self.rung} on {self.planned_on}"

    @property
    def is_done(self) -> bool:
        return self.log_id is not None


class LifestyleExposure(WriteOnce):
    """An everyday exposure the client noticed and faced, logged in a few taps."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="lifestyle_logs")
    what = models.CharField(_("what you faced"), max_length=300)
    value = models.ForeignKey(ValueStatement, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("what it served"))
    distress_peak = models.PositiveSmallIntegerField(_("distress at its peak"), null=True,
                                                     blank=True)
    scale = models.CharField(max_length=16)
    on = models.DateField(_("when"), default=timezone.localdate)
    idempotency_key = models.CharField(max_length=64)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [models.UniqueConstraint(fields=["client", "idempotency_key"],
                                               name="lifestyle_idempotency_unique")]

    def __str__(self):
        return f"{self.client} lifestyle {self.on}"


class Booster(models.Model):
    """One booster check-in: due on a date; once done it keeps its re-ratings (never edited)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="boosters")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # [{"rung_id", "behaviour", "earlier", "rating"}] on the client's scale
    risk = models.BooleanField(_("said yes to the risk question"), default=False)
    risk_alert = models.ForeignKey(RiskAlert, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    rung_ratings = models.JSONField(default=list, blank=True)
    # [{"statement_id", "text", "rating"}] 0-10
    value_ratings = models.JSONField(default=list, blank=True)
    warning_signs = models.JSONField(_("warning signs noticed"), default=list, blank=True)
    note = models.TextField(_("anything else"), max_length=2000, blank=True)
    rising = models.JSONField(default=list, blank=True)  # rung ids whose rating rose
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["client", "number"],
                                               name="booster_number_unique")]

    def __str__(self):
        return f"{self.client} booster {self.number}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class BoosterOffer(models.Model):
    """'Offer a booster session': shown in the needs-attention queue until a clinician decides."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a decision")
        OFFERED = "offered", _("Booster session offered")
        DISMISSED = "dismissed", _("Not needed")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="booster_offers")
    booster = models.ForeignKey(Booster, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="offers")
    # ["rising", "warning_sign", "deterioration"]
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.client} booster offer ({self.status})"


class SupportGuidance(Immutable):
    """One version of what a support person can do to reinforce progress, and what not to do.
    Written by the clinician with the client's consent; shown beside the support's summary."""

    support = models.ForeignKey(SupportPerson, on_delete=models.PROTECT, related_name="guidance")
    version = models.PositiveIntegerField()
    helps = models.TextField(_("what helps"), max_length=3000)
    avoid = models.TextField(_("what not to do"), max_length=3000)
    consent_note = models.CharField(_("how the client agreed to this"), max_length=500)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["support", "version"],
                                               name="support_guidance_version_unique")]

    def __str__(self):
        return f"guidance for {self.support} v{self.version}"


class ReminderPreference(models.Model):
    """The client's choice about reminders: on or paused, and the quiet hours (their time)."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT,
                                  related_name="reminder_preference")
    enabled = models.BooleanField(_("send me reminders"), default=True)
    quiet_from = models.PositiveSmallIntegerField(_("quiet from (hour)"), default=21,
                                                  validators=HOUR)
    quiet_until = models.PositiveSmallIntegerField(_("quiet until (hour)"), default=8,
                                                   validators=HOUR)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"reminders of {self.client}"


class SentReminder(models.Model):
    """One reminder, claimed before it is sent: the unique key makes a restart or a second worker
    unable to send it twice."""

    class Kind(models.TextChoices):
        BOOSTER = "booster", _("Booster check-in due")
        MAINTENANCE = "maintenance", _("Maintenance practice due")
        MEASURE = "measure", _("Outcome measure due")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=80)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.CLAIMED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "kind", "key"],
                                               name="reminder_once")]

    def __str__(self):
        return f"{self.kind} {self.key} ({self.status})"
