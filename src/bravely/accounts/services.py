"""Writes for practices, memberships, invitations and API tokens, each audited."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Practice,
    Role,
    User,
    hash_token,
    new_token,
)
from bravely.audit.services import Actor, record


@transaction.atomic
def invite(actor: Actor, practice: Practice, email: str, role: str) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link. Returns the invitation and the raw token."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Someone with this e-mail address already has an account.")}
        )
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    pending = Invitation.objects.filter(
        practice=practice, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True)
    replaced = list(pending.values_list("pk", flat=True))
    pending.update(revoked_at=timezone.now())  # a new invitation replaces a pending one
    raw = new_token()
    invitation = Invitation.objects.create(
        practice=practice, email=email, role=role, token_hash=hash_token(raw),
        invited_by=actor.user if actor.user.pk else None,
        expires_at=timezone.now() + timedelta(days=settings.BRAVELY_INVITATION_DAYS),
    )
    link = settings.SITE_ROOT.rstrip("/") + reverse("invitation_accept", args=[raw])
    send_mail(
        _("You are invited to %(practice)s on Bravely") % {"practice": practice.name},
        _("%(inviter)s invited you to join %(practice)s on Bravely.\n\nSet your password here "
          "(the link works once and expires in %(days)s days):\n%(link)s\n") % {
            "inviter": actor.user, "practice": practice.name, "link": link,
            "days": settings.BRAVELY_INVITATION_DAYS},
        None, [email],
    )
    record(actor, "create", invitation, practice_id=practice.pk,
           details={"email": email, "role": role, "replaced_invitations": replaced})
    return invitation, raw


def find_invitation(raw: str) -> Invitation | None:
    return Invitation.objects.select_related("practice").filter(token_hash=hash_token(raw)).first()


@transaction.atomic
def accept_invitation(raw: str, full_name: str, password: str, ip_address=None) -> User:
    invitation = (
        Invitation.objects.select_for_update().filter(token_hash=hash_token(raw)).first()
    )
    if invitation is None or not invitation.is_usable:
        raise ValidationError(_("This invitation link has expired or was already used."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account with this e-mail address already exists."))
    user = User(email=invitation.email, full_name=full_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    Membership.objects.create(user=user, practice=invitation.practice, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(Actor(user, ip_address), "update", invitation, practice_id=invitation.practice_id,
           details={"accepted": True})
    return user


@transaction.atomic
def revoke_invitation(actor: Actor, invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(actor, "archive", invitation, practice_id=invitation.practice_id)


@transaction.atomic
def update_membership(actor: Actor, membership: Membership, *, role: str, supervisor,
                      is_active: bool) -> Membership:
    if supervisor is not None and (
        supervisor.practice_id != membership.practice_id or supervisor.role != Role.SUPERVISOR
    ):
        raise ValidationError({"supervisor": _("Choose a supervisor from this practice.")})
    if supervisor is not None and supervisor.pk == membership.pk:
        raise ValidationError({"supervisor": _("Nobody supervises themselves.")})
    if membership.user_id == actor.user.pk and (role != Role.ADMIN or not is_active):
        raise ValidationError({"role": _("You cannot remove your own admin role.")})
    before = {"role": membership.role, "supervisor": membership.supervisor_id,
              "is_active": membership.is_active}
    membership.role, membership.supervisor, membership.is_active = role, supervisor, is_active
    membership.full_clean()
    membership.save()
    after = {"role": role, "supervisor": getattr(supervisor, "pk", None), "is_active": is_active}
    record(actor, "update", membership, practice_id=membership.practice_id,
           details={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return membership


@transaction.atomic
def update_practice(actor: Actor, practice: Practice, data: dict) -> Practice:
    for field, value in data.items():
        setattr(practice, field, value)
    practice.full_clean()
    practice.save()
    record(actor, "update", practice, practice_id=practice.pk, details={"fields": sorted(data)})
    return practice


@transaction.atomic
def create_api_token(actor: Actor, name: str) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    raw = "bvly_" + new_token()
    token = ApiToken.objects.create(
        user=actor.user, name=name, prefix=raw[:10], token_hash=hash_token(raw)
    )
    record(actor, "create", token, practice_id=actor.user.membership.practice_id)
    return token, raw


@transaction.atomic
def revoke_api_token(actor: Actor, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor, "archive", token, practice_id=actor.user.membership.practice_id)


def authenticate_token(raw: str) -> User | None:
    """The active staff user behind a bearer token, or None for unknown or revoked tokens."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user__membership")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
