"""Client and support-person access: invitations, accounts, consent to share. All audited."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.accounts.models import User, hash_token, new_token
from bravely.audit.services import Actor, record
from bravely.portal.models import ClientAccount, PortalInvitation, SupportPerson


def join_link(raw: str) -> str:
    """The link an invited person opens to set their password (works once)."""
    return settings.SITE_ROOT.rstrip("/") + reverse("portal_join", args=[raw])


def _send_invitation(actor, client, kind, email, support=None) -> tuple[PortalInvitation, str]:
    """Store, e-mail and audit a portal invitation, the same way whether or not the address
    already has a Bravely account (the clinician must not learn about accounts they cannot
    see, e.g. staff or clients of another practice). Only the e-mail differs, and only its
    recipient sees it: an existing account gets no link, just a note that it cannot be used
    for this; accepting never attaches an existing account (see accept_invitation)."""
    email = email.strip().lower()
    has_account = User.objects.filter(email__iexact=email).exists()
    raw = new_token()
    invitation = PortalInvitation.objects.create(
        kind=kind, client=client, support=support, email=email, token_hash=hash_token(raw),
        invited_by=actor.user,
        expires_at=timezone.now() + timedelta(days=settings.BRAVELY_INVITATION_DAYS),
    )
    root = settings.SITE_ROOT.rstrip("/")
    if has_account:
        # Said the same way for clients and support persons: the e-mail names no client and
        # no role, in case the address was mistyped and belongs to somebody else.
        send_mail(
            _("Bravely: about an invitation to this address"),
            _("%(practice)s tried to invite this e-mail address to Bravely.\n\n"
              "This address already belongs to a Bravely account, so no invitation link "
              "is included: an existing account is never given a second role or joined to "
              "another record this way. Your account has not been changed.\n\n"
              "If you expected this invitation, tell %(practice)s and give them another e-mail "
              "address for it. If you were not expecting it, there is nothing to do.\n\n"
              "To sign in to the account you already have: %(login)s\n") % {
                "practice": client.practice.name, "login": root + reverse("account_login")},
            None, [email],
        )
    else:
        send_mail(
            _("Your invitation to Bravely"),
            _("%(practice)s invited you to Bravely.\n\nSet your password here (the link works "
              "once and expires in %(days)s days):\n%(link)s\n") % {
                "practice": client.practice.name, "link": join_link(raw),
                "days": settings.BRAVELY_INVITATION_DAYS},
            None, [email],
        )
    record(actor, "create", invitation, client=client, details={"kind": kind})
    return invitation, raw


@transaction.atomic
def invite_client(actor: Actor, client, email: str) -> tuple[PortalInvitation, str]:
    if client.is_archived:
        raise ValidationError({"email": _("This client is archived.")})
    if hasattr(client, "account"):
        raise ValidationError({"email": _("This client already has portal access.")})
    pending = client.invitations.filter(kind="client", accepted_at__isnull=True,
                                        revoked_at__isnull=True)
    replaced = list(pending.values_list("pk", flat=True))
    pending.update(revoked_at=timezone.now())
    if replaced:
        record(actor, "archive", client=client, object_type="portalinvitation",
               details={"replaced_invitations": replaced})
    return _send_invitation(actor, client, PortalInvitation.Kind.CLIENT, email)


@transaction.atomic
def add_support_person(actor: Actor, client, *, name, relationship, email, shares,
                       consent_note) -> SupportPerson:
    if not shares:
        raise ValidationError({"shares": _("Choose at least one thing the client shares.")})
    if set(shares) - set(SupportPerson.Share.values):
        raise ValidationError({"shares": _("Choose from the listed options.")})
    if not consent_note.strip():
        raise ValidationError(
            {"consent_note": _("Record how the client consented to sharing.")}
        )
    support = SupportPerson(
        client=client, name=name, relationship=relationship, email=email.strip().lower(),
        shares=list(shares), consent_note=consent_note, recorded_by=actor.user,
    )
    support.full_clean()
    support.save()
    record(actor, "create", support, client=client, details={"shares": list(shares)})
    _send_invitation(actor, client, PortalInvitation.Kind.SUPPORT, email, support=support)
    return support


@transaction.atomic
def revoke_support(actor: Actor, support: SupportPerson) -> None:
    if support.revoked_at is None:
        support.revoked_at = timezone.now()
        support.revoked_by = actor.user
        support.save(update_fields=["revoked_at", "revoked_by"])
        support.invitations.filter(accepted_at__isnull=True).update(revoked_at=timezone.now())
        record(actor, "archive", support, client=support.client)


def find_invitation(raw: str) -> PortalInvitation | None:
    return (
        PortalInvitation.objects.select_related("client__practice", "support")
        .filter(token_hash=hash_token(raw)).first()
    )


@transaction.atomic
def accept_invitation(raw: str, password: str, ip_address=None) -> User:
    invitation = (
        PortalInvitation.objects.select_for_update(of=("self",))
        .select_related("client", "support")
        .filter(token_hash=hash_token(raw)).first()
    )
    if invitation is None or not invitation.is_usable:
        raise ValidationError(_("This invitation link has expired or was already used."))
    if invitation.support and not invitation.support.is_active:
        raise ValidationError(_("The client no longer shares with this person."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        # Never attach an existing account (staff elsewhere, another client, another support).
        raise ValidationError(_(
            "This e-mail address already has a Bravely account, which cannot be used for this "
            "invitation. Ask the practice that invited you to use another address of yours."))
    name = invitation.support.name if invitation.support else invitation.client.display_name
    user = User(email=invitation.email, full_name=name)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    if invitation.kind == PortalInvitation.Kind.CLIENT:
        ClientAccount.objects.create(client=invitation.client, user=user)
    else:
        invitation.support.user = user
        invitation.support.save(update_fields=["user"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(Actor(user, ip_address), "update", invitation, client=invitation.client,
           details={"accepted": True})
    return user


@transaction.atomic
def set_language(actor: Actor, account, language: str):
    """The language of the client's pages, kept on their account (the record's own field)."""
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    before = account.language
    account.language = language
    account.save(update_fields=["language"])
    record(actor, "update", account, client=account.client,
           details={"changed": {"language": [before, language]}})
    return account
