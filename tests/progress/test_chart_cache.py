"""A chart is drawn once per content: the same data, options and language find the drawing kept
in the "charts" cache; other data, another language or another size is drawn anew."""

from datetime import date

from django.core.cache import caches
from django.utils import translation
from django.utils.translation import gettext_lazy

from bravely.progress import charts


def series(peak=60):
    return charts.DistressSeries("Say hello", 100, 70, 50, [
        charts.DistressPoint(date(2026, 3, 1), 30, peak, 20),
        charts.DistressPoint(date(2026, 3, 4), 25, 50, 15)])


def key(data, **options):
    return charts.chart_key(charts.distress_chart.__wrapped__, (data,), options)


def test_the_same_data_finds_the_drawing_and_new_data_is_drawn_anew():
    caches["charts"].clear()
    first = charts.distress_chart(series(), key="d")
    assert caches["charts"].get(key(series(), key="d")) is not None
    assert charts.distress_chart(series(), key="d").svg == first.svg
    assert caches["charts"].get(key(series(peak=65), key="d")) is None
    changed = charts.distress_chart(series(peak=65), key="d")
    assert changed.svg != first.svg
    assert charts.distress_chart(series(), key="d", width=charts.NARROW).svg != first.svg


def test_the_language_is_part_of_the_content():
    caches["charts"].clear()
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
