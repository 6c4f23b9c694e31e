"""The client's address, one rule for rate limits and the audit log alike.

Without a proxy the client is the peer of the connection (REMOTE_ADDR); X-Forwarded-For is then
whatever the client chose to send and is ignored. With BRAVELY_BEHIND_PROXY on, the peer is the
proxy, and the client is the right-most X-Forwarded-For address: the one the proxy appended
itself (anything left of it came from the client and cannot be trusted). One proxy hop is assumed.
"""

import ipaddress

from django.conf import settings


def _address(value: str | None) -> str | None:
    """A normalised IP address, or None when value is not one."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    peer = _address(request.META.get("REMOTE_ADDR"))
    if getattr(settings, "BRAVELY_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        appended = _address(forwarded.rsplit(",", 1)[-1]) if forwarded else None
        if appended:
            return appended
    return peer
