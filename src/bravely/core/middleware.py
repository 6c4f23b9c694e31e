"""Refuse tampered request parameters with a 400 that names the field (see core.params)."""

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from bravely.core.params import BadParameter

API_PREFIX = "/api/"


def _bad_request(request, field: str, message) -> object:
    if request.path.startswith(API_PREFIX):
        # The API's error shape (api/__init__.py): 422 with the field's location.
        where = "query" if field in request.GET else "body"
        return JsonResponse({"detail": [{"loc": [where, field], "msg": str(message),
                                         "type": "value_error"}]}, status=422)
    response = TemplateResponse(request, "400.html", {"field": field, "message": message},
                                status=400)
    return response.render()


def _nul_field(request) -> str | None:
    """The name of the first query or form parameter whose name or value holds a NUL."""
    for data in (request.GET, request.POST):
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values
                                     if isinstance(value, str)):
                return name.replace("\x00", "\\0")
    return None


class BadInputMiddleware:
    """A NUL character in any query or form parameter is refused before any view runs (PostgreSQL
    cannot store it; no one types it); a view's BadParameter is answered the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _nul_field(request)
        if field is not None:
            return _bad_request(request, field, _("Null characters are not allowed."))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            return _bad_request(request, exception.field, exception.message)
        return None
