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


def is_practice_admin(user) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role == Role.ADMIN
