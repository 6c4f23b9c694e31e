"""The one path for risk: a yes to the risk question always reaches the care team.

Every way of submitting a practice log or a check-in (the portal, the clinician in session, the
API) goes through `reaches_care_team`, so a risk answer in a submission that is refused for any
reason (a form, a schema, a service check, consent withdrawn, a reused key) still raises a
`RiskAlert` and e-mails the care team. A risk answer recorded in session raises an alert too,
marked as raised in session: the clinician is present, but the rest of the care team and the
record must know, and an alert closes only with a note of what was done.
"""

from contextlib import contextmanager
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.practice.models import RiskAlert

LOG = RiskAlert.Source.LOG
CHECK_IN = RiskAlert.Source.CHECK_IN
MEASURE = RiskAlert.Source.MEASURE
BOOSTER = RiskAlert.Source.BOOSTER

# A refused submission raises an alert before any record exists; the client usually corrects it
# and sends it again within minutes. That is one event, so it gets one alert (and one e-mail).
RESENT_WITHIN = timedelta(hours=1)

_YES = (True, 1, "true", "True", "1", "yes", "on")


def said_yes(value) -> bool:
    """Whether a raw answer (JSON or form value) means yes to the risk question."""
    return value in _YES


def _recent_unlinked_alert(client, source: str) -> RiskAlert | None:
    return (RiskAlert.objects.select_for_update()
            .filter(client=client, source=source, check_in=None, log=None, closed_at=None,
                    raised_at__gte=timezone.now() - RESENT_WITHIN)
            .order_by("-raised_at").first())


def raise_alert(actor: Actor, client, *, check_in=None, log=None) -> RiskAlert:
    """The alert for a stored log or check-in; links an alert raised minutes ago when the same
    submission was refused, instead of raising a second one."""
    source = CHECK_IN if check_in else LOG
    earlier = _recent_unlinked_alert(client, source)
    if earlier is not None:
        earlier.check_in, earlier.log = check_in, log
        earlier.save(update_fields=["check_in", "log"])
        record(actor, "update", earlier, client=client,
               details={"source": source, "linked_to": (check_in or log).pk})
        return earlier
    in_session = getattr(log or check_in, "source", "") == "session"
    alert = RiskAlert.objects.create(client=client, source=source, check_in=check_in, log=log,
                                     raised_in_session=in_session)
    record(actor, "create", alert, client=client,
           details={"source": alert.source, "in_session": in_session})
    transaction.on_commit(lambda: notify_care_team(alert))
    return alert


def raise_measure_alert(actor: Actor, client, *, in_session: bool = False,
                        details: dict | None = None) -> RiskAlert:
    """A stored outcome-measure answer that signals risk (PHQ-9 item 9 above 0, say). The
    administration keeps the alert it raised; an alert raised minutes ago when the same answer
    was refused is used instead of a second one."""
    return _raise_stored(actor, client, MEASURE, in_session=in_session, details=details)


def raise_booster_alert(actor: Actor, client, *, in_session: bool = False,
                        details: dict | None = None) -> RiskAlert:
    """A stored booster check-in (maintenance) that said yes to the risk question. The booster
    keeps the alert it raised; an alert raised minutes ago when the same check-in was refused is
    used instead of a second one."""
    return _raise_stored(actor, client, BOOSTER, in_session=in_session, details=details)


def _raise_stored(actor: Actor, client, source: str, *, in_session: bool,
                  details: dict | None) -> RiskAlert:
    earlier = _recent_unlinked_alert(client, source)
    details = {"source": source, **(details or {})}
    if earlier is not None:
        record(actor, "update", earlier, client=client, details={**details, "again": True})
        return earlier
    alert = RiskAlert.objects.create(client=client, source=source, raised_in_session=in_session)
    record(actor, "create", alert, client=client, details={**details, "in_session": in_session})
    transaction.on_commit(lambda: notify_care_team(alert))
    return alert


def raise_unlinked_alert(actor: Actor, client, source: str, *,
                         in_session: bool = False) -> RiskAlert:
    """A risk answer from a submission that could not be stored still reaches the care team."""
    with transaction.atomic():
        earlier = _recent_unlinked_alert(client, source)
        if earlier is not None:  # the same refused submission, sent again: already told
            record(actor, "update", earlier, client=client,
                   details={"source": source, "submission_refused": True, "again": True})
            return earlier
        alert = RiskAlert.objects.create(client=client, source=source,
                                         raised_in_session=in_session)
        details = {"source": source, "submission_refused": True}
        if in_session:
            details["in_session"] = True
        record(actor, "create", alert, client=client, details=details)
        transaction.on_commit(lambda: notify_care_team(alert))
    return alert


def refused(actor: Actor, client, source: str, risk, *, in_session: bool = False) -> bool:
    """A submission was refused before it could be stored: if it said yes to risk, alert the
    care team now. Returns whether it did, so the page can show support at once."""
    if not said_yes(risk):
        return False
    raise_unlinked_alert(actor, client, source, in_session=in_session)
    return True


@contextmanager
def reaches_care_team(actor: Actor, client, source: str, risk, *, in_session: bool = False):
    """Wrap the checks and the store of a submission: if any of them refuses it with a
    ValidationError, a yes to risk alerts the care team before the error goes on."""
    try:
        yield
    except ValidationError:
        refused(actor, client, source, risk, in_session=in_session)
        raise


def notify_care_team(alert: RiskAlert) -> None:
    """E-mail the active care team (or, if nobody on it is active, the practice admins, so the
    client can be reassigned). No clinical detail leaves Bravely: the link leads to it."""
    from django.conf import settings

    from bravely.accounts.models import Membership, Role

    team = alert.client.care_team.filter(is_active=True, membership__is_active=True)
    emails = list(team.values_list("email", flat=True))
    link = settings.SITE_ROOT.rstrip("/") + reverse("client_practice", args=[alert.client_id])
    if not emails:
        emails = list(Membership.objects.filter(
            practice_id=alert.client.practice_id, role=Role.ADMIN, is_active=True,
        ).values_list("user__email", flat=True))
        link = settings.SITE_ROOT.rstrip("/") + reverse("practice_members")
    if emails:
        send_mail(_("Bravely: a risk signal needs follow-up"),
                  _("A client answered yes to the risk question. Open Bravely to follow up "
                    "(if nobody on the client's care team is active, add someone to it):\n"
                    "%(link)s\n") % {"link": link}, None, emails)
