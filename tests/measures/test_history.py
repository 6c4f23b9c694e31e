"""The measure history (severity, change from baseline, the reliable-change label) and the
charts' contract `score_history`, in a constant number of queries."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bravely.measures.selectors import MeasureSeries, history, score_history
from tests.factories import make_client, score_measure, signed_in

START = date(2026, 1, 5)


def _scores(actor, client, instrument, totals):
    for week, total in enumerate(totals):
        # spread the total over the items, low items first
        values, left = [], total
        for item in instrument.rules.items:
            values.append(min(item.max_score, left))
            left -= values[-1]
        score_measure(actor, client, instrument, values,
                      completed_on=START + timedelta(weeks=week))


def test_history_labels_against_hand_calculations(actor, client_record, phq9, gad7):
    _scores(actor, client_record, phq9, [18, 15, 11, 8])
    _scores(actor, client_record, gad7, [12, 16])
    rows = history(client_record)
    phq = [(r.administration.total, r.severity, r.difference, r.label)
           for r in reversed(rows) if r.administration.instrument.code == "PHQ-9"]
    assert phq == [(18, "Moderately severe", None, "baseline"),
                   (15, "Moderately severe", -3, "no reliable change"),
                   (11, "Moderate", -7, "reliably improved"),
                   (8, "Mild", -10, "recovered")]
    gad = [(r.administration.total, r.label) for r in rows
           if r.administration.instrument.code == "GAD-7"]
    assert gad == [(16, "reliably deteriorated"), (12, "baseline")]


def test_score_history_contract(actor, client_record, phq9, alice):
    _scores(actor, client_record, phq9, [18, 11])
    [series] = score_history(client_record)
    assert series == MeasureSeries(
        instrument_code="PHQ-9", name="Patient Health Questionnaire-9 (PHQ-9)", max_score=27,
        bands=[(0, 4, "Minimal"), (5, 9, "Mild"), (10, 14, "Moderate"),
               (15, 19, "Moderately severe"), (20, 27, "Severe")],
        cutoff=10, points=[(START, 18, ""), (START + timedelta(weeks=1), 11,
                                             "reliably improved")])
    assert score_history(make_client(client_record.practice, alice, name="Nobody")) == []


def _count(fn):
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_constant_queries_with_few_and_many_administrations(actor, client_record, phq9, gad7,
                                                            alice):
    _scores(actor, client_record, phq9, [18, 12])
    http = signed_in(alice)
    url = f"/clients/{client_record.pk}/measures/"
    few = (_count(lambda: history(client_record)), _count(lambda: score_history(client_record)),
           _count(lambda: http.get(url)))
    _scores(actor, client_record, phq9, [17, 16, 15, 14, 13, 12, 11, 10, 9, 8] * 3)
    _scores(actor, client_record, gad7, [14, 12, 10, 8])
    many = (_count(lambda: history(client_record)), _count(lambda: score_history(client_record)),
            _count(lambda: http.get(url)))
    assert few == many
    assert few[:2] == (1, 1)
