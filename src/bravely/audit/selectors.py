from bravely.accounts.models import Role
from bravely.accounts.selectors import membership_of
from bravely.audit.models import AuditEvent


def audit_events_for(user, *, action: str = "", client_id: int | None = None, actor: str = ""):
    """The audit trail a practice admin may browse: their own practice only."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ADMIN:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(practice_id=membership.practice_id)
    if action:
        events = events.filter(action=action)
    if client_id is not None:
        events = events.filter(client_id=client_id)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    return events.order_by("-id")
