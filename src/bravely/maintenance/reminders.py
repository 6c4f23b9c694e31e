"""Reminders sent by `bravely worker`: a booster check-in due, maintenance practice due, and an
outcome measure due (`bravely.measures.selectors.due_for_client`).

Exactly once: each reminder has a key (booster:<id>, maintenance:<day>, measure:<key>) and is
*claimed* by inserting its SentReminder row before the e-mail goes out. The unique constraint on
(client, kind, key) is the lock: a second worker, or the same one after a restart, cannot insert
the row again and skips it. A send that raises is marked failed and retried with a growing pause
(5, 10, 20 minutes) up to MAX_ATTEMPTS, then left failed, which the clinician sees on the
client's maintenance page. A worker killed between the claim and the send leaves the row
"claimed": that reminder is not sent twice (at most once, never duplicated).

E-mails carry no clinical detail: a sign-in link and an unsubscribe link only. They go out at the
client's reminder hour in their own time zone, moved out of their quiet hours.
"""

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.models import Client
from bravely.clinical import maintenance as rules
from bravely.maintenance import selectors
from bravely.maintenance.models import Booster, MaintenanceItem, ReminderPreference, SentReminder
from bravely.measures import selectors as measure_selectors

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
BACKOFF = timedelta(minutes=5)
UNSUBSCRIBE_SALT = "bravely.maintenance.unsubscribe"


class _System:
    pk = None
    email = "bravely-worker"
    is_authenticated = False

    def __str__(self):
        return self.email


SYSTEM = Actor(user=_System(), via="system")


def unsubscribe_token(client) -> str:
    return signing.dumps({"c": client.pk}, salt=UNSUBSCRIBE_SALT)


