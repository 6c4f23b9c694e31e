"""The clinician's progress page and the client's /me/progress/: what they show, the period
selector and its bad input, the empty state."""

from bravely.audit.models import AuditEvent
from bravely.planning import services as planning
from tests.factories import VIOLATED, make_check_in, make_log, signed_in


def test_clinician_page_shows_every_chart_with_numbers(alice, planned, actor):
    make_log(actor, planned.client, planned.rungs[0], peak=60, before=30, after=20, hours_ago=50,
             likelihood_before=80, **VIOLATED)
    make_log(actor, planned.client, planned.rungs[0], peak=45, before=25, after=15,
             likelihood_before=60, likelihood_after=20, feared_outcome_happened="partly")
    planning.create_goal(actor, planned.client, statement=planned.statement,
                         what="Lunch with a friend", times=2, per="week",
                         by_when=planned.assignment.ends_on)
    make_check_in(actor, planned.client, value_ratings=[
        {"statement_id": planned.statement.pk, "rating": 6}])
    page = signed_in(alice).get(f"/clients/{planned.client.pk}/progress/")
    assert page.status_code == 200
    html = page.content.decode()
    for title in ("The ladder over time: Social anxiety",
                  "Distress per practice: Say hello to a colleague",
                  "Expectancy: how likely the feared outcome seemed",
                  "Practice: assigned and done each week",
                  "Values over time", "Valued goals: done so far against the goal"):
        assert title in html
    assert html.count('role="img"') >= 6
    assert "Show the numbers" in html
    assert "Lunch with a friend" in html
    assert AuditEvent.objects.filter(object_type="progress", client_id=planned.client.pk).exists()


def test_client_with_no_data_sees_nothing_to_show_yet(alice, client_record):
    html = signed_in(alice).get(f"/clients/{client_record.pk}/progress/").content.decode()
    assert 'role="img"' not in html
    assert html.count("Nothing to show yet.") >= 6
    assert "once practices on a rung are logged" in html.lower()
    assert "Distress per practice:" not in html  # no rung to name


def test_bad_period_is_a_clear_message_not_a_500(alice, planned):
    http = signed_in(alice)
    page = http.get(f"/clients/{planned.client.pk}/progress/", {"period": "forever'"})
    assert page.status_code == 400
    assert "Choose a period" in page.content.decode()
    for good in ("4w", "12w", "all"):
        assert http.get(f"/clients/{planned.client.pk}/progress/",
                        {"period": good}).status_code == 200


def test_the_period_leaves_older_practice_out(alice, planned, actor):
    make_log(actor, planned.client, planned.rungs[0], peak=66, hours_ago=24 * 40)
    make_log(actor, planned.client, planned.rungs[0], peak=44)
    http = signed_in(alice)
    recent = http.get(f"/clients/{planned.client.pk}/progress/", {"period": "4w"})
    everything = http.get(f"/clients/{planned.client.pk}/progress/", {"period": "all"})
    assert "1 practice in this period" in recent.content.decode()
    assert "2 practices in this period" in everything.content.decode()


def test_portal_page_is_plain_and_encouraging(portal, planned, actor):
    make_log(actor, planned.client, planned.rungs[0], peak=60, hours_ago=50,
             likelihood_before=80, **VIOLATED)
    make_log(actor, planned.client, planned.rungs[0], peak=45, likelihood_before=50,
             **VIOLATED)
    page = portal.get("/me/progress/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "My progress" in html
    assert ("“Say hello to a colleague”: before your first practice you thought what you feared "
            "was 80\u00a0% likely; after your latest practice, 30\u00a0%.") in html
    assert "What you feared did not happen in 2 of 2 practices." in html
    assert "You have practised 2 times." in html
    assert AuditEvent.objects.filter(object_type="portal_progress").exists()


def test_portal_page_without_practice_says_what_will_appear(portal, client_record):
    html = portal.get("/me/progress/").content.decode()
    assert "Your progress will appear here once you start practising" in html
    assert 'role="img"' not in html
