from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.accounts.models import Practice
from bravely.core.models import WriteOnce

EARLIEST_BIRTH = date(1900, 1, 1)


def default_time_zone() -> str:
    """The practice's time zone: settings.TIME_ZONE (one per installation)."""
    return settings.TIME_ZONE or "UTC"


def validate_time_zone(value: str) -> None:
    from zoneinfo import available_timezones

    if value not in available_timezones():
        raise ValidationError(_("Choose a time zone such as Europe/London or America/Chicago."))


def validate_date_of_birth(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth cannot be in the future."))
    if value < EARLIEST_BIRTH:
        raise ValidationError(_("Enter a date of birth from 1900 on."))


class DistressScale(models.TextChoices):
    SUDS = "suds100", _("SUDS 0-100")
    THERMOMETER = "thermometer10", _("Fear thermometer 0-10")


class ClientQuerySet(models.QuerySet):
    def current(self):
        return self.filter(archived_at__isnull=True)


class Client(models.Model):
    """A person in treatment. Never hard-deleted: archiving hides them from the caseload."""

    class Status(models.TextChoices):
        INTAKE = "intake", _("Intake")
        ACTIVE = "active", _("Active")
        MAINTENANCE = "maintenance", _("Maintenance")
        DISCHARGED = "discharged", _("Discharged")

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    display_name = models.CharField(_("display name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True,
                                     validators=[validate_date_of_birth])
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    presenting_concerns = models.TextField(_("presenting concerns"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.INTAKE
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="primary_clients",
        verbose_name=_("primary clinician"),
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="care_team_clients",
        blank=True,
        verbose_name=_("care team"),
    )
    distress_scale = models.CharField(
        _("preferred distress scale"),
        max_length=16,
        choices=DistressScale.choices,
        default=DistressScale.SUDS,
    )
    locale = models.CharField(_("language"), max_length=16, default="en")
    region = models.CharField(
        _("region"),
        max_length=8,
        help_text=_("Country or region code used to choose crisis resources, e.g. US, GB, AU."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("The client's own: days (missed practice, homework windows, the agreed pace) "
                    "are counted in it."))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "id"]
        indexes = [models.Index(fields=["practice", "status"])]

    def __str__(self):
        return self.display_name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def scale_max(self) -> int:
        return 10 if self.distress_scale == DistressScale.THERMOMETER else 100


class ConsentItem(models.Model):
    """One benefit or risk on the practice's consent checklist (editable by the practice admin)."""

    class Kind(models.TextChoices):
        BENEFIT = "benefit", _("Benefit")
        RISK = "risk", _("Risk")

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="consent_items")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "position", "id"]

    def __str__(self):
        return self.text


class ConsentRecord(WriteOnce):
    """One version of a client's consent. Never edited: a change or a withdrawal is a new version.

    The discussed checklist is stored as text, so a later edit of the practice checklist does not
    rewrite what this client was told.
    """

    class Kind(models.TextChoices):
        EXPOSURE = "exposure", _("Exposure treatment")

    class Decision(models.TextChoices):
        GIVEN = "given", _("Consent given")
        DECLINED = "declined", _("Consent declined")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.EXPOSURE)
    version = models.PositiveIntegerField()
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    benefits_discussed = models.JSONField(default=list, blank=True)
    risks_discussed = models.JSONField(default=list, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "version"], name="consent_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.client} v{self.version} {self.decision}"

