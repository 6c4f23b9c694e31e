"""Marking what the pacing engine reads as changed, for the scheduled refresh to take up.

Apart from `pacing.services` (which re-exports these) so that the services of clients and
planning can call it without importing the refresh, which imports them.
"""

from django.utils import timezone

from bravely.pacing.models import PacingState


def inputs_changed(client_ids, *, now=None) -> None:
    """Record that what the engine reads changed for these clients (a Client or id each), so the
    scheduled run takes them up (one UPDATE). Called by every service write that changes the
    engine's inputs, inside its transaction. A client with no PacingState was never refreshed,
    and is taken up anyway."""
    ids = [getattr(c, "pk", c) for c in client_ids]
    if ids:
        PacingState.objects.filter(client_id__in=ids).update(changed_at=now or timezone.now())


def practice_inputs_changed(practice_id, *, now=None) -> None:
    """inputs_changed for every client of the practice (its thresholds changed): one UPDATE."""
    PacingState.objects.filter(client__practice_id=practice_id).update(
        changed_at=now or timezone.now())
