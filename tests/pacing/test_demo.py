"""The pacing demo step: recommendations over the demo practice's data, idempotent."""

from bravely.accounts.models import Practice
from bravely.pacing.models import Recommendation
from bravely.site.demo import PRACTICE_NAME, load_demo
from bravely.site.demo import pacing as demo


def test_the_demo_step_refreshes_every_demo_client_once(db):
    load_demo()
    practice = Practice.objects.get(name=PRACTICE_NAME)
    demo.load(practice, {})
    first = list(Recommendation.objects.order_by("id").values_list("pk", "status"))
    demo.load(practice, {})
    assert list(Recommendation.objects.order_by("id").values_list("pk", "status")) == first
    assert all(r.client.practice_id == practice.pk for r in Recommendation.objects.all())
