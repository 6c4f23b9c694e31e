"""The client's recommendations page, deciding from it, and the thresholds pages."""

from django.template import Context, Template
from django.urls import reverse

from bravely.audit.models import AuditEvent
from bravely.pacing.models import PacingSettings, Recommendation
from bravely.planning.models import Rung
from tests.factories import VIOLATED, signed_in


def test_crisis_follow_up_comes_first_marked_with_its_evidence(planned, practise, check_in,
                                                               alice):
    log = practise(peak=85)
    check_in(risk=True)
    response = signed_in(alice).get(reverse("client_recommendations", args=[planned.client.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    crisis = Recommendation.objects.get(kind="crisis_follow_up")
    first_card = html.index('aria-labelledby="rec-')
    assert html[first_card:].startswith(f'aria-labelledby="rec-{crisis.pk}-h"')
    assert '<article class="panel crisis"' in html
    assert "Risk was signalled in the last 14 days" in html
    assert ("In the latest practice on this rung distress peaked at 85, at or above the ceiling "
            "of 70.") in html
    assert log.started_at.strftime("%Y-%m-%d") in html
    assert "<strong>85</strong>" in html  # the peak of the log cited
    assert "distress ceiling" in html  # the threshold, labelled
    assert "Required: what was done about the risk" in html
    assert AuditEvent.objects.filter(action="view", object_type="recommendations",
                                     client_id=planned.client.pk).exists()


def test_accept_from_the_page_changes_the_ladder(planned, practise, alice):
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    advance = Recommendation.objects.get(kind="advance")
    url = reverse("recommendation_decide", args=[planned.client.pk, advance.pk])
    http = signed_in(alice)
    response = http.post(url, {f"r{advance.pk}-decision": "accept",
                               f"r{advance.pk}-note": "Ready", f"r{advance.pk}-apply": "on"})
    assert response.status_code == 302
    assert Rung.objects.get(pk=planned.rungs[0].pk).status == "mastered"
    page = http.get(response.url).content.decode()
    assert "Recommendation accepted" in page
    assert "“Say hello to a colleague” marked mastered." in page


def test_dismissing_crisis_without_a_note_shows_the_error_and_keeps_it_open(planned, check_in,
                                                                            alice):
    check_in(risk=True)
    crisis = Recommendation.objects.get(kind="crisis_follow_up")
    url = reverse("recommendation_decide", args=[planned.client.pk, crisis.pk])
    response = signed_in(alice).post(url, {f"r{crisis.pk}-decision": "dismiss"})
    assert response.status_code == 200
    assert "cannot be closed without a note" in response.content.decode()
    crisis.refresh_from_db()
    assert crisis.status == "open"
    signed_in(alice).post(url, {f"r{crisis.pk}-decision": "dismiss",
                                f"r{crisis.pk}-note": "Called; safe"})
    crisis.refresh_from_db()
    assert crisis.status == "dismissed" and crisis.decision_note == "Called; safe"


def test_a_supervisor_reads_without_forms(planned, practise, ruth):
    practise(peak=85)
    html = signed_in(ruth).get(
        reverse("client_recommendations", args=[planned.client.pk])).content.decode()
    assert "Pause and reframe" in html
    assert 'name="r' not in html and "Accept</button>" not in html


def test_practice_thresholds_are_validated_and_saved(practice, dana):
    url = reverse("pacing_settings")
    http = signed_in(dana)
    assert "Craske et al. 2014" in http.get(url).content.decode()
    fields = {f: getattr(PacingSettings(), f) for f in
              ("risk_lookback_days", "over_prediction_points", "over_prediction_count",
               "over_prediction_window", "step_back_count", "step_back_window",
               "missed_practice_ratio", "missed_practice_days", "min_expected_practices",
               "repeated_early_exits", "early_exit_window", "safety_behaviour_window",
               "likelihood_drop_points", "consecutive_for_advance", "habituation_drop_ratio",
               "too_easy_peak_points", "too_easy_max_logs")}
    response = http.post(url, {**fields, "step_back_count": 5})
    assert response.status_code == 200
    assert "must be between 1 and" in response.content.decode()
    assert not PacingSettings.objects.exists()
    response = http.post(url, {**fields, "likelihood_drop_points": 40})
    assert response.status_code == 302
    saved = PacingSettings.objects.get(plan__isnull=True)
    assert saved.likelihood_drop_points == 40 and saved.policy().likelihood_drop_points == 40
    assert AuditEvent.objects.filter(object_type="pacingsettings", action="create").exists()


def test_a_plan_can_have_its_own_thresholds(planned, practise, alice):
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    url = reverse("plan_pacing_settings", args=[planned.client.pk, planned.plan.pk])
    http = signed_in(alice)
    form = http.get(url).context["form"]
    data = {name: form.initial[name] for name in form.fields}
    response = http.post(url, {**data, "consecutive_for_advance": 3})
    assert response.status_code == 302
    assert PacingSettings.objects.get(plan=planned.plan).consecutive_for_advance == 3
    assert not Recommendation.objects.filter(kind="advance", status="open").exists()


def test_the_client_page_section(planned, check_in):
    check_in(risk=True)
    html = Template("{% load pacing_tags %}{% pacing_summary client %}").render(
        Context({"client": planned.client}))
    assert "1 crisis follow-up waiting for a decision." in html
    assert reverse("client_recommendations", args=[planned.client.pk]) in html


def test_deciding_twice_from_the_page_changes_nothing(planned, practise, alice, actor):
    from bravely.pacing.services import dismiss

    practise(peak=85)
    pause = Recommendation.objects.get(kind="pause_and_reframe")
    dismiss(actor, pause, "Talked it through")
    http = signed_in(alice)
    url = reverse("recommendation_decide", args=[planned.client.pk, pause.pk])
    response = http.post(url, {f"r{pause.pk}-decision": "accept"}, follow=True)
    assert "already decided" in response.content.decode()
    pause.refresh_from_db()
    assert pause.status == "dismissed" and pause.decision_note == "Talked it through"


def test_a_plan_can_follow_the_practice_thresholds_again(planned, practise, alice):
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    url = reverse("plan_pacing_settings", args=[planned.client.pk, planned.plan.pk])
    http = signed_in(alice)
    form = http.get(url).context["form"]
    data = {name: form.initial[name] for name in form.fields}
    http.post(url, {**data, "consecutive_for_advance": 3})
    assert not Recommendation.objects.filter(kind="advance", status="open").exists()
    assert "Use the practice" in http.get(url).content.decode()

    response = http.post(url, {"follow_practice": "1"})
    assert response.status_code == 302
    kept = PacingSettings.objects.get(plan=planned.plan)
    assert kept.follows_practice and kept.consecutive_for_advance == 3
    assert Recommendation.objects.filter(kind="advance", status="open").exists()
    page = http.get(url)
    assert page.context["form"].initial["consecutive_for_advance"] == 2
    assert "Use the practice" not in page.content.decode()
    assert AuditEvent.objects.filter(object_type="pacingsettings", action="update",
                                     client_id=planned.client.pk).exists()

    http.post(url, {**data, "consecutive_for_advance": 4})
    kept.refresh_from_db()
    assert not kept.follows_practice and kept.consecutive_for_advance == 4
