"""The stop screen: calm, the client's own coping steps first, then the way out, the plan for
when distress escalates, people to call or text, and the crisis lines of their region as
tap-to-call (and tap-to-text where the line takes texts)."""

from bravely.planning.models import CrisisResource
from bravely.planning.services.safety import create_safety_version
from bravely.portal.dialling import dial, texts


def test_numbers_are_read_from_what_people_typed():
    assert dial("Call or text 988 (veterans: press 1)") == "988"
    assert dial("Call 116 123 (free, 24 hours)") == "116123"
    assert dial("+44 20 7946 0000") == "+442079460000"
    assert dial("555-0101") == "5550101"
    assert dial("chat at example.org") == "" and dial("") == ""
    assert texts("Call or text 988") and texts("SMS 741741") and not texts("Call 116 123")


def test_stop_screen_links_and_order(portal, planned, actor, practice):
    CrisisResource.objects.create(practice=practice, region="US", name="988 Lifeline",
                                  contact="Call or text 988", position=0)
    create_safety_version(actor, planned.client, {
        "distress_ceiling": 70, "exit_strategies": ["Step outside and breathe"],
        "escalation_plan": "Call my sister, then the crisis line.",
        "coping_skills": [{"kind": "breathing", "description": "Slow breathing",
                           "allowed_during_exposure": True}],
        "support_contacts": [{"name": "Sam", "relationship": "friend", "contact": "555 0100"}],
    })
    page = portal.get("/me/stop/").content.decode()
    assert 'href="tel:988"' in page and 'href="sms:988"' in page
    assert 'href="tel:5550100"' in page and 'href="sms:5550100"' in page
    assert "Call Sam" in page and "Text Sam" in page
    assert "If distress escalates" in page and "Call my sister, then the crisis line." in page
    # a line that takes no texts gets no text link
    assert 'href="tel:000000"' in page and 'href="sms:000000"' not in page
    # calm order: breathe, coping steps, the way out, escalation, people, crisis lines
    order = [page.index(s) for s in ("Breathe out slowly", "Coping steps you can use now",
                                     "Your way out", "If distress escalates",
                                     "People you can contact", "If you are in danger")]
    assert order == sorted(order)
    # inside a practice the same plan, with the one-tap confirm first
    import re

    response = portal.post(f"/me/practise/{planned.assignment.pk}/",
                           {"likelihood_before": "50", "distress_now": "40"})
    key = re.search(r"/run/([0-9a-f]+)/", response["Location"]).group(1)
    inside = portal.get(f"/me/practise/run/{key}/stop/").content.decode()
    assert inside.index("Yes, stop this practice") < inside.index("Coping steps you can use now")
    assert 'href="tel:988"' in inside and 'href="sms:5550100"' in inside
