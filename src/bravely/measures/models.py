"""Outcome measures. Nothing clinical here is ever hard-deleted; a submitted administration and
its responses are never edited (a correction is a new administration).

An `Instrument` row holds a definition (`clinical.measures`' JSON form): the built-in ones are
copied from `measures/instruments/*.json` the first time they are used (practice is empty),
a practice's own are imported. The definition is copied, never referenced: an administration
keeps the instrument row (and so the exact definition) it was scored with, and its scoring
version.
"""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.accounts.models import Practice
from bravely.clients.models import Client
from bravely.clinical import measures as rules
from bravely.core.models import ImmutableError, WriteOnce
from bravely.practice.models import RiskAlert


class Instrument(WriteOnce):
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="instruments",
                                 help_text=_("Empty for the instruments Bravely ships."))
    code = models.CharField(_("code"), max_length=32)
    version = models.CharField(_("version"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    definition = models.JSONField()
    licence_note = models.TextField(_("licence"), blank=True, max_length=3000)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice_id", "code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "code", "version"],
                                    name="measures_instrument_unique_in_practice"),
            models.UniqueConstraint(fields=["code", "version"], condition=Q(practice=None),
                                    name="measures_instrument_unique_builtin"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.practice_id is None

    @cached_property
    def rules(self) -> rules.Instrument:
        return rules.parse_definition(self.definition)

    @property
    def scoring_version(self) -> str:
        return f"{self.code} v{self.version}; {rules.SCORING_VERSION}"

    def delete(self, *args, **kwargs):
        raise ImmutableError("Instruments are never deleted.")


class Wording(WriteOnce):
    """Item wording a practice imported (a FHIR R4 Questionnaire it is entitled to use). The
    newest per practice and instrument is shown; older ones are kept."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="wordings")
    title = models.CharField(max_length=300, blank=True)
    # {item id: {"text": ..., "options": {"<score>": display}}}
    items = models.JSONField()
    licence_note = models.TextField(_("licence"), max_length=3000)
    file_name = models.CharField(max_length=255, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"{self.instrument} wording {self.imported_at:%Y-%m-%d}"

    def delete(self, *args, **kwargs):
        raise ImmutableError("Imported wording is never deleted.")


class Schedule(models.Model):
    """A measure the clinician asked for: once, or every N weeks from a date."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="measure_schedules")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("measure"))
    every_weeks = models.PositiveSmallIntegerField(_("every (weeks)"), null=True, blank=True)
    starts_on = models.DateField(_("first due on"))
    review_after_weeks = models.PositiveSmallIntegerField(
        _("not on track after (weeks)"), default=6,
        help_text=_("Flag the client in Needs attention when there is no reliable improvement "
                    "this many weeks after the first score."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.instrument} for {self.client}"

    def delete(self, *args, **kwargs):
        raise ImmutableError("Schedules are ended, never deleted.")


class Administration(models.Model):
    """One completion of a measure: due, in progress (answers kept, resumable) or submitted
    (scored; from then on never edited)."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Client, in the portal")
        SESSION = "session", _("Clinician, from the paper form")
        API = "api", _("API")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="administrations")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    schedule = models.ForeignKey(Schedule, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="administrations")
    due_on = models.DateField(_("due on"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DUE)
    source = models.CharField(max_length=8, choices=Source.choices, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    severity = models.CharField(max_length=100, blank=True)
    prorated = models.BooleanField(default=False)
    scoring_version = models.CharField(max_length=100, blank=True)
    risk_alert = models.ForeignKey(RiskAlert, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-due_on", "-id"]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self):
        return f"{self.instrument} {self.due_on}"

    def save(self, *args, **kwargs):
        if getattr(self, "_stored_status", None) == self.Status.SUBMITTED:
            raise ImmutableError("A submitted measure is never edited; add a new one.")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        raise ImmutableError("Measures are never deleted.")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DUE, self.Status.IN_PROGRESS)


class Response(models.Model):
    """One item's answer (its score as printed, before any reverse scoring)."""

    administration = models.ForeignKey(Administration, on_delete=models.PROTECT,
                                       related_name="responses")
    item_id = models.CharField(max_length=64)
    value = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["administration_id", "id"]
        constraints = [models.UniqueConstraint(fields=["administration", "item_id"],
                                               name="measures_response_one_per_item")]

    def __str__(self):
        return f"{self.item_id}={self.value}"

    def delete(self, *args, **kwargs):
        raise ImmutableError("Responses are never deleted.")


class OffTrack(models.Model):
    """A client not on track on a measure (reliable deterioration, or no reliable improvement
    after the schedule's weeks): shown in Needs attention with its evidence until a later
    score is on track again."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="off_track")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    administration = models.ForeignKey(Administration, on_delete=models.PROTECT,
                                       related_name="+")
    reason = models.CharField(max_length=16)
    evidence = models.JSONField()
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self):
        return f"{self.client} not on track on {self.instrument}"

    def delete(self, *args, **kwargs):
        raise ImmutableError("Kept as history.")
