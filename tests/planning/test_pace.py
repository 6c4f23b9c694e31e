"""Shared decision on pace: options offered, the client's choice and reasons, homework defaults."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.planning import services
from bravely.planning.models import ImmutableError, PaceDecision


def pace_post(**extra):
    data = {"chosen": "steady", "reasons": "Fits around work",
            "decided_on": timezone.localdate().isoformat()}
    for o in services.default_pace_options():
        key = o["key"]
        data.update({f"{key}_offered": "on", f"{key}_sessions": o["sessions_per_week"],
                     f"{key}_practices": o["practices_per_week"],
                     f"{key}_rungs": o["rungs_per_week"]})
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_client_chooses_among_offered_options_and_it_is_recorded(web, actor, client_record,
                                                                 plan):
    url = reverse("pace_new", args=[client_record.pk, plan.pk])
    assert web.get(url).status_code == 200
    response = web.post(url, pace_post(intensive_offered=None, steady_practices=4))
    assert response.status_code == 302
    decision = PaceDecision.objects.get()
    assert [o["key"] for o in decision.options] == ["gradual", "steady"]
    assert decision.chosen_option["practices_per_week"] == 4
    assert (decision.reasons, decision.recorded_by) == ("Fits around work", actor.user)
    assert decision.decided_on == timezone.localdate()
    page = web.get(reverse("plan_detail", args=[client_record.pk, plan.pk])).content.decode()
    assert "The client chose “Steady”" in page and "Fits around work" in page
    assert AuditEvent.objects.filter(action="decide", object_type="pacedecision").exists()
    with pytest.raises(ImmutableError):
        decision.save()


def test_at_least_two_options_must_be_offered(web, client_record, plan):
    page = web.post(reverse("pace_new", args=[client_record.pk, plan.pk]),
                    pace_post(gradual_offered=None, intensive_offered=None)).content.decode()
    assert "at least two pacing options" in page
    assert not PaceDecision.objects.exists()


def test_choice_must_be_among_the_options_offered(web, actor, client_record, plan):
    page = web.post(reverse("pace_new", args=[client_record.pk, plan.pk]),
                    pace_post(steady_offered=None)).content.decode()
    assert "must be one of the options offered" in page
    with pytest.raises(ValidationError) as error:
        services.record_pace(actor, plan, options=services.default_pace_options()[:2],
                             chosen="intensive", reasons="x")
    assert "chosen" in error.value.message_dict
    assert not PaceDecision.objects.exists()


def test_reasons_are_required_and_numbers_are_bounded(web, actor, client_record, plan):
    page = web.post(reverse("pace_new", args=[client_record.pk, plan.pk]),
                    pace_post(reasons="", steady_practices=40)).content.decode()
    assert "This field is required" in page and "Steady: practices per week" in page
    with pytest.raises(ValidationError) as error:
        services.record_pace(actor, plan, options=services.default_pace_options(),
                             chosen="steady", reasons="  ")
    assert "reasons" in error.value.message_dict
    assert not PaceDecision.objects.exists()


def test_chosen_pace_sets_the_homework_defaults(web, actor, client_record, plan, ladder):
    options = services.default_pace_options()
    options[2]["practices_per_week"] = 6
    services.record_pace(actor, plan, options=options, chosen="intensive", reasons="Quickly")
    page = web.get(reverse("assignment_new", args=[client_record.pk, ladder[0].pk]))
    assert 'name="frequency_per_week" value="6"' in page.content.decode()
    assert "Defaults follow the pace the client chose: “Intensive”" in page.content.decode()
