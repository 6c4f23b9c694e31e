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
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from bravely.api import api
from tests.factories import token
from tests.test_tampered_input import objects  # noqa: F401  (a fixture: every kind of record)

EXAMPLES = int(os.environ.get("BRAVELY_FUZZ_EXAMPLES", "5"))
# The path parameters name real records in the test's scope, so that the bodies reach the
# services (random ids would only meet 404s; those are the access matrices' business).
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


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_never_fails_and_keeps_to_its_schema(case, staff_token, objects):
    for name in case.path_parameters or {}:
        if name in RECORD_OF:
            case.path_parameters[name] = objects[RECORD_OF[name]].pk
    case.call_and_validate(
        headers={"Authorization": f"Bearer {staff_token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
