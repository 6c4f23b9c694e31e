"""Chart data for a client's progress, as JSON: the same data the progress page draws.

GET /clients/{id}/progress/{chart}?period=4w|12w|all (default 12w) for chart in distress,
ladder, expectancy, values, goals, adherence, measures. Same scoping as the page (404 outside
the token owner's clients), every read audited; a bad period is a 422 in the usual error shape.
"""

from datetime import date
from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from bravely.audit.services import Actor, record
from bravely.clients.selectors import get_client
from bravely.clinical.progress import expectancy_change
from bravely.progress import charts, selectors

router = Router()

Period = Literal[tuple(selectors.PERIODS)]
PERIOD = Query(selectors.DEFAULT_PERIOD, description="4w, 12w or all")


class ChartOut(Schema):
    client_id: int
    period: Period
    since: date | None = Field(description="First day shown, in the client's time zone; "
                                           "null for all")
    today: date


class DistressOut(ChartOut):
    series: list[charts.DistressSeries]


class LadderOut(ChartOut):
    ladders: list[charts.LadderSeries]


class ExpectancyChangeOut(Schema):
    count: int
    first: int | None
    latest: int | None
    change: int | None = Field(description="Latest minus first likelihood rated after a "
                                           "practice")
    slope: float | None = Field(description="Points per practice, least squares")
    happened: int
    partly: int
    did_not: int
    unanswered: int


class ExpectancyOut(ChartOut):
    points: list[charts.ExpectancyPoint]
    change: ExpectancyChangeOut


class ValuesChartOut(ChartOut):
    domains: list[charts.ValuesDomain]


class GoalsOut(ChartOut):
    goals: list[charts.GoalSeries]


class AdherenceOut(ChartOut):
    weeks: list[charts.AdherenceWeek]


class MeasureOut(Schema):
    instrument_code: str
    name: str
    max_score: int
    bands: list[tuple[int, int, str]]
    cutoff: int | None
    points: list[tuple[date, int, str]]


class MeasuresOut(ChartOut):
    available: bool = Field(description="False until the outcome measures app is installed")
    measures: list[MeasureOut]


def _read(request, client_id: int, period: str, chart: str):
    client = get_client(request.user, client_id)
    data = selectors.progress_data(client, period, with_measures=chart == "measures")
    record(Actor.from_request(request, via="api"), "view", client, object_type="progress_chart",
           details={"chart": chart, "period": period})
    return {"client_id": client.pk, "period": period, "since": data.since,
            "today": data.today}, data


@router.get("/clients/{int:client_id}/progress/distress", response=DistressOut,
            summary="Distress before, at its peak and after each practice, per rung")
def distress(request, client_id: int, period: Period = PERIOD):
    head, data = _read(request, client_id, period, "distress")
    return {**head, "series": data.distress}


@router.get("/clients/{int:client_id}/progress/ladder", response=LadderOut,
            summary="Each ladder over time: practices, mastered rungs, re-ratings")
def ladder(request, client_id: int, period: Period = PERIOD):
    head, data = _read(request, client_id, period, "ladder")
    return {**head, "ladders": data.ladders}


@router.get("/clients/{int:client_id}/progress/expectancy", response=ExpectancyOut,
            summary="Feared-outcome likelihood before and after each practice, and its change")
def expectancy(request, client_id: int, period: Period = PERIOD):
    head, data = _read(request, client_id, period, "expectancy")
    points = data.expectancy.points
    change = expectancy_change([p.after for p in points], [p.happened for p in points])
    return {**head, "points": points, "change": change}


@router.get("/clients/{int:client_id}/progress/values", response=ValuesChartOut,
            summary="Importance, consistency and their gap per domain over time")
def values(request, client_id: int, period: Period = PERIOD):
    head, data = _read(request, client_id, period, "values")
    return {**head, "domains": data.values}


@router.get("/clients/{int:client_id}/progress/goals", response=GoalsOut,
            summary="Each valued goal: done so far against its target")
def goals(request, client_id: int, period: Period = PERIOD):
    head, data = _read(request, client_id, period, "goals")
    return {**head, "goals": data.goals}


@router.get("/clients/{int:client_id}/progress/adherence", response=AdherenceOut,
            summary="Practices assigned and done per week")
def adherence(request, client_id: int, period: Period = PERIOD):
    head, data = _read(request, client_id, period, "adherence")
    return {**head, "weeks": data.adherence}


@router.get("/clients/{int:client_id}/progress/measures", response=MeasuresOut,
            summary="Outcome measure totals over time with bands, cut-off and change labels")
def measures(request, client_id: int, period: Period = PERIOD):
    head, data = _read(request, client_id, period, "measures")
    return {**head, "available": data.measures_available, "measures": [
        {"instrument_code": m.instrument_code, "name": m.name, "max_score": m.max_score,
         "bands": list(m.bands), "cutoff": m.cutoff, "points": list(m.points)}
        for m in data.measures]}
