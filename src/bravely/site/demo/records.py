"""Demo session notes: for Jordan Reyes, a signed note of last week's session (with an addendum
and Dr Ruth Alvarez's co-signature, as Maya Chen's supervisor) and a draft of today's. Runs after
pacing. Idempotent: a client who already has notes is left alone."""

from datetime import timedelta

from django.utils import timezone

from bravely.audit.services import Actor
from bravely.clients.models import Client
from bravely.records import selectors as note_selectors
from bravely.records import services
from bravely.records.models import SessionNote


def load(practice, users):
    client = Client.objects.filter(practice=practice, display_name="Jordan Reyes").first()
    if client is None or SessionNote.objects.filter(client=client).exists():
        return
    author = Actor(client.primary_clinician, "127.0.0.1", via="demo")
    today = timezone.localdate()
    last_week = today - timedelta(days=7)
    facts = note_selectors.facts_text(note_selectors.period_facts(
        client, last_week - timedelta(days=7), last_week))
    signed = services.create_note(author, client, {
        "session_date": last_week, "period_start": last_week - timedelta(days=7),
        "data": ("Jordan arrived on time and reviewed the week's practice log with me.\n\n"
                 + facts),
        "assessment": ("Expectancy of being laughed at is falling across practices; distress "
                       "peaks stayed under the ceiling. No risk indicators; the check-in risk "
                       "answer was no. Engagement is good and linked to the value of being "
                       "there for friends."),
        "plan": ("Keep practising the first rung three times this week, varying the colleague "
                 "and the time of day. Review advancing to 'Ask a question in a meeting' next "
                 "session."),
    })
    services.sign_note(author, signed)
    services.add_addendum(author, signed, "Correction: Jordan also practised once at the "
                                          "weekend, not logged in Bravely.")
    supervisor = users.get("ruth.alvarez")
    if supervisor is not None:
        note = note_selectors.get_note(client, signed.pk)
        if note_selectors.may_cosign(supervisor, note):
            services.cosign(Actor(supervisor, "127.0.0.1", via="demo"), note,
                            "Reviewed in supervision; plan agreed.")
    services.create_note(author, client, {
        "session_date": today, "period_start": last_week + timedelta(days=1),
        "data": "Jordan reports two practices since the last session.",
    })
