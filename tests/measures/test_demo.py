"""The demo: one client reliably improved, one not on track, fictional imported wording."""

from bravely.accounts.models import Practice
from bravely.measures.models import OffTrack, Wording
from bravely.measures.selectors import history, score_history
from bravely.site.demo import PRACTICE_NAME, load_demo


def test_demo_measures(db):
    load_demo()
    load_demo()  # idempotent
    practice = Practice.objects.get(name=PRACTICE_NAME)
    jordan = practice.clients.get(display_name="Jordan Reyes")
    [series] = score_history(jordan)
    assert [p[1] for p in series.points] == [16, 15, 13, 11, 10]
    assert series.points[-1][2] == "reliably improved"
    assert history(jordan)[0].label == "reliably improved"
    priya = practice.clients.get(display_name="Priya Nair")
    assert OffTrack.objects.get(closed_at=None).client == priya
    assert jordan.administrations.filter(status="in_progress").count() == 1
    for wording in Wording.objects.all():
        assert all(item["text"].startswith("[Demo]") for item in wording.items.values())
        assert "Fictional" in wording.licence_note
