"""A chart is drawn once per content: the same data, options and language find the drawing kept
in the "charts" cache; other data, another language or another size is drawn anew."""

import os
import uuid
from datetime import date

import pytest
from django.core.cache import caches
from django.utils import translation
from django.utils.translation import gettext_lazy

from bravely.progress import charts


def series(peak=60, rung="Say hello"):
    return charts.DistressSeries(rung, 100, 70, 50, [
        charts.DistressPoint(date(2026, 3, 1), 30, peak, 20),
        charts.DistressPoint(date(2026, 3, 4), 25, 50, 15)])


def key(data, **options):
    return charts.chart_key(charts.distress_chart.__wrapped__, (data,), options)


def test_the_same_data_finds_the_drawing_and_new_data_is_drawn_anew():
    """The cache is shared (files in the data folder, or Redis): this test's data is its own."""
    rung = f"Say hello {uuid.uuid4().hex}"
    assert caches["charts"].get(key(series(rung=rung), key="d")) is None
    first = charts.distress_chart(series(rung=rung), key="d")
    assert caches["charts"].get(key(series(rung=rung), key="d")) is not None
    assert charts.distress_chart(series(rung=rung), key="d").svg == first.svg
    assert caches["charts"].get(key(series(peak=65, rung=rung), key="d")) is None
    changed = charts.distress_chart(series(peak=65, rung=rung), key="d")
    assert changed.svg != first.svg
    assert charts.distress_chart(series(rung=rung), key="d", width=charts.NARROW).svg != first.svg


def test_the_drawings_are_shared_by_the_workers_of_a_machine(settings):
    """Without Redis the charts are files in the data folder: another process finds them."""
    import subprocess
    import sys

    if settings.REDIS_URL:
        pytest.skip("the charts are shared through Redis")
    rung = f"Shared {uuid.uuid4().hex}"
    drawn = charts.distress_chart(series(rung=rung), key="d")
    code = ("import django; django.setup(); import sys; from datetime import date; "
            "from django.core.cache import caches; from bravely.progress import charts; "
            f"s = charts.DistressSeries({rung!r}, 100, 70, 50, [charts.DistressPoint("
            "date(2026, 3, 1), 30, 60, 20), charts.DistressPoint(date(2026, 3, 4), 25, 50, 15)]);"
            " k = charts.chart_key(charts.distress_chart.__wrapped__, (s,), {'key': 'd'}); "
            "found = caches['charts'].get(k); "
            "print(found is not None and found.svg == sys.argv[1])")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bravely.settings", "SECRET_KEY": "x",
           "BRAVELY_DATA_DIR": str(settings.DATA_DIR)}
    done = subprocess.run([sys.executable, "-c", code, drawn.svg], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_the_language_is_part_of_the_content():
    english = charts.distress_chart(series())
    with translation.override("es"):
        spanish = charts.distress_chart(series())
    assert english.title != spanish.title
    assert "Say hello" in english.title and "Say hello" in spanish.title


def test_data_that_is_not_plain_is_drawn_every_time():
    class Opaque:
        def __init__(self, inner):
            self.__dict__.update(vars(inner))

        def __repr__(self):  # a repr that hides the data, as a model's does
            return "<Opaque>"

    assert charts.chart_key(charts.distress_chart, (Opaque(series()),), {}) is None
    assert charts.distress_chart(Opaque(series())).svg
    lazy = charts.DistressSeries(gettext_lazy("Say hello"), 100, 70, 50, series().points)
    assert charts.chart_key(charts.distress_chart, (lazy,), {}) is None
