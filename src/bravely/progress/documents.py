"""The progress charts for the PDFs (records' clinical and discharge summaries): built from
`selectors.progress_data` over the whole record and drawn by `charts`, which stays pure
rendering. Also the charts of the clinician's progress page, grouped as that page shows them."""

from bravely.progress import charts, selectors

DOCUMENT_PERIOD = "all"  # a summary covers the whole record


def clinician_charts(data: selectors.ProgressData, width: float = charts.WIDE) -> dict:
    """Every chart of the clinician's page (and of a PDF), grouped as the page shows them."""
    many = len(data.distress) > 1
    return {
        "ladders": [charts.ladder_chart(s, key=f"ladder-{i}", width=width)
                    for i, s in enumerate(data.ladders)]
        or [charts.ladder_chart(charts.LadderSeries("", [], None))],
        "distress": [charts.distress_chart(s, key=f"distress-{i}", width=width)
                     for i, s in enumerate(data.distress)]
        or [charts.distress_chart(charts.DistressSeries("", data.scale_max, None, None))],
        "distress_many": many,
        "expectancy": charts.expectancy_chart(data.expectancy, width=width),
        "adherence": charts.adherence_chart(data.adherence, width=width),
        "values": charts.values_chart(data.values, width=width * charts.FULL / charts.WIDE,
                                      columns=3),
        "goals": charts.goals_chart(data.goals, width=width * charts.FULL / charts.WIDE,
                                    columns=3),
        "measures": [charts.outcome_measure_chart(s, width=width) for s in data.measures],
    }


def _rows(chart: charts.Chart) -> list[list[str]]:
    return [chart.table.headers, *chart.table.rows] if chart.table else []


def document_charts(client, *, width: float = charts.WIDE) -> list[tuple[str, str, list]]:
    """[(title, svg, table rows)] for every chart that has data: distress, expectancy, the
    ladders, values, adherence and the outcome measures. The first table row is the header."""
    data = selectors.progress_data(client, DOCUMENT_PERIOD)
    shown = clinician_charts(data, width=width)
    # values and goals are drawn page-wide on screen; a PDF page is the clinician's width
    shown["values"] = charts.values_chart(data.values, width=width, columns=2)
    ordered = [*shown["distress"], shown["expectancy"], *shown["ladders"], shown["values"],
               shown["adherence"], *shown["measures"]]
    return [(chart.title, chart.svg, _rows(chart)) for chart in ordered if chart.svg]
