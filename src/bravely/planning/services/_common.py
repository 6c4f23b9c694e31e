"""Helpers shared by the planning services: time, JSON values, history, validation, messages."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor
from bravely.clients.models import Client
from bravely.planning.models.history import ChangeRecord


def stale_ladder_message() -> str:
    return _("Someone else changed this ladder since you opened it; reload to see their changes.")


def stale_message() -> str:
    return _("Someone else changed this since you opened it; reload to see their changes.")


def _now():
    return timezone.now()


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def _touch(client: Client):
    """After a planning write: the client's last activity, and (every planning write may change
    what the pacing engine reads) its inputs marked as changed for the scheduled refresh."""
    from bravely.pacing.changes import inputs_changed

    Client.objects.filter(pk=client.pk).update(last_activity_at=timezone.now())
    inputs_changed([client.pk])


def _history(actor: Actor, client, obj, action, before, after, *, plan=None, note=""):
    ChangeRecord.objects.create(
        client=client, plan=plan, object_type=obj._meta.model_name, object_id=obj.pk,
        action=action, before=before, after=after, note=note, changed_by=actor.user,
    )


def _full_clean(obj, exclude=None):
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _hold_message():
    return _("The readiness screen put exposure on hold; record a clearance first.")