def client_from_token(token: str):
    """The client of an unsubscribe link, or None for a forged or mangled one."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Client.objects.filter(pk=data.get("c")).first() if isinstance(data, dict) else None


def _measures_due(client) -> list[str]:
    """Keys of the outcome measures due today or overdue and not yet submitted
    (`bravely.measures.selectors.due_for_client`): one reminder per administration."""
    return [f"{pk}" for pk in measure_selectors.due_for_client(client).values_list(
        "pk", flat=True)]


def due_reminders(now=None) -> list[tuple[Client, str, str]]:
    """(client, kind, key) of every reminder whose time has come and that was not claimed yet,
    for clients in maintenance with a portal account who have not paused reminders."""
    now = now or timezone.now()
    clients = list(Client.objects.current().filter(
        status=Client.Status.MAINTENANCE, account__is_active=True).select_related(
        "practice", "account__user"))
    prefs = {p.client_id: p for p in ReminderPreference.objects.filter(client__in=clients)}
    claimed = set(SentReminder.objects.filter(client__in=clients).values_list(
        "client_id", "kind", "key"))
    boosters: dict[int, list] = {}
    for b in Booster.objects.filter(client__in=clients, done_at__isnull=True,
                                    cancelled_at__isnull=True):
        boosters.setdefault(b.client_id, []).append(b)
    items: dict[int, set] = {}
    for client_id, day in MaintenanceItem.objects.filter(
            client__in=clients, log__isnull=True, cancelled_at__isnull=True,
            planned_on__gte=(now - timedelta(days=2)).date()).values_list(
            "client_id", "planned_on"):
        items.setdefault(client_id, set()).add(day)
    hours = {}
    found = []
    for client in clients:
        pref = prefs.get(client.pk) or ReminderPreference(client=client)
        if not pref.enabled:
            continue
        if client.practice_id not in hours:
            hours[client.practice_id] = selectors.settings_for(client.practice).reminder_hour
        local_today = timezone.localtime(now, ZoneInfo(client.time_zone)).date()

        def ready(day, client=client, pref=pref):
            when = rules.send_at(day, client.time_zone, hour=hours[client.practice_id],
                                 quiet_from=pref.quiet_from, quiet_until=pref.quiet_until)
            return when <= now

        candidates = [(SentReminder.Kind.BOOSTER, f"booster:{b.pk}", b.due_on)
                      for b in boosters.get(client.pk, [])]
        candidates += [(SentReminder.Kind.MAINTENANCE, f"maintenance:{day.isoformat()}", day)
                       for day in sorted(items.get(client.pk, ())) if day == local_today]
        candidates += [(SentReminder.Kind.MEASURE, f"measure:{key}", local_today)
                       for key in _measures_due(client)]
        for kind, key, day in candidates:
            if (client.pk, kind, key) not in claimed and ready(day):
                found.append((client, kind, key))
    return found


def _claim(client, kind, key, now=None) -> SentReminder | None:
    try:
        with transaction.atomic():
            return SentReminder.objects.create(client=client, kind=kind, key=key,
                                               claimed_at=now or timezone.now())
    except IntegrityError:
        return None  # claimed by another worker, or before a restart


def _retry_claims(now) -> list[SentReminder]:
    """Failed sends due for another try, each taken by one worker only (a conditional update)."""
    taken = []
    for row in SentReminder.objects.filter(status=SentReminder.Status.FAILED,
                                           attempts__lt=MAX_ATTEMPTS).select_related(
            "client__account__user"):
        if row.claimed_at + BACKOFF * (2 ** (row.attempts - 1)) > now:
            continue
        if SentReminder.objects.filter(pk=row.pk, status=SentReminder.Status.FAILED,
                                       attempts=row.attempts).update(
                status=SentReminder.Status.CLAIMED, claimed_at=now):
            taken.append(row)
    return taken


def _message(client) -> tuple[str, str]:
    root = settings.SITE_ROOT.rstrip("/")
    sign_in = root + reverse("portal_today")
    stop = root + reverse("maintenance_unsubscribe", args=[unsubscribe_token(client)])
    body = _("Hello,\n\nSomething is waiting for you in Bravely. Sign in to see it:\n%(link)s\n\n"
             "To stop these e-mails: %(stop)s\n") % {"link": sign_in, "stop": stop}
    return _("Bravely: a reminder"), body


def _send(row: SentReminder, now) -> bool:
    client = row.client
    email = client.account.user.email
    subject, body = _message(client)
    row.attempts += 1
    try:
        send_mail(subject, body, None, [email])
    except Exception as error:  # a refused address or a mail server down: retried, then shown
        logger.warning("reminder %s for client %s failed: %s", row.key, client.pk, error)
        row.status, row.error = SentReminder.Status.FAILED, str(error)[:300]
        row.save(update_fields=["status", "error", "attempts"])
        return False
    row.status, row.sent_at, row.error = SentReminder.Status.SENT, now, ""
    row.save(update_fields=["status", "sent_at", "error", "attempts"])
    record(SYSTEM, "create", row, client=client, details={"kind": row.kind, "key": row.key})
    return True


def send_due(now=None) -> dict:
    """One pass of the worker: claim and send what is due, retry what failed. Returns counts."""
    now = now or timezone.now()
    sent = failed = 0
    rows = [row for client, kind, key in due_reminders(now)
            if (row := _claim(client, kind, key, now)) is not None]
    for row in rows + _retry_claims(now):
        if _send(row, now):
            sent += 1
        else:
            failed += 1
    return {"sent": sent, "failed": failed}


def failed_reminders(client):
    return SentReminder.objects.filter(client=client, status=SentReminder.Status.FAILED)


def run_forever(interval: int = 60, passes: int | None = None) -> None:
    """The worker's loop: one pass, a pause, again (`bravely worker`, and the demo's thread)."""
    import time

    done = 0
    while passes is None or done < passes:
        try:
            send_due()
        except Exception:  # one bad pass (the database restarting) must not end the worker
            logger.exception("reminders: a pass failed; trying again after the pause")
        done += 1
        if passes is None or done < passes:
            time.sleep(max(1, interval))
