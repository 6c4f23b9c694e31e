from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.clients.models import Client
from bravely.core.models import InvitationBase


class ClientAccount(models.Model):
    """The client's own sign-in, linked to their record. Clients see only their own data."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="account")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="client_account"
    )
    is_active = models.BooleanField(default=True)
    check_in_every_days = models.PositiveSmallIntegerField(
        _("check in every (days)"), null=True, blank=True,
        help_text=_("Empty: the practice's default (weekly unless the practice changed it)."))
    language = models.CharField(
        _("language"), max_length=8, blank=True,
        help_text=_("The language of the client's pages. Empty: the browser's choice."))
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.user} → {self.client}"


class SupportPerson(models.Model):
    """A caregiver or other support the client chose to share a read-only summary with.

    Added by the clinician with the client's consent; the client or clinician can revoke it.
    """

    class Share(models.TextChoices):
        LADDER = "ladder", _("The ladder and which rungs are done")
        VALUES = "values", _("The values the work serves")
        PROGRESS = "progress", _("Practice progress (how often, not the details)")
        RELAPSE_PLAN = "relapse_plan", _("The plan for keeping my gains (maintenance)")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="supporting",
    )
    name = models.CharField(_("name"), max_length=100)
    relationship = models.CharField(_("relationship to the client"), max_length=60)
    email = models.EmailField(_("e-mail address"))
    shares = models.JSONField(_("what the client shares"), default=list)
    consent_note = models.CharField(_("how the client consented"), max_length=500)
    consented_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} ({self.relationship})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PortalInvitation(InvitationBase):
    """A single-use, expiring link for a client or a support person to set a password."""

    class Kind(models.TextChoices):
        CLIENT = "client", _("Client")
        SUPPORT = "support", _("Support person")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invitations")
    support = models.ForeignKey(
        SupportPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(InvitationBase.Meta):
        pass

    def __str__(self):
        return f"{self.kind}: {self.email}"
