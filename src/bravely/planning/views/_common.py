"""Shared by the planning pages: who acts, and the audit entry each page view leaves."""

from bravely.audit.services import Actor, record


def _actor(request):
    return Actor.from_request(request)


def _viewed(request, obj, client, **details):
    record(_actor(request), "view", obj, client=client, details=details or None)
