"""Values assessments, value statements, comparison over time and valued goals."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.audit.services import Actor
from bravely.planning import services
from bravely.planning.models import (
    ChangeRecord,
    DomainRating,
    ImmutableError,
    PlanningSettings,
    ValuedGoal,
    ValuesAssessment,
    ValueStatement,
)
from tests.factories import domains, make_assessment, make_client, make_statement


def rating_post(practice, ratings, **extra):
    found = domains(practice)
    data = {"assessed_on": timezone.localdate().isoformat(), "source": "session", **extra}
    for name, (importance, consistency) in ratings.items():
        data[f"importance_{found[name].pk}"] = importance
        data[f"consistency_{found[name].pk}"] = consistency
    return data


def test_practice_gets_the_default_domains_once(practice):
    services.seed_value_domains(practice)
    services.seed_value_domains(practice)
    names = list(practice.value_domains.values_list("name", flat=True))
    assert names[:3] == ["Family", "Intimate relationships", "Parenting"]
    assert "Personal growth" in names and len(names) == 11


def test_clinician_records_an_assessment_and_sees_derived_figures(web, client_record):
    url = reverse("values_new", args=[client_record.pk])
    assert web.get(url).status_code == 200
    response = web.post(url, rating_post(client_record.practice,
                                         {"Work": (9, 3), "Family": (7, 7)}))
    assessment = ValuesAssessment.objects.get(client=client_record)
    assert response.status_code == 302
    assert sorted((r.domain_name, r.importance, r.consistency)
                  for r in assessment.ratings.all()) == [("Family", 7, 7), ("Work", 9, 3)]
    assert assessment.formula["product_composite"] is True
    page = web.get(response.url).content.decode()
    assert ">27<" in page  # 9 x 3
    assert ">6<" in page  # gap 9 - 3
    assert "38.0" in page  # composite: (27 + 49) / 2
    assert "times consistency" in page  # the formula is shown
    assert AuditEvent.objects.filter(action="create", object_type="valuesassessment").exists()


@pytest.mark.parametrize("importance, consistency", [(11, 3), (0, 3), (5, 12), (5, -1)])
def test_ratings_outside_1_to_10_are_refused_and_nothing_is_saved(web, client_record,
                                                                    importance, consistency):
    data = rating_post(client_record.practice, {"Work": (importance, consistency),
                                                "Family": (5, 5)})
    response = web.post(reverse("values_new", args=[client_record.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rate from 1 to 10." in page
    assert "Work: " in page  # the summary names the domain and the field
    assert not ValuesAssessment.objects.exists()
    assert not DomainRating.objects.exists()


def test_half_rated_domain_and_empty_assessment_are_refused(web, client_record):
    found = domains(client_record.practice)
    url = reverse("values_new", args=[client_record.pk])
    page = web.post(url, {"assessed_on": timezone.localdate().isoformat(), "source": "session",
                          f"importance_{found['Work'].pk}": 8}).content.decode()
    assert "Rate consistency too" in page
    page = web.post(url, {"assessed_on": timezone.localdate().isoformat(),
                          "source": "session"}).content.decode()
    assert "Rate at least one life domain." in page
    assert not ValuesAssessment.objects.exists()


def test_service_refuses_bad_ratings_naming_the_field(actor, client_record):
    work = domains(client_record.practice)["Work"]
    with pytest.raises(ValidationError) as error:
        services.create_assessment(actor, client_record, ratings=[(work, 11, 3)])
    assert f"importance_{work.pk}" in error.value.message_dict
    assert "Importance" in error.value.message_dict[f"importance_{work.pk}"][0]
    with pytest.raises(ValidationError) as error:
        services.create_assessment(actor, client_record, ratings=[(work, 5, True)])
    assert f"consistency_{work.pk}" in error.value.message_dict
    assert not ValuesAssessment.objects.exists()


def test_domain_of_another_practice_is_refused(actor, client_record, other_practice):
    foreign = domains(other_practice)["Work"]
    with pytest.raises(ValidationError) as error:
        services.create_assessment(actor, client_record, ratings=[(foreign, 5, 5)])
    assert "ratings" in error.value.message_dict


def test_statements_in_the_clients_words_ranked_and_tied_to_a_domain(web, actor, client_record):
    assessment = make_assessment(actor, client_record)
    work = domains(client_record.practice)["Work"]
    url = reverse("statement_new", args=[client_record.pk, assessment.pk])
    response = web.post(url, {"domain": work.pk, "text": "  Speak my mind at work ", "rank": 1})
    assert response.status_code == 302
    statement = ValueStatement.objects.get()
    assert (statement.text, statement.rank, statement.domain, statement.client) == (
        "Speak my mind at work", 1, work, client_record)
    page = web.get(reverse("values_detail", args=[client_record.pk, assessment.pk]))
    assert "Speak my mind at work" in page.content.decode()
    # bad rank: named field, nothing saved
    page = web.post(url, {"domain": work.pk, "text": "x", "rank": 0}).content.decode()
    assert "rank" in page.lower() and ValueStatement.objects.count() == 1


def test_statement_edit_keeps_history_and_archives_without_deleting(web, actor, client_record):
    statement = make_statement(actor, client_record)
    url = reverse("statement_edit", args=[client_record.pk, statement.pk])
    web.post(url, {"domain": statement.domain_id, "text": "Share ideas", "rank": 2,
                   "archive": "1", "version": 1})
    statement.refresh_from_db()
    assert statement.archived_at is not None and statement.text == "Share ideas"
    change = ChangeRecord.objects.filter(object_type="valuestatement").first()
    assert change.before["text"] == "Sharing my ideas at work"
    assert change.after["text"] == "Share ideas"


def test_a_stale_statement_edit_is_refused_not_overwritten(web, actor, client_record):
    statement = make_statement(actor, client_record)
    url = reverse("statement_edit", args=[client_record.pk, statement.pk])
    first = {"domain": statement.domain_id, "text": "Speak up at work", "rank": 1, "version": 1}
    assert web.post(url, first).status_code == 302
    second = {**first, "text": "Share ideas"}  # the form was opened before the first save
    page = web.post(url, second)
    assert page.status_code == 200
    assert "Someone else changed this since you opened it" in page.content.decode()
    statement.refresh_from_db()
    assert (statement.text, statement.version) == ("Speak up at work", 2)


def test_repeated_assessments_are_compared_side_by_side(web, actor, client_record):
    today = timezone.localdate()
    make_assessment(actor, client_record, {"Work": (9, 3), "Family": (6, 6)},
                    assessed_on=today - timedelta(days=30))
    make_assessment(actor, client_record, {"Work": (9, 6), "Family": (6, 6),
                                           "Friendships": (7, 2)}, assessed_on=today)
    page = web.get(reverse("values_list", args=[client_record.pk])).content.decode()
    assert page.index((today - timedelta(days=30)).isoformat()) < page.index(today.isoformat())
    assert "9 / 3" in page and "9 / 6" in page
    assert "-3" in page  # the gap for Work fell from 6 to 3
    assert "Friendships" in page


def test_formula_is_configurable_and_old_assessments_keep_theirs(actor, client_record, practice):
    first = make_assessment(actor, client_record, {"Work": (9, 3), "Family": (7, 7)})
    services.update_planning_settings(Actor(actor.user), practice,
                                      {"product_composite": False, "gap_count": 1})
    second = make_assessment(actor, client_record, {"Work": (9, 3), "Family": (7, 7)})
    from bravely.planning.selectors import score

    assert score(first).composite == 38.0
    assert score(second).composite == 5.0  # mean consistency
    assert PlanningSettings.objects.get(practice=practice).gap_count == 1


def test_renaming_a_domain_does_not_rewrite_past_ratings(actor, client_record, practice):
    assessment = make_assessment(actor, client_record, {"Work": (9, 3)})
    work = domains(practice)["Work"]
    services.save_value_domain(actor, practice, work, {"name": "Work and career"})
    assert assessment.ratings.get().domain_name == "Work"
    with pytest.raises(ImmutableError):
        assessment.ratings.get().save()


def test_goal_is_specific_measurable_and_revised_with_history(web, actor, client_record):
    statement = make_statement(actor, client_record)
    by_when = timezone.localdate() + timedelta(days=30)
    response = web.post(reverse("goal_new", args=[client_record.pk]), {
        "statement": statement.pk, "what": "Speak in the team meeting", "times": 1,
        "per": "week", "by_when": by_when.isoformat()})
    assert response.status_code == 302
    goal = ValuedGoal.objects.get()
    url = reverse("goal_edit", args=[client_record.pk, goal.pk])
    response = web.post(url, {"statement": statement.pk, "what": "Speak in the team meeting",
                              "times": 2, "per": "week", "by_when": by_when.isoformat(),
                              "status": "active", "version": 1, "note": "Going well"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.times, goal.version) == (2, 2)
    change = ChangeRecord.objects.filter(object_type="valuedgoal", action="update").get()
    assert (change.before["times"], change.after["times"], change.note) == (1, 2, "Going well")
    assert "Going well" in web.get(url).content.decode()
    # a second editor still holding version 1 is refused, nothing overwritten
    page = web.post(url, {"statement": statement.pk, "what": "Other", "times": 9,
                          "per": "week", "by_when": by_when.isoformat(), "status": "active",
                          "version": 1}).content.decode()
    assert "Someone else changed this" in page
    goal.refresh_from_db()
    assert goal.times == 2 and goal.what == "Speak in the team meeting"


def test_goal_needs_a_future_date_and_a_value_of_this_client(actor, client_record, practice,
                                                             alice):
    statement = make_statement(actor, client_record)
    with pytest.raises(ValidationError) as error:
        services.create_goal(actor, client_record, statement=statement, what="x", times=1,
                             per="week", by_when=timezone.localdate() - timedelta(days=1))
    assert "by_when" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_goal(actor, client_record, statement=statement, what="x", times=1,
                             per="week", by_when=date(9999, 12, 31))
    assert "within the next five years" in error.value.message_dict["by_when"][0]
    other = make_client(practice, alice, name="Other")
    with pytest.raises(ValidationError) as error:
        services.create_goal(actor, other, statement=statement, what="x", times=1, per="week",
                             by_when=timezone.localdate())
    assert "statement" in error.value.message_dict
    assert not ValuedGoal.objects.exists()


def test_supervisor_reads_values_but_sees_no_edit_links(ruth, actor, client_record):
    from django.test import Client as HttpClient

    make_assessment(actor, client_record)
    http = HttpClient()
    http.force_login(ruth)
    page = http.get(reverse("values_list", args=[client_record.pk])).content.decode()
    assert "New values assessment" not in page
    assert AuditEvent.objects.filter(action="view", actor=ruth,
                                     client_id=client_record.pk).exists()
