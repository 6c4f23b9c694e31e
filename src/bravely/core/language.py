"""The language a person chose (a client on their record, a staff member in their settings),
kept in the session at sign-in and on each change, so that no request needs a query to find it
(portal.middleware applies it)."""

from django.conf import settings

SESSION_KEY = "bravely_language"


def remember(request, language: str) -> None:
    """Keep `language` for this session; empty forgets it (LocaleMiddleware's choice again)."""
    if language and language in dict(settings.LANGUAGES):
        request.session[SESSION_KEY] = language
    else:
        request.session.pop(SESSION_KEY, None)
