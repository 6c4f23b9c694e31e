"""Base models every app builds on. Abstract only: core has no tables and imports no other app."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImmutableError(ValueError):
    """Raised when code tries to change or delete a record that is written once."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("These rows are never edited; add a new one.")

    def delete(self):
        raise ImmutableError("These rows are never deleted.")


class WriteOnce(models.Model):
    """A record that is never edited once saved: a change is a new row (history is never lost)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError(f"{self.__class__.__name__} rows are never edited; add a new one.")
        super().save(*args, **kwargs)


class Immutable(WriteOnce):
    """A write-once record that also refuses deletes and bulk updates through the ORM."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{self.__class__.__name__} rows are never deleted.")


class InvitationBase(models.Model):
    """A single-use, expiring link. Only the token's hash is stored."""

    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
