"""The charts draw the data they are given: known series in, the SVG's plotted points, labels and
data tables checked by parsing the SVG (xml.etree), not by looking at it."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from bravely.progress import charts as c

NS = {"svg": "http://www.w3.org/2000/svg"}
D0 = date(2026, 3, 2)


def parse(chart):
    assert chart.svg is not None
    return ET.fromstring(str(chart.svg))


def group(root, gid):
    found = root.find(f".//svg:g[@id='{gid}']", NS)
    assert found is not None, f"no group {gid}"
    return found


def marks(root, gid):
    """The (x, y) of every marker drawn for the artist with this gid."""
    return [(float(u.get("x")), float(u.get("y"))) for u in group(root, gid).iterfind(
        ".//svg:use", NS)]


def texts(root):
    return ["".join(t.itertext()).strip() for t in root.iterfind(".//svg:text", NS)]


def assert_plots(values, ys):
    """ys are an increasing-upwards linear image of values (SVG y grows downwards)."""
    assert len(values) == len(ys)
    (v0, y0), (v1, y1) = min(zip(values, ys, strict=True)), max(zip(values, ys, strict=True))
    assert v1 != v0
    scale = (y1 - y0) / (v1 - v0)
    assert scale < 0
    for v, y in zip(values, ys, strict=True):
        assert y == pytest.approx(y0 + (v - v0) * scale, abs=0.01)


def distress_series():
    return c.DistressSeries("Say hello", 100, 70, 50, [
        c.DistressPoint(D0 + timedelta(days=i), b, p, a, i == 1)
        for i, (b, p, a) in enumerate([(40, 72, 30), (35, 60, 25), (30, 48, 10), (28, 41, 5)])])


def test_distress_chart_plots_before_peak_after_with_ceiling_and_prediction():
    series = distress_series()
    chart = c.distress_chart(series)
    root = parse(chart)
    for name, values in (("before", [40, 35, 30, 28]), ("peak", [72, 60, 48, 41]),
                         ("after", [30, 25, 10, 5])):
        points = marks(root, f"distress-series-{name}")
        assert_plots(values, [y for _x, y in points])
        assert [x for x, _y in points] == sorted(x for x, _y in points)
    peak = marks(root, "distress-series-peak")
    ceiling_y = float(re.search(r"M [\d.]+ ([\d.]+)", ET.tostring(
        group(root, "distress-ref-ceiling"), encoding="unicode")).group(1))
    # The ceiling line is drawn at 70: between the first peak (72) and the second (60).
    assert peak[0][1] < ceiling_y < peak[1][1]
    assert {"ceiling 70", "predicted 50"} <= set(texts(root))
    assert chart.table.rows[1] == ["2026-03-03", "35", "60", "25", "yes"]
    assert "4 practices" in chart.summary and "1 of them reached the ceiling of 70" in chart.summary


def test_svg_is_inline_accessible_and_scales_by_its_viewbox():
    chart = c.distress_chart(distress_series(), key="d1")
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.get("aria-label") == chart.title
    assert root.get("width") is None and root.get("height") is None
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    assert root.find("svg:title", NS).text == chart.title
    assert root.find("svg:desc", NS).text == chart.summary
    assert not str(chart.svg).startswith("<?xml")
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert ids and all(i.startswith("d1-") for i in ids)
    # text stays text (svg.fonttype none): the axis labels are <text>, not glyph paths
    assert "practice (oldest first)" in texts(root)


def test_the_same_data_gives_the_same_svg():
    assert c.distress_chart(distress_series()).svg == c.distress_chart(distress_series()).svg


def test_two_charts_on_a_page_share_no_ids():
    one = {e.get("id") for e in parse(c.distress_chart(distress_series(), key="a")).iter()}
    two = {e.get("id") for e in parse(c.distress_chart(distress_series(), key="b")).iter()}
    assert one & two == {None}


def test_expectancy_chart_before_after_trend_and_what_happened():
    points = [c.ExpectancyPoint(D0 + timedelta(days=i), 80, after, happened)
              for i, (after, happened) in enumerate([(60, "yes"), (50, "no"), (40, "partly"),
                                                     (20, "no")])]
    chart = c.expectancy_chart(c.ExpectancySeries(points))
    root = parse(chart)
    after = marks(root, "expectancy-series-after")
    assert_plots([60, 50, 40, 20], [y for _x, y in after])
    assert len(marks(root, "expectancy-series-before")) == 4
    assert len(marks(root, "expectancy-series-happened")) == 1
    assert len(marks(root, "expectancy-series-partly")) == 1
    group(root, "expectancy-trend-after-0")
    # After: 60 -> 20, -40 points; least-squares slope of 60, 50, 40, 20 is -13.0 a practice.
    assert "60\u00a0% likely after the first practice and 20\u00a0% after the latest (-40 " \
           "points; " \
           "-13.0 a practice on the trend)" in chart.summary
    assert "It happened in 1 and partly in 1 of 4 practices" in chart.summary
    assert chart.table.rows[2] == ["2026-03-04", "", "80\u00a0%", "40\u00a0%", "partly"]


def test_ladder_chart_marks_practices_mastery_re_ratings_and_the_current_rung():
    series = c.LadderSeries("Social", [
        c.LadderRung(1, "Say hello", "mastered", 35, D0 + timedelta(days=9),
                     [D0, D0 + timedelta(days=3), D0 + timedelta(days=7)],
                     [c.ReRating(D0 + timedelta(days=4), 45, 35)]),
        c.LadderRung(2, "Ask a question", "active", 50, None, [D0 + timedelta(days=12)]),
        c.LadderRung(3, "Join lunch", "planned", 60)], current=2)
    chart = c.ladder_chart(series)
    root = parse(chart)
    practices = marks(root, "ladder-series-practices")
    assert len(practices) == 4
    assert_plots([1, 1, 1, 2], [y for _x, y in practices])
    assert len(marks(root, "ladder-series-mastered")) == 1
    assert len(marks(root, "ladder-series-re-ratings")) == 1
    group(root, "ladder-current-rung")
    assert {"45→35", "2 (now)"} <= set(texts(root))
    assert chart.summary.startswith("1 of 3 rungs mastered. Now working on rung 2: Ask a "
                                    "question.")
    assert chart.table.rows[0][4] == "2026-03-11"


def test_values_chart_importance_consistency_and_gap_per_domain():
    domains = [c.ValuesDomain("Friendships", [
        c.ValuesPoint(D0, 9, 3, 6, "assessment"),
        c.ValuesPoint(D0 + timedelta(days=7), 9, 5.5, 3.5, "check_in"),
        c.ValuesPoint(D0 + timedelta(days=28), 9, 7, 2, "assessment")])]
    chart = c.values_chart(domains)
    root = parse(chart)
    consistency = marks(root, "values-series-consistency-0")
    assert_plots([3, 5.5, 7], [y for _x, y in consistency])
    assert len(marks(root, "values-series-importance-0")) == 3
    assert "Friendships" in texts(root)
    assert "Friendships: importance 9, lived 7 (gap 2), gap 6 at first" in chart.summary
    assert chart.table.rows[1] == ["Friendships", "2026-03-09", "check-in", "9", "5.5", "3.5"]


def test_goals_chart_done_so_far_against_a_steady_pace():
    goals = [c.GoalSeries("Lunch with a friend", 8, D0, D0 + timedelta(days=27),
                          [(D0 + timedelta(days=2), 1), (D0 + timedelta(days=5), 3)], 4,
                          "Working on it")]
    chart = c.goals_chart(goals)
    root = parse(chart)
    done = marks(root, "goals-series-done-0")
    assert_plots([0, 1, 3], [y for _x, y in done])
    assert "goal 8" in texts(root)
    assert "Lunch with a friend: 3 of 8 done by 2026-03-29; 4 by now" in chart.summary


def bar_heights(root, prefix, n):
    heights = []
    for i in range(n):
        path = group(root, f"{prefix}-{i}").find("svg:path", NS).get("d")
        ys = [float(y) for y in re.findall(r"[ML] [\d.]+ ([\d.]+)", path)]
        heights.append(max(ys) - min(ys))
    return heights


def test_adherence_chart_assigned_and_done_per_week():
    weeks = [c.AdherenceWeek(D0 + timedelta(weeks=i), a, d)
             for i, (a, d) in enumerate([(3, 1), (3, 3), (2, 4)])]
    chart = c.adherence_chart(weeks)
    root = parse(chart)
    done = bar_heights(root, "adherence-done", 3)
    assigned = bar_heights(root, "adherence-assigned", 3)
    unit = done[0]
    assert done == pytest.approx([unit, 3 * unit, 4 * unit], abs=0.01)
    assert assigned == pytest.approx([3 * unit, 3 * unit, 2 * unit], abs=0.01)
    assert chart.summary == "Over 3 weeks, 8 practices done of 8 assigned."


PHQ9 = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 19, "moderately severe"),
        (20, 27, "severe")]


def test_outcome_measure_chart_bands_cut_off_and_change_labels():
    series = c.Measure("phq9", "PHQ-9", 27, PHQ9, 10, [
        (D0, 18, ""), (D0 + timedelta(weeks=2), 14, "no reliable change"),
        (D0 + timedelta(weeks=4), 8, "recovered")])
    chart = c.outcome_measure_chart(series)
    root = parse(chart)
    assert_plots([18, 14, 8], [y for _x, y in marks(root, "measure-phq9-series-total")])
    assert len(marks(root, "measure-phq9-series-change")) == 2
    for i in range(5):
        group(root, f"measure-phq9-band-{i}")
    words = set(texts(root))
    assert {"cut-off 10", "minimal", "moderately severe", "severe", "recovered"} <= words
    assert chart.table.rows == [["2026-03-02", "18", "moderately severe", ""],
                                ["2026-03-16", "14", "moderate", "no reliable change"],
                                ["2026-03-30", "8", "mild", "recovered"]]
    assert "Latest change: recovered." in chart.summary


def test_outcome_measure_chart_takes_any_object_of_the_contracts_shape():
    class FromMeasuresApp:  # what bravely.measures.selectors.score_history returns
        instrument_code, name, max_score, bands, cutoff = "GAD-7", "GAD-7", 21, [], None
        points = [(D0, 12, "")]

    chart = c.outcome_measure_chart(FromMeasuresApp())
    assert chart.key == "measure-gad-7" and not chart.is_empty


@pytest.mark.parametrize("chart", [
    c.distress_chart(c.DistressSeries("Rung", 100, 70, 50)),
    c.ladder_chart(c.LadderSeries("Plan", [c.LadderRung(1, "A", "planned", 30)], 1)),
    c.expectancy_chart(c.ExpectancySeries([])),
    c.values_chart([]),
    c.goals_chart([]),
    c.adherence_chart([c.AdherenceWeek(D0, 0, 0)]),
    c.outcome_measure_chart(c.Measure("phq9", "PHQ-9", 27, PHQ9, 10, [])),
], ids=lambda chart: chart.key)
def test_no_data_is_nothing_to_show_yet_not_an_empty_axis(chart):
    assert chart.is_empty and chart.svg is None and chart.table is None
    assert chart.empty.startswith("Nothing to show yet. ")
    assert len(chart.empty) > len("Nothing to show yet. ") + 30  # says what will appear


def test_a_long_table_keeps_the_newest_rows_and_counts_the_rest():
    series = c.DistressSeries("Rung", 10, None, None, [
        c.DistressPoint(D0 + timedelta(days=i), 3, 5, 2) for i in range(c.TABLE_ROWS + 5)])
    table = c.distress_chart(series).table
    assert len(table.rows) == c.TABLE_ROWS and table.more == 5
    assert table.rows[-1][0] == (D0 + timedelta(days=c.TABLE_ROWS + 4)).isoformat()


def test_expectancy_is_followed_rung_by_rung():
    points = [c.ExpectancyPoint(D0 + timedelta(days=i), before, after, "no", rung)
              for i, (rung, before, after) in enumerate([
                  ("Say hello", 60, 50), ("Say hello", 60, 20), ("Ask a question", 70, 65),
                  ("Ask a question", 70, 45)])]
    chart = c.expectancy_chart(c.ExpectancySeries(points))
    root = parse(chart)
    group(root, "expectancy-trend-after-0")
    group(root, "expectancy-trend-after-1")
    assert {"rung 1", "rung 2"} <= set(texts(root))
    assert chart.summary.startswith("Rung “Say hello”. After practising, the feared outcome "
                                    "seemed 50\u00a0% likely after the first practice and "
                                    "20\u00a0% after")
    assert ("Rung “Ask a question”. After practising, the feared outcome seemed 65\u00a0%"
            in chart.summary)


def test_the_clients_own_words_are_text_never_markup_or_mathtext():
    words = "Save $5 a week <script>alert(1)</script> & $\\frac{1}$"
    goals = [c.GoalSeries(words, 4, D0, D0 + timedelta(days=27), [(D0, 1)], 1)]
    chart = c.goals_chart(goals)
    root = parse(chart)  # still well-formed XML
    assert "<script>" not in str(chart.svg)
    assert any("$5 a week" in t for t in texts(root))
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))


@pytest.mark.parametrize("language, months", [("en", {"Mar", "Apr", "May", "Jun"}),
                                              ("es", {"Mar", "Abr", "May", "Jun"})])
def test_date_axes_name_the_months_in_the_active_language(language, months):
    from django.utils import translation

    series = c.Measure("phq9", "PHQ-9", 27, PHQ9, 10, [
        (D0 + timedelta(days=10 * i), 18 - i, "") for i in range(12)])
    with translation.override(language):
        labels = texts(parse(c.outcome_measure_chart(series)))
        weeks = [c.AdherenceWeek(D0 + timedelta(weeks=i), 3, 2) for i in range(2)]
        adherence = texts(parse(c.adherence_chart(weeks)))
    ticks = {t.split()[0] for t in labels if t.split() and t.split()[0] in months | {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Abr", "Ene"}}
    assert ticks == months, labels
    assert ("2 Mar" in adherence and "9 Mar" in adherence), adherence
    if language == "es":
        assert not {"Apr", "Jan"} & set(" ".join(labels).split())


def test_serving_pages_does_not_load_matplotlib_until_a_chart_is_drawn():
    """A worker's memory: the URLconf (every view, the API) loads without matplotlib and numpy;
    the first chart drawn loads them."""
    import subprocess
    import sys

    code = ("import sys, django; django.setup(); import bravely.urls; "
            "from django.urls import get_resolver; get_resolver().url_patterns; "
            "print('matplotlib' in sys.modules, 'numpy' in sys.modules); "
            "from bravely.progress import charts; charts._figure(4, 3); "
            "print('matplotlib' in sys.modules)")
    env = {"DJANGO_SETTINGS_MODULE": "bravely.settings", "SECRET_KEY": "x", "DEBUG": "1",
           "PATH": "/usr/bin:/bin", "BRAVELY_DATA_DIR": "/tmp"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "True"]
