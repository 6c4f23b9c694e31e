"""The OpenAPI document names each schema by its class name, and a second class of the same
name silently replaces the first (a list of values answered as a progress chart, found by the
fuzz run): every API schema class has a name of its own."""

import inspect
from collections import Counter

from ninja import Schema

from bravely.api import api  # noqa: F401  (imports every router module)


def _schema_classes():
    import sys

    for name, module in list(sys.modules.items()):
        if not name.startswith("bravely.api"):
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == name:
                yield cls


def test_no_two_api_schemas_share_a_name():
    counts = Counter(cls.__name__ for cls in set(_schema_classes()))
    assert len(counts) > 30
    assert [name for name, n in counts.items() if n > 1] == []
