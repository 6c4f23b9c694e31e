"""Shared by the planning pages: who acts, the audit entry each page view leaves, and going back
to the treatment path when a form was opened from it."""

from django.shortcuts import redirect, resolve_url

from bravely.audit.services import Actor, record
from bravely.core.params import next_param


def _actor(request):
    return Actor.from_request(request)


def _viewed(request, obj, client, **details):
    record(_actor(request), "view", obj, client=client, details=details or None)


def _next_url(request) -> str:
    """The page to return to (the `next` parameter, a form posts to its own URL so it stays),
    only when it is a path on this site; else "" (core.params.next_param)."""
    return next_param(request)


def _done(request, to, *args, **kwargs):
    """Redirect after a successful form: back to the path when opened from it, else `to`."""
    return redirect(_next_url(request) or resolve_url(to, *args, **kwargs))
