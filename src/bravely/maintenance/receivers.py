"""Receivers of other apps' signals."""

from bravely.clients.models import Client


def on_status_changed(sender, *, actor, client, before, after, **kwargs):
    """Moving a client to maintenance starts the maintenance phase (its boosters are
    scheduled); the relapse-prevention plan is then written with the client."""
    if after == Client.Status.MAINTENANCE:
        from bravely.maintenance.services import start_phase

        start_phase(actor, client)
