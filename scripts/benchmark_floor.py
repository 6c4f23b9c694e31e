"""Moved to bench/run.py (issue 15: one command in bench/); this runs it with the same options."""

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).resolve().parent.parent / "bench" / "run.py"),
                   run_name="__main__")
