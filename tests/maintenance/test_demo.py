"""The demo's maintenance client, and loading the demo twice changes nothing."""

from bravely.clients.models import Client
from bravely.maintenance import selectors
from bravely.maintenance.models import (
    Booster,
    BoosterOffer,
    LifestyleExposure,
    MaintenanceItem,
    RelapsePlan,
    SupportGuidance,
)
from bravely.site.demo import load_demo


def snapshot():
    return [m.objects.count() for m in (RelapsePlan, MaintenanceItem, LifestyleExposure,
                                        Booster, BoosterOffer, SupportGuidance)]


def test_the_demo_has_a_client_in_maintenance_and_loads_idempotently(db):
    logins = load_demo()
    aisha = Client.objects.get(display_name="Aisha Karimi")
    assert selectors.current_plan(aisha) is not None
    assert selectors.planned_vs_done(aisha)["done"] == 5
    assert selectors.due_booster(aisha) is not None
    assert [b.is_done for b in selectors.boosters(aisha)][:3] == [True, True, False]
    assert BoosterOffer.objects.get(client=aisha).reasons == ["rising"]
    assert any(email == "aisha.karimi@riverside.example" for email, *_ in logins)
    first = snapshot()
    load_demo()
    assert snapshot() == first
