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
    """Create an invitation and e-mail it. Returns the invitation and the raw token.

    The inviter learns nothing about accounts outside their practice: whether or not the address
    already has a Bravely account elsewhere (staff of another practice, a client, a support
    person), the same invitation is stored, audited and answered for. Only the e-mail differs,
    and only its recipient sees it: a new address gets the link, an existing account is told
    that it cannot join this way (one practice per staff account) and gets no link.
    """
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    # The same two queries whatever exists, so not even timing tells the cases apart.
    has_account = User.objects.filter(email__iexact=email).exists()
    if Membership.objects.filter(user__email__iexact=email, practice=practice).exists():
        # The admin sees this practice's members anyway: saying so reveals nothing new.
        raise ValidationError({"email": _("This address is already a member of this practice.")})
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
    if has_account:
        _send_existing_account_notice(actor, practice, email)
    else:
        _send_invitation_link(actor, practice, email, raw)
    record(actor, "create", invitation, practice_id=practice.pk,
           details={"email": email, "role": role, "replaced_invitations": replaced})
    return invitation, raw


def _site_link(path: str) -> str:
    return settings.SITE_ROOT.rstrip("/") + path


def _send_invitation_link(actor: Actor, practice: Practice, email: str, raw: str) -> None:
    send_mail(
        _("You are invited to %(practice)s on Bravely") % {"practice": practice.name},
        _("%(inviter)s invited you to join %(practice)s on Bravely.\n\nSet your password here "
          "(the link works once and expires in %(days)s days):\n%(link)s\n") % {
            "inviter": actor.user, "practice": practice.name,
            "link": _site_link(reverse("invitation_accept", args=[raw])),
            "days": settings.BRAVELY_INVITATION_DAYS},
        None, [email],
    )


def _send_existing_account_notice(actor: Actor, practice: Practice, email: str) -> None:
    """Tell the owner of an existing account (and only them) why no invitation link came."""
    send_mail(
        _("Bravely: %(practice)s tried to invite this address") % {"practice": practice.name},
        _("%(inviter)s at %(practice)s tried to invite this e-mail address to their practice "
          "on Bravely.\n\n"
          "This address already belongs to a Bravely account, so no invitation link is "
          "included: a Bravely account is used for one practice and one purpose only, and an "
          "existing account is never added to another practice. Your account has not been "
          "changed.\n\n"
          "If you are going to work with %(practice)s, ask them to invite a different e-mail "
          "address of yours; it will get an account of its own. If you were not expecting "
          "this, there is nothing to do.\n\n"
          "To sign in to the account you already have: %(login)s\n") % {
            "inviter": actor.user, "practice": practice.name,
            "login": _site_link(reverse("account_login"))},
        None, [email],
    )


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
        # Never attach an existing account: a staff account belongs to one practice only.
        raise ValidationError(_(
            "This e-mail address already has a Bravely account, and an account cannot join a "
            "second practice. Ask the practice to invite another address of yours."))
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
def set_language(actor: Actor, language: str) -> User:
    """The language of a staff member's own pages; empty follows their browser."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    user = actor.user
    before = user.language
    user.language = language
    user.save(update_fields=["language"])
    record(actor, "update", user, practice_id=user.membership.practice_id,
           details={"changed": {"language": [before, language]}})
    return user


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


@transaction.atomic
def revoke_api_tokens_after_password_reset(user: User, ip_address=None) -> int:
    """A password reset means the password may have been known to someone else: every API
    token the user still has is revoked (one audit entry each). Returns how many."""
    tokens = list(ApiToken.objects.select_for_update()
                  .filter(user=user, revoked_at__isnull=True).order_by("pk"))
    if not tokens:
        return 0
    membership = getattr(user, "membership", None)
    actor = Actor(user, ip_address)
    now = timezone.now()
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record(actor, "archive", token, practice_id=getattr(membership, "practice_id", None),
               details={"reason": "password_reset"})
    return len(tokens)


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
