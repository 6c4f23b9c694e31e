"""Reads of readiness: screens, their flags, and the holds not yet cleared."""

import dataclasses

from django.db.models import Prefetch

from bravely.clients.models import Client
from bravely.clinical import readiness as clinical_readiness
from bravely.planning.models.readiness import ReadinessHold, ReadinessScreen
from bravely.planning.selectors._common import _scoped

READINESS_FIELDS = tuple(f.name for f in dataclasses.fields(clinical_readiness.ReadinessScreen))


def evaluate_screen(screen: ReadinessScreen):
    return clinical_readiness.evaluate_readiness(
        clinical_readiness.ReadinessScreen(**{f: screen.answers[f] for f in READINESS_FIELDS}))


def open_holds(client: Client) -> list[ReadinessHold]:
    """Holds not yet cleared, decided per screen with `clinical.readiness.clearance_resolves`."""
    screens = (ReadinessScreen.objects.filter(client=client, holds__isnull=False).distinct()
               .prefetch_related("holds__clearances"))
    pending = []
    for screen in screens:
        holds = list(screen.holds.all())
        cleared = {h.code for h in holds if h.clearances.all()}
        if not clinical_readiness.clearance_resolves(evaluate_screen(screen), cleared):
            pending += [h for h in holds if h.code not in cleared]
    return pending


def readiness_screens(client):
    return (ReadinessScreen.objects.filter(client=client).select_related("screened_by")
            .prefetch_related(Prefetch("holds", ReadinessHold.objects.prefetch_related(
                "clearances__cleared_by"))))


def get_hold(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, ReadinessHold.objects.select_related("screen", "client"), pk,
                   write=write)


def screen_flags(screen):
    """All flags of a screen (holding or noted), from `clinical.readiness`."""
    return evaluate_screen(screen).flags
