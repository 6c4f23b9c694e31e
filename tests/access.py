"""The access matrix machinery shared by every tests/**/test_access*.py module.

Each such module defines ROUTES (page routes) and/or API_ROUTES, and a fixture `objects`
returning the named objects their URLs need. tests/test_routes_covered.py walks the URLconf and
the OpenAPI schema and fails when a route is in neither.

A page entry: (url name, method, {kwarg: object key or literal}, {who: expected status}).
An API entry: (method, path template as in the OpenAPI schema, {param: object key}, body,
{who: expected status}). `who` is one of anon, alice, bob, charlie, ruth, dana (see conftest).
"""

from django.test import Client as HttpClient
from django.urls import reverse

from tests.factories import token

WHO = ("anon", "alice", "bob", "charlie", "ruth", "dana")


def resolve_kwargs(kwargs: dict, objects: dict) -> dict:
    return {k: (objects[v].pk if isinstance(v, str) and v in objects else v)
            for k, v in kwargs.items()}


NOT_CLIENT_DATA = {"portal_join", "invitation_accept"}


def shows_client_data(name: str, kwargs: dict) -> bool:
    """Pages about one client (a client kwarg) and the client's own portal pages."""
    return name not in NOT_CLIENT_DATA and (
        "client" in kwargs.values() or name.startswith(("portal_", "support_")))


def check_page(entry, users: dict, objects: dict, data=None):
    """Each person gets the expected status; a page of client data that answers 200 to a GET
    leaves an audit entry."""
    from bravely.audit.models import AuditEvent

    name, method, kwargs, expected = entry
    url = reverse(name, kwargs=resolve_kwargs(kwargs, objects))
    failures = []
    for who, status in expected.items():
        http = HttpClient()
        if who != "anon":
            http.force_login(users[who])
        before = AuditEvent.objects.count()
        response = getattr(http, method.lower())(url, data or {})
        if response.status_code != status:
            failures.append(f"{who} {method} {url}: {response.status_code}, expected {status}")
        elif (method == "GET" and status == 200 and shows_client_data(name, kwargs)
              and AuditEvent.objects.count() == before):
            failures.append(f"{who} GET {url}: client data read without an audit entry")
    return failures


_tokens: dict = {}


def token_for(user) -> str:
    if user.pk not in _tokens:
        _tokens[user.pk] = token(user)
    return _tokens[user.pk]


def check_api(entry, users: dict, objects: dict):
    method, template, params, body, expected = entry
    path = "/api/v1" + template.format(**resolve_kwargs(params, objects))
    failures = []
    _tokens.clear()
    for who, status in expected.items():
        http = HttpClient()
        headers = {} if who == "anon" else {"Authorization": f"Bearer {token_for(users[who])}"}
        response = http.generic(method, path, data=__import__("json").dumps(body or {}),
                                content_type="application/json", headers=headers)
        if response.status_code != status:
            failures.append(f"{who} {method} {path}: {response.status_code}, expected {status}"
                            f" {response.content[:200]!r}")
    return failures
