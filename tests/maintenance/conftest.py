import pytest

from tests.factories import make_maintenance


@pytest.fixture
def maint(planned, actor):
    """`planned` in maintenance: all rungs mastered, the phase started (tests/factories.py)."""
    return make_maintenance(actor, planned)
