"""Failed sign-ins, counted in the shared cache (see docs/architecture.md, "Rate limits").

A wrong password is counted three ways, each with its own rate in settings.BRAVELY_RATE_LIMITS:

- `login_failed_account_address`: this account from this address (the lockout a person who
  mistypes meets; it locks out nobody else at the address);
- `login_failed_account`: this account from any address (an attacker who rotates addresses);
- `login_failed_address`: any account from this address, a looser ceiling (password spraying).

An attempt that one of them refuses is not counted by the others (it tested no password), and a
successful sign-in takes its own attempt back, as allauth does. The account is the e-mail typed,
lower-cased, and nothing else: allauth's own key also holds the request's Host, which a client
can vary. Wrong TOTP and recovery codes stay with allauth (ACCOUNT_RATE_LIMITS["login_failed"],
keyed by user). Everything lives in Django's default cache, shared by all workers.
"""

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings

APP = "bravely.accounts"
ACCOUNT_ADDRESS = "login_failed_account_address"
ACCOUNT = "login_failed_account"
ADDRESS = "login_failed_address"


def _account(email: str) -> str:
    return (email or "").strip().lower()


def _scopes(request, email: str) -> list[tuple[str, str | None]]:
    """(action, key) for each count, narrowest first."""
    account = _account(email)
    address = allauth_ratelimit.get_ip(request)  # our client_ip; IPv6 cut to its /64 prefix
    return [(ACCOUNT_ADDRESS, f"{account}|{address}"), (ACCOUNT, account), (ADDRESS, None)]


def consume_login_attempt(request, email: str) -> allauth_ratelimit.RateLimitUsage | None:
    """Count one sign-in attempt; None (and nothing counted) when a limit refuses it."""
    taken = []
    for action, key in _scopes(request, email):
        usage = allauth_ratelimit.consume(request, app=APP, action=action, key=key,
                                          config=settings.BRAVELY_RATE_LIMITS)
        if usage is None:
            for earlier in taken:
                earlier.rollback()
            return None
        taken.append(usage)
    return allauth_ratelimit.RateLimitUsage(usage=[u for t in taken for u in t.usage])


def clear_account_lockout(request, email: str) -> None:
    """After a password reset: the account may sign in again, from anywhere and from here. The
    address's ceiling is not cleared (one person's reset must not reopen it for a sprayer)."""
    for action, key in _scopes(request, email):
        if action != ADDRESS:
            allauth_ratelimit.clear(request, app=APP, action=action, key=key,
                                    config=settings.BRAVELY_RATE_LIMITS)
