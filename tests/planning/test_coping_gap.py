"""A plan that says "at 55, use my coping plan" must allow at least one skill at that point; the
safety form and page warn when it allows none."""

from django.urls import reverse

from bravely.planning.models import SafetyParameters
from bravely.planning.selectors.safety import coping_gap
from tests.factories import make_safety

NONE_ALLOWED = [{"kind": "breathing", "description": "", "allowed_during_exposure": False}]


def test_a_coping_level_with_no_allowed_skill_is_a_gap(actor, client_record):
    gap = make_safety(actor, client_record, coping=55, coping_skills=NONE_ALLOWED)
    assert "At 55" in coping_gap(gap) and "no coping skill is allowed" in coping_gap(gap)
    assert coping_gap(make_safety(actor, client_record, coping=55)) == ""  # breathing allowed
    assert coping_gap(SafetyParameters(coping_level=None, coping_skills=NONE_ALLOWED)) == ""
    assert coping_gap(None) == ""


def test_the_safety_page_and_form_warn(web, actor, client_record):
    make_safety(actor, client_record, coping=55, coping_skills=NONE_ALLOWED)
    for name in ("safety_detail", "safety_edit"):
        page = web.get(reverse(name, args=[client_record.pk])).content.decode()
        assert "At 55 the client is to use their coping plan" in page, name


def test_saving_parameters_with_the_gap_warns_and_without_it_does_not(web, client_record):
    url = reverse("safety_edit", args=[client_record.pk])
    data = {"based_on": "0", "distress_ceiling": "80", "coping_level": "55",
            "exit_strategies": "Step outside", "skill-TOTAL_FORMS": "1",
            "skill-INITIAL_FORMS": "0", "skill-0-kind": "breathing",
            "contact-TOTAL_FORMS": "0", "contact-INITIAL_FORMS": "0"}
    page = web.post(url, data, follow=True).content.decode()
    assert "saved as a new version" in page and "no coping skill is allowed" in page
    data.update({"based_on": "1", "skill-0-allowed_during_exposure": "on"})
    page = web.post(url, data, follow=True).content.decode()
    assert "saved as a new version" in page and "no coping skill is allowed" not in page
