"""The demo practice fills every progress chart with something real, and loading it again
changes nothing."""

from bravely.clients.models import Client
from bravely.planning.models.history import ChangeRecord
from bravely.practice.models import CheckIn, PracticeLog
from bravely.progress import charts
from bravely.progress.selectors import progress_data
from bravely.progress.views import clinician_charts
from bravely.site.demo import load_demo


def test_every_chart_of_the_demo_client_shows_something(db):
    load_demo()
    jordan = Client.objects.get(display_name="Jordan Reyes")
    data = progress_data(jordan, "all")
    shown = clinician_charts(data)
    for key in ("expectancy", "adherence", "values", "goals"):
        assert not shown[key].is_empty, key
    assert shown["ladders"] and not any(c.is_empty for c in shown["ladders"])
    assert len(shown["distress"]) >= 2 and not any(c.is_empty for c in shown["distress"])
    ladder = data.ladders[0]
    assert ladder.rungs[0].mastered_on is not None and ladder.current == 2
    assert any(r.re_ratings for r in ladder.rungs)
    assert len([w for w in data.adherence if w.done]) >= 5  # weeks of practice
    assert any(len(d.points) >= 5 for d in data.values)  # assessments and check-ins
    assert any(g.cumulative for g in data.goals)
    # the change in expectancy is there to see: lower after the latest practice than the first
    first_rung = [p for p in data.expectancy.points if p.rung == ladder.rungs[0].label]
    assert first_rung[-1].after < first_rung[0].after
    assert charts.expectancy_chart(data.expectancy).summary


def test_loading_the_demo_twice_adds_no_history(db):
    load_demo()
    counts = (PracticeLog.objects.count(), CheckIn.objects.count(),
              ChangeRecord.objects.count())
    load_demo()
    assert (PracticeLog.objects.count(), CheckIn.objects.count(),
            ChangeRecord.objects.count()) == counts
