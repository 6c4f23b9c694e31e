"""An API fuzz run: schemathesis generates requests from /api/v1/openapi.json (valid ones and
ones that break the schema) and sends them with a staff member's token, through the WSGI app.
Every response must be below 500 and, where the schema documents the status, match it.

Small on purpose (a few examples per operation, a few minutes at most on two slow cores); more
with BRAVELY_FUZZ_EXAMPLES=200. It runs in the normal suite, on SQLite and on PostgreSQL.
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from bravely.api import api
from tests.factories import token
from tests.test_tampered_input import every_record  # noqa: F401  (the fixture `objects`)

EXAMPLES = int(os.environ.get("BRAVELY_FUZZ_EXAMPLES", "5"))
# The path parameters name real records in the test's scope, so that the bodies reach the
# services (random ids would only meet 404s; those are the access matrices' business).
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
RECORD_OF = {"client_id": "client", "plan_id": "plan", "rung_id": "rung2", "decline_id": "decline",
             "assignment_id": "assignment", "statement_id": "statement",
             "assessment_id": "assessment", "goal_id": "goal", "hold_id": "hold", "log_id": "log",
             "alert_id": "alert", "rec_id": "rec", "domain_id": "domain", "resource_id": "crisis",
             "version_id": "safety"}

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@pytest.fixture
def staff_token(objects, alice):
    """alice: a clinician on the care team of the client every record belongs to."""
    return token(alice)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler would close the database connection after each request (and with it the
    test's transaction); Django's own test client disconnects the same signal handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations():
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_has_every_operation():
    assert len(_operations()) > 40


def test_the_api_never_fails_and_keeps_to_its_schema(staff_token, objects):
    """One test over every operation, so that the records are made once: for each, EXAMPLES
    valid requests and EXAMPLES that break the schema (which must be 4xx, never 5xx)."""
    headers = {"Authorization": f"Bearer {staff_token}"}
    failures = []
    for operation in _operations():
        names = {p.name for p in operation.path_parameters}
        ids = {name: objects[RECORD_OF[name]].pk for name in names if name in RECORD_OF}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(mode, path_parameters=ids)

            @given(strategy)
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck), phases=[Phase.generate])
            def send(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                send()
            except (Exception, BaseExceptionGroup) as error:  # schemathesis's FailureGroup
                failures.append(f"{operation.label} ({mode.value}): {str(error)[:800]}")
    assert failures == [], "\n\n".join(failures)
