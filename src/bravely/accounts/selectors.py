from django.http import Http404

from bravely.accounts.models import Membership, Role


def membership_of(user) -> Membership | None:
    """The signed-in staff member's active membership, or None (clients, strangers, anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "membership", None)
    if membership is None or not membership.is_active:
        return None
    return membership


def practice_members(user):
    membership = membership_of(user)
    if membership is None:
        return Membership.objects.none()
    return Membership.objects.filter(practice_id=membership.practice_id).select_related(
        "user", "supervisor__user"
    )


def clinicians_of_practice(practice_id):
    return Membership.objects.filter(
        practice_id=practice_id, is_active=True, role__in=[Role.CLINICIAN, Role.ADMIN,
                                                           Role.SUPERVISOR]
    ).select_related("user")


def get_admin_membership(user) -> Membership:
    """The practice admin's membership; for anyone else the page or endpoint does not exist."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ADMIN:
        raise Http404
    return membership
