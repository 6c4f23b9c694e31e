"""Demo planning data: each demo client at a realistic stage; loading twice adds nothing."""

from django.apps import apps

from bravely.clients.models import Client
from bravely.planning.models import CrisisResource
from bravely.planning.selectors import ladder_warnings
from bravely.site.demo import load_demo


def counts():
    return {m.__name__: m.objects.count() for m in apps.get_app_config("planning").get_models()}


def test_demo_clients_show_their_stage_and_loading_twice_changes_nothing(db):
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first

    tom = Client.objects.get(display_name="Tom Becker")
    assert tom.values_assessments.exists() and not tom.exposure_plans.exists()
    for name in ("Jordan Reyes", "Priya Nair", "Leo Martins", "Aisha Karimi"):
        client = Client.objects.get(display_name=name)
        plan = client.exposure_plans.get()
        rungs = list(plan.rungs.prefetch_related("values"))
        assert client.value_statements.exists() and client.safety_versions.exists(), name
        assert all(r.values.all() for r in rungs), name  # every rung serves a value
        assert plan.pace_decisions.exists() and client.assignments.exists(), name
        assert all(a.rationales.exists() for a in client.assignments.all()), name
        assert not any(w.code in ("no_value", "above_ceiling") for w, _a in
                       ladder_warnings(plan)), name
    active = [Client.objects.get(display_name=n) for n in ("Jordan Reyes", "Priya Nair",
                                                           "Leo Martins")]
    assert all(6 <= c.exposure_plans.get().rungs.count() <= 10 for c in active)


def test_crisis_resources_are_examples_the_practice_must_verify(db):
    load_demo()
    resources = {r.region: r for r in CrisisResource.objects.all()}
    assert set(resources) == {"US", "GB"}
    assert "988" in resources["US"].contact and "116 123" in resources["GB"].contact
    assert all(r.needs_verification for r in resources.values())
