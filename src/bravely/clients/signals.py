"""Signals other apps listen to, so that clients/ never imports them."""

from django.dispatch import Signal

# Sent inside update_client's transaction when the status changes:
# sender=Client, actor, client, before (the old status), after (the new one).
status_changed = Signal()
