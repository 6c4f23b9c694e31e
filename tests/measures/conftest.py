"""Measures fixtures: the built-in instruments, and answers to fill them."""

import pytest

from bravely.measures import services


@pytest.fixture
def builtins(db):
    return {i.code: i for i in services.ensure_builtins()}


@pytest.fixture
def phq9(builtins):
    return builtins["PHQ-9"]


@pytest.fixture
def gad7(builtins):
    return builtins["GAD-7"]
