"""The instrument definitions Bravely ships (measures/instruments/*.json): scoring only, no
item wording. Read once, checked by `clinical.measures.parse_definition`."""

import json
from functools import cache
from pathlib import Path

from bravely.clinical.measures import parse_definition

FOLDER = Path(__file__).parent / "instruments"


@cache
def builtin_definitions() -> dict[str, dict]:
    """code -> the definition's JSON, in code order."""
    found = {}
    for path in sorted(FOLDER.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        parse_definition(data)  # a broken shipped file fails loudly, at once
        found[data["code"]] = data
    return dict(sorted(found.items()))
