"""The client's chosen language (ClientAccount.language), kept in their session at sign-in so
that no request needs an extra query; LocaleMiddleware's own choice (cookie, browser) otherwise."""

from django.conf import settings
from django.utils import translation

LANGUAGE_SESSION_KEY = "bravely_language"


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
