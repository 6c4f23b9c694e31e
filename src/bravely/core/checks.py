"""Deployment checks for Bravely's own settings, run by `bravely check --deploy`.

Registered in CoreConfig.ready(). They read settings only (core imports no other app).
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.http.request import validate_host


def _is_local(host: str) -> bool:
    if host in ("", "localhost") or host.endswith((".localhost", ".localdomain")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(Tags.security, deploy=True)
def check_site_root(app_configs=None, **kwargs):
    """SITE_ROOT starts every link Bravely e-mails (invitations, risk alerts): in production it
    must be the public address, or those links lead nowhere."""
    root = getattr(settings, "SITE_ROOT", "") or ""
    parts = urlsplit(root)
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018  (a malformed port raises here)
    except ValueError:
        host = ""
    if parts.scheme not in ("http", "https") or _is_local(host):
        return [Error(
            f"SITE_ROOT is not set to Bravely's public address (it is {root!r}): links in "
            "invitation and risk-alert e-mails would point at a local or unusable address.",
            hint="Set the SITE_ROOT environment variable to the address people open Bravely "
                 "at, e.g. https://bravely.example.org.",
            id="bravely.E001",
        )]
    problems = []
    if parts.scheme == "http" and settings.SESSION_COOKIE_SECURE:
        problems.append(CheckWarning(
            f"SITE_ROOT {root!r} uses http:// while Bravely is served over HTTPS.",
            hint="Start SITE_ROOT with https://.", id="bravely.W002"))
    if not validate_host(host, settings.ALLOWED_HOSTS):
        problems.append(CheckWarning(
            f"SITE_ROOT's host {host!r} is not in ALLOWED_HOSTS: links in e-mails would be "
            "refused with 400 Bad Request.",
            hint="Add the host to ALLOWED_HOSTS or correct SITE_ROOT.", id="bravely.W003"))
    return problems


@register(Tags.security, deploy=True)
def check_benchmark_flag(app_configs=None, **kwargs):
    """BRAVELY_BENCHMARK_FLOOR is for bench/run.py only: it routes the floor view, adds timing
    headers and lifts the sign-in rate limit for one address."""
    if getattr(settings, "BENCHMARK_FLOOR", False):
        return [Error(
            "BRAVELY_BENCHMARK_FLOOR is on: the sign-in rate limit is lifted and the benchmark's "
            "floor view is routed.",
            hint="Unset BRAVELY_BENCHMARK_FLOOR outside a benchmark run.", id="bravely.E002")]
    return []
