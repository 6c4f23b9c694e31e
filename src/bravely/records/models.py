"""The clinical record: session notes in DAP form (data, assessment, plan), their addenda and
co-signatures. A note is a draft until its author signs it; from then on it is never edited or
deleted (a correction is a signed addendum) and its signed content is hashed, so a change made in
the database is found (`SessionNote.hash_is_intact`). Nothing here is ever deleted.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.clients.models import Client
from bravely.core.models import Immutable, ImmutableError

NOTE_TEXT = 10_000


def content_hash(payload: dict) -> str:
    """SHA-256 of the canonical JSON of what was signed."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class NoteQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("Session notes are changed one at a time, through their service.")

    def delete(self):
        raise ImmutableError("Session notes are never deleted.")

    def signed(self):
        return self.filter(signed_at__isnull=False)

    def drafts(self):
        return self.filter(signed_at__isnull=True)


class SessionNote(models.Model):
    """One session's note. Drafts are saved as the clinician writes; signing freezes it."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="session_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("author"))
    session_date = models.DateField(_("session date"))
    period_start = models.DateField(
        _("since"), help_text=_("The period this note covers starts here: Bravely offers the "
                                "facts recorded from this day to the session."))
    data = models.TextField(_("data"), max_length=NOTE_TEXT, blank=True,
                            help_text=_("What happened: what the client reported and did, what "
                                        "was observed, what was logged."))
    assessment = models.TextField(_("assessment"), max_length=NOTE_TEXT, blank=True,
                                  help_text=_("Your clinical reading of it: progress, risk, "
                                              "what it means for the plan."))
    plan = models.TextField(_("plan"), max_length=NOTE_TEXT, blank=True,
                            help_text=_("What happens next: the next rung, homework, pace, "
                                        "the next session."))
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    signed_hash = models.CharField(max_length=64, blank=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-session_date", "-id"]
        indexes = [models.Index(fields=["client", "-session_date"])]

    def __str__(self):
        return f"{self.client} note {self.session_date}"

    def save(self, *args, **kwargs):
        if self.pk is not None and SessionNote.objects.signed().filter(pk=self.pk).exists():
            raise ImmutableError("A signed note is never edited; add an addendum.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Session notes are never deleted.")

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def signed_payload(self) -> dict:
        return {
            "note": self.pk, "client": self.client_id, "author": self.author_id,
            "session_date": self.session_date.isoformat(),
            "period_start": self.period_start.isoformat(),
            "data": self.data, "assessment": self.assessment, "plan": self.plan,
            "signed_by": self.signed_by_id,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
        }

    def hash_is_intact(self) -> bool:
        return self.is_signed and self.signed_hash == content_hash(self.signed_payload())


class NoteAddendum(Immutable):
    """A correction or addition to a signed note, signed as it is written."""

    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(_("addendum"), max_length=NOTE_TEXT)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)
    signed_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name_plural = "note addenda"

    def __str__(self):
        return f"addendum to {self.note}"

    def signed_payload(self) -> dict:
        return {"note": self.note_id, "note_hash": self.note.signed_hash, "text": self.text,
                "signed_by": self.signed_by_id, "signed_at": self.signed_at.isoformat()}


class CoSignature(Immutable):
    """A supervisor's co-signature of a supervisee's signed note (of the note as signed)."""

    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="cosignatures")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    comment = models.TextField(_("comment"), max_length=3000, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    note_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["note", "signed_by"],
                                               name="cosignature_once_per_supervisor")]

    def __str__(self):
        return f"co-signature of {self.note}"
