"""Demo practice: a few weeks of logs and check-ins, chosen so that every kind of recommendation
shows up somewhere in the demo practice. Idempotent: every submission has a fixed key.

- Jordan (inhibitory learning): predictions disconfirmed twice, no safety behaviours -> advance,
  add variability. Jordan also has a portal login and shares a summary with a sister.
- Priya: the last practices went over the ceiling and she stopped early; one check-in answered
  yes to the risk question -> crisis follow-up, pause and reframe, split the rung, step back.
- Aisha: peaks far above what was predicted, rising safety behaviours and missed practice ->
  reassess the hierarchy, revisit values.
- Leo (0-10 thermometer): a first practice that felt too easy -> check for subtle avoidance.
"""

from datetime import timedelta

from django.utils import timezone

from bravely.accounts.models import User
from bravely.audit.services import Actor
from bravely.clients.models import Client
from bravely.planning.selectors.safety import current_safety
from bravely.portal.models import ClientAccount, SupportPerson
from bravely.practice import services
from bravely.practice.models import JournalEntry
from bravely.site.demo.people import DEMO_PASSWORD


def _active(client):
    assignment = client.assignments.filter(status="active").select_related("rung").first()
    return assignment, current_safety(client)


def _log(actor, client, assignment, key, days_ago, pre, peak, post, source="session", **extra):
    scale_max = client.scale_max
    clip = lambda v: max(0, min(scale_max, int(v)))  # noqa: E731
    data = {
        "started_at": timezone.now() - timedelta(days=days_ago, hours=2),
        "duration_minutes": extra.pop("minutes", 30),
        "distress_before": clip(pre), "distress_peak": clip(peak), "distress_after": clip(post),
        "peak_confirmed": True, **extra,
    }
    services.submit_log(actor, client, assignment.rung, data, idempotency_key=f"demo-{key}",
                        assignment=assignment, source=source)


def _jordan(client, clinician, password, practice):
    assignment, safety = _active(client)
    if assignment is None:
        return
    user = User.objects.filter(email="jordan.reyes@riverside.example").first()
    if user is None:
        user = User.objects.create_user("jordan.reyes@riverside.example", password,
                                        full_name="Jordan Reyes")
        ClientAccount.objects.create(client=client, user=user)
    actor = Actor(user, "127.0.0.1", via="demo")
    for n, (days, peak, after_likelihood) in enumerate([(9, 55, 50), (6, 50, 30), (2, 45, 20)]):
        _log(actor, client, assignment, f"jordan-{n}", days, 35, peak, 20,
             likelihood_after=after_likelihood, feared_outcome_happened="no",
             what_happened="People said good morning back; one asked about my weekend.",
             surprise=6, learned="Most people are friendly or busy, not judging me.",
             value_reflection="A small step towards sharing my ideas at work.", source="portal")
    services.submit_check_in(actor, client, {"risk": False, "tolerable_distress": 70,
                                             "value_ratings": []}, idempotency_key="demo-jordan-ci")
    if not JournalEntry.objects.filter(client=client).exists():
        services.write_journal(actor, client, "Noticed I waited less before saying hello today.",
                               client.value_statements.order_by("rank").first())
    if not client.supports.exists():
        ana = User.objects.create_user("ana.reyes@riverside.example", password,
                                       full_name="Ana Reyes")
        SupportPerson.objects.create(
            client=client, user=ana, name="Ana Reyes", relationship="sister",
            email=ana.email, shares=["values", "progress"], recorded_by=clinician.user,
            consent_note="Jordan asked to share values and progress with Ana (session 3).")


def _priya(client, actor):
    assignment, safety = _active(client)
    if assignment is None:
        return
    ceiling = safety.distress_ceiling if safety else client.scale_max
    _log(actor, client, assignment, "priya-0", 8, 40, ceiling - 15, 30,
         feared_outcome_happened="no", likelihood_after=60)
    _log(actor, client, assignment, "priya-1", 4, 45, ceiling + 5, 60, stopped_early=True,
         stopped_early_reason="The urge to wash was too strong after two minutes.")
    _log(actor, client, assignment, "priya-2", 1, 50, ceiling + 10, 65, stopped_early=True,
         stopped_early_reason="I panicked and washed.")
    services.submit_check_in(actor, client, {"risk": True, "tolerable_distress": 50,
                                             "note": "A hard week."},
                             idempotency_key="demo-priya-ci")


def _aisha(client, actor):
    assignment, safety = _active(client)
    if assignment is None:
        return
    predicted = assignment.rung.predicted_distress
    top = (safety.distress_ceiling - 1) if safety else client.scale_max
    for n, (days, behaviours) in enumerate([(13, []), (9, ["Radio on loud"]),
                                            (5, ["Radio on loud", "Gripping the wheel"])]):
        _log(actor, client, assignment, f"aisha-{n}", days, 30, min(predicted + 25, top), 30,
             safety_behaviours_used=behaviours)


def _leo(client, actor):
    assignment, _safety = _active(client)
    if assignment is None:
        return
    _log(actor, client, assignment, "leo-0", 3, 1, 1, 0, minutes=10,
         what_happened="It was fine, I looked away most of the time.")
    # The peak is below the starting level: the engine asks to check the ratings.
    _log(actor, client, assignment, "leo-1", 2, 5, 3, 2, minutes=15,
         what_happened="I watched the whole clip this time.")
    # A stop whose reason may be medical: the engine asks for a check before the next exposure.
    _log(actor, client, assignment, "leo-2", 1, 3, 6, 4, minutes=5, stopped_early=True,
         stopped_early_reason="I felt dizzy and light-headed, so I sat down.")


STORIES = {"Jordan Reyes": _jordan, "Priya Nair": _priya, "Aisha Karimi": _aisha,
           "Leo Martins": _leo}


def load(practice, users):
    for client in Client.objects.filter(practice=practice, display_name__in=STORIES,
                                        archived_at__isnull=True):
        actor = Actor(client.primary_clinician, "127.0.0.1", via="demo")
        story = STORIES[client.display_name]
        if story is _jordan:
            story(client, actor, DEMO_PASSWORD, practice)
        else:
            story(client, actor)
