"""The language a person chose, on every page: a client's (ClientAccount.language, also set under
More) or a staff member's (User.language, in their settings), kept in the session at sign-in
(portal.receivers) so that no request needs an extra query; LocaleMiddleware's own choice
(cookie, browser) for everyone who chose none."""

from django.conf import settings
from django.utils import translation

from bravely.core.language import SESSION_KEY as LANGUAGE_SESSION_KEY


class ClientLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        language = session.get(LANGUAGE_SESSION_KEY) if session is not None else None
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response
