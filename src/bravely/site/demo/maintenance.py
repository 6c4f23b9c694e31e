"""Demo maintenance: Aisha Karimi finished her driving ladder eight weeks ago. She has a portal
account, a relapse-prevention plan (not yet agreed in the portal), a maintenance schedule with
one practice done and one everyday exposure, two boosters done (the second with rising
re-ratings, so 'offer a booster session' waits in the queue), a third booster due, and her
partner Omar as a support person with guidance. Idempotent: loading twice changes nothing."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from bravely.accounts.models import User
from bravely.audit.services import Actor
from bravely.clients.models import Client
from bravely.maintenance import selectors, services
from bravely.maintenance.models import Booster, BoosterOffer, LifestyleExposure
from bravely.portal.models import ClientAccount, SupportPerson
from bravely.site.demo.people import DEMO_PASSWORD

ENDED_DAYS_AGO = 57  # boosters at 2, 4 and 8 weeks: two done, the third due


def _account(client, email, name):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
    return user


def load(practice, users):
    client = Client.objects.filter(practice=practice, display_name="Aisha Karimi",
                                   archived_at__isnull=True).first()
    if client is None or client.status != Client.Status.MAINTENANCE:
        return
    actor = Actor(client.primary_clinician, "127.0.0.1", via="demo")
    if not hasattr(client, "account"):
        ClientAccount.objects.create(client=client, user=_account(
            client, "aisha.karimi@riverside.example", "Aisha Karimi"))
    today = timezone.localdate()
    phase = services.start_phase(actor, client, started_on=today - timedelta(
        days=ENDED_DAYS_AGO))
    if selectors.current_plan(client) is None:
        found = selectors.suggestions(client)
        services.save_plan(actor, client, {
            **found, "values_reinforced": found["values_reinforced"][:3],
            "life_vision": "Driving myself means I can take the job at the new office and see "
                           "my grandmother every month, without waiting for a lift.",
            "warning_signs": [
                {"sign": "Taking the A-road 'because it is nicer' when the motorway is quicker",
                 "action": "Take the motorway on the next trip, even one junction."},
                {"sign": "Asking my partner to drive on busy days",
                 "action": "Drive myself and let him be the passenger."},
                {"sign": "Checking traffic reports again and again before leaving",
                 "action": "Check once, then go."}],
            "contacts": found["contacts"] + [{"name": "Omar", "how": "partner, at home"}],
            "change_note": "Written with Aisha at the last active session."}, based_on=None)
    if not selectors.items(client).exists():
        items = services.build_schedule(
            actor, client, per_week=1, weeks=8, start=phase.started_on + timedelta(days=7),
            contexts=["Rush hour", "In the rain", "A new route", "With a passenger"])
        # done most weeks (one missed), peaks well below the ceiling
        for n, item in enumerate(items[:6]):
            if n == 3:
                continue
            started = timezone.make_aware(datetime.combine(item.planned_on, time(8)))
            services.log_item(actor, item, {
                "started_at": started, "duration_minutes": 40, "distress_before": 30,
                "distress_peak": 45 - 3 * n, "distress_after": 20,
                "value_reflection": "Got to work on my own, on time."},
                idempotency_key=f"demo-aisha-maintenance-{n}", source="session")
    if not LifestyleExposure.objects.filter(client=client).exists():
        services.log_lifestyle(actor, client, {
            "what": "Drove to the supermarket at the busiest time", "distress_peak": 35,
            "on": today - timedelta(days=3),
            "value": client.value_statements.order_by("rank").first()},
            idempotency_key="demo-aisha-lifestyle-1")
    boosters = list(selectors.boosters(client))
    top = selectors.top_rungs(client)
    for booster, extra in zip(boosters[:2], (0, 20), strict=False):
        if not booster.is_done:
            services.record_booster(
                actor, booster, rung_ratings={r.pk: min(client.scale_max,
                                                        r.predicted_distress + extra)
                                              for r in top},
                value_ratings={s.pk: 7 for s in client.value_statements.filter(
                    archived_at__isnull=True)[:2]},
                note="Busier weeks at work." if extra else "")
            # the story: each booster was done on the day it was due
            done = timezone.make_aware(datetime.combine(booster.due_on, time(18)))
            Booster.objects.filter(pk=booster.pk).update(done_at=done)
            BoosterOffer.objects.filter(booster=booster).update(created_at=done)
    omar = SupportPerson.objects.filter(client=client, name="Omar Karimi").first()
    if omar is None:
        omar = SupportPerson.objects.create(
            client=client, user=_account(client, "omar.karimi@riverside.example",
                                         "Omar Karimi"),
            name="Omar Karimi", relationship="partner", email="omar.karimi@riverside.example",
            shares=["values", "progress", "relapse_plan"], recorded_by=actor.user,
            consent_note="Aisha asked to share her plan with Omar (last active session).")
    if selectors.guidance_for(omar) is None:
        services.save_guidance(
            actor, omar,
            helps="Say what you notice: 'you drove the motorway again'. Be a passenger when "
                  "she drives, and plan trips that need the motorway.",
            avoid="Do not offer to drive when she hesitates, and do not reassure her again and "
                  "again that nothing will happen: let her face it and find out.",
            consent_note="Aisha agreed to this wording in session.")
