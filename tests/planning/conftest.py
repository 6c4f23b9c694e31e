"""Planning fixtures, built through the services by tests/factories.py."""

import pytest

from bravely.planning.services import acknowledge_safety
from tests.factories import ApiClient, make_plan, make_rungs, make_safety, make_statement, signed_in


@pytest.fixture
def web(alice):
    return signed_in(alice)


@pytest.fixture
def api(alice):
    """A JSON client for alice's API token: api.get(path), api.post(path, body), ..."""
    return ApiClient(alice)


@pytest.fixture
def statement(actor, client_record):
    return make_statement(actor, client_record)


@pytest.fixture
def safety(actor, client_record):
    return make_safety(actor, client_record)


@pytest.fixture
def plan(actor, client_record):
    """An active plan (homework on a plan that is not active needs an override)."""
    return make_plan(actor, client_record, status="active")


@pytest.fixture
def ladder(actor, plan, statement, safety):
    """A plan with three rungs (30, 40, 50) linked to a value, safety parameters in force that
    the client acknowledged: homework on these rungs passes every check."""
    acknowledge_safety(actor, safety, note="Read through together.")
    return make_rungs(actor, plan, [statement])
