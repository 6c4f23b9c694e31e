"""One way to read ids and text from a request, for every view.

A request's parameters are whatever the sender typed: "abc", "²" (a digit to `str.isdigit`,
not to `int`), a number of twenty digits (SQLite cannot even compare one: OverflowError) or a NUL
character (PostgreSQL cannot store one). Nothing of that reaches a query or a write:

- `id_param(request.POST, "assignment")` is the id named there, or None when the parameter is
  absent or empty; anything else that is not a whole number from 1 to MAX_ID raises `BadParameter`,
  which `core.middleware.BadInputMiddleware` answers with 400 naming the field;
- `text_param(...)` is text without NUL characters, cut to a length;
- the middleware refuses a NUL character in any query or form parameter (name or value) before a
  view runs, also with 400 naming the field.

Form fields have the same bounds (`core.forms`).
"""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

# The largest id (and integer) the databases hold: a 64-bit signed integer.
MAX_ID = 2**63 - 1
# The largest value of an ordinary integer column (PostgreSQL `integer`).
MAX_INT = 2**31 - 1


class BadParameter(BadRequest):
    """A request parameter that cannot be what its name says. Answered with 400 naming it."""

    def __init__(self, field: str, message=None):
        self.field = field
        self.message = message or _("This is not a valid value.")
        super().__init__(f"{field}: {self.message}")


def parse_id(value) -> int | None:
    """The id written in value (ASCII digits, 1 to MAX_ID), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def id_param(data, name: str, *, required: bool = False) -> int | None:
    """The id in data[name] (a QueryDict or dict); None when absent or empty (unless required).
    Anything else that is not an id raises BadParameter naming the field."""
    raw = data.get(name)
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if required:
            raise BadParameter(name, _("This field is required."))
        return None
    number = parse_id(raw)
    if number is None:
        raise BadParameter(name, _("This is not a valid id."))
    return number


def int_param(data, name: str, *, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """A whole number in data[name] within [minimum, maximum]; None when absent or empty."""
    raw = data.get(name)
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    text = str(raw).strip()
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        raise BadParameter(name, _("This is not a whole number."))
    number = int(text)
    if not minimum <= number <= maximum:
        raise BadParameter(name, _("This number is out of range."))
    return number


def text_param(data, name: str, *, max_length: int, default: str = "") -> str:
    """Text in data[name], stripped and cut to max_length. A NUL character raises BadParameter
    (the middleware refuses it first for query and form parameters; this covers other data)."""
    raw = data.get(name, default)
    if not isinstance(raw, str):
        raise BadParameter(name)
    if "\x00" in raw:
        raise BadParameter(name, _("Null characters are not allowed."))
    return raw.strip()[:max_length]


def choice_param(data, name: str, choices, default: str = "") -> str:
    """data[name] when it is one of choices, else default (a filter that is not one is ignored)."""
    raw = data.get(name, default)
    return raw if raw in choices else default


def next_param(request) -> str:
    """The page to return to (`next`, in the form or the query): a path on this site, else ""
    (an address elsewhere is ignored, and so is text that is no path: redirect() would take it
    for a view's name)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if (target.startswith("/") and not target.startswith("//")
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return target
    return ""
