"""Demo outcome measures, over the clients' weeks of practice. Idempotent.

- Jordan: PHQ-9 every two weeks, 16 -> 10 over eight weeks: reliably improved (a drop of 6),
  and one due now, started in the portal (three answers kept) to show resuming.
- Priya: GAD-7 every two weeks, 14 -> 15 over six weeks: no reliable improvement after six
  weeks, so "not on track" in Needs attention.

The practice's imported wording is written for the demo and clearly fictional: it is not any
real questionnaire's text (a practice imports the wording it is entitled to use).
"""

from datetime import timedelta

from django.utils import timezone

from bravely.audit.services import Actor
from bravely.clients.models import Client
from bravely.measures import fhir, selectors, services

LICENCE = "Fictional wording written for the Bravely demo; not any real questionnaire's text."

STORIES = {
    "Jordan Reyes": ("PHQ-9", [16, 15, 13, 11, 10], [1, 1, 0]),
    "Priya Nair": ("GAD-7", [14, 14, 13, 15], None),
}


def demo_questionnaire(instrument) -> dict:
    """A FHIR R4 Questionnaire with fictional demo wording for the instrument's items."""
    definition = instrument.rules
    count = len(definition.items)
    answers = ["none at all", "a little", "quite a lot", "almost all the time", "all the time"]
    wording = {}
    for n, item in enumerate(definition.items, 1):
        wording[item.id] = {
            "text": f"[Demo] Sample question {n} of {count}, written for the Bravely demo "
                    f"(import your practice's licensed wording)",
            "options": {str(o.score): f"[Demo] {answers[min(o.score, len(answers) - 1)]}"
                        for o in item.options}}
    return fhir.to_questionnaire(definition, wording, title=f"{instrument.code} (demo wording)")


def _values(instrument, total):
    values, left = [], total
    for item in instrument.rules.items:
        values.append(min(item.max_score, left))
        left -= values[-1]
    return dict(zip(instrument.rules.item_ids, values, strict=True))


def load(practice, users):
    instruments = {i.code: i for i in services.ensure_builtins()}
    admin = Actor(users["dana.okafor"], "127.0.0.1", via="demo")
    for code in ("PHQ-9", "GAD-7"):
        if selectors.wording_for(practice, instruments[code]) is None:
            services.import_wording(admin, practice, instruments[code],
                                    demo_questionnaire(instruments[code]), licence_note=LICENCE)
    today = timezone.localdate()
    for client in Client.objects.filter(practice=practice, display_name__in=STORIES,
                                        archived_at__isnull=True):
        if client.measure_schedules.exists():
            continue
        code, totals, started = STORIES[client.display_name]
        instrument = instruments[code]
        actor = Actor(client.primary_clinician, "127.0.0.1", via="demo")
        starts_on = today - timedelta(weeks=2 * len(totals))
        services.schedule_measure(actor, client, instrument, starts_on=starts_on,
                                  every_weeks=2, review_after_weeks=6)
        for total in totals:
            due = selectors.open_administrations(client).get()
            services.save_answers(actor, due, _values(instrument, total), source="session",
                                  submit=True, completed_on=due.due_on)
        if started:
            due = selectors.open_administrations(client).get()
            services.save_answers(actor, due, dict(zip(instrument.rules.item_ids, started,
                                                       strict=False)), source="portal")
