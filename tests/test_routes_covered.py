"""Fails when a page route or an API operation is missing from every access matrix."""

import importlib
import pathlib

from django.urls import URLPattern, URLResolver, get_resolver

from bravely.api import api

THIRD_PARTY = ("allauth.", "ninja.")
# Routes no access matrix covers, each with its reason.
EXEMPT = {
    # only routed with BRAVELY_BENCHMARK_FLOOR=1 (never in production); shows no data, needs a
    # sign-in; tests/site/test_benchmark_floor.py checks both
    "benchmark_floor",
}
TESTS = pathlib.Path(__file__).parent


def _matrices():
    for path in TESTS.rglob("test_access*.py"):
        module = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)
        yield importlib.import_module(module)


def _named_routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith(THIRD_PARTY) or pattern.namespace == "api":
                continue
            yield from _named_routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def test_every_page_route_is_in_an_access_matrix():
    covered = {entry[0] for m in _matrices() for entry in getattr(m, "ROUTES", [])}
    missing = sorted(set(_named_routes(get_resolver())) - covered - EXEMPT)
    assert missing == [], f"routes without access tests: {missing}"


def test_every_api_operation_is_in_an_access_matrix():
    schema = api.get_openapi_schema()
    operations = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, methods in schema["paths"].items()
        for method in methods
    }
    covered = {(e[0], e[1]) for m in _matrices() for e in getattr(m, "API_ROUTES", [])}
    assert sorted(operations - covered) == []
    assert len(operations) >= 5
