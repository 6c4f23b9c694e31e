"""Write the JSON Schema of the client-record export (src/bravely/records/schema/).

Run after changing a model the export covers: `.venv/bin/python scripts/export_schema.py`.
tests/records/test_export.py fails while the committed file differs from the models."""

import json
import os
import pathlib

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bravely.settings")
os.environ.setdefault("DEBUG", "1")
django.setup()

from bravely.records import export  # noqa: E402

PATH = (pathlib.Path(export.__file__).parent / "schema" / "client-record.schema.json")
PATH.write_text(json.dumps(export.record_schema(), indent=2, ensure_ascii=False) + "\n")
print(f"wrote {PATH}")
