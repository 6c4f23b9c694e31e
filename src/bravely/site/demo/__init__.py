"""The fictional Riverside Anxiety Clinic. Idempotent: loading twice changes nothing.

Each area adds its own demo data in a module beside this one with `load(practice, users)`,
run in this order (planning before practice logs, practice logs and their progress history
before pacing, session notes last).
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.accounts.models import Membership, Practice, Role, User
from bravely.audit.services import Actor
from bravely.clients import services as client_services
from bravely.clients.models import Client, ConsentItem
from bravely.portal.models import ClientAccount, SupportPerson
from bravely.site.demo import maintenance as maintenance_demo
from bravely.site.demo import measures as measures_demo
from bravely.site.demo import pacing as pacing_demo
from bravely.site.demo import planning as planning_demo
from bravely.site.demo import practice as practice_demo
from bravely.site.demo import progress as progress_demo
from bravely.site.demo import records as records_demo
from bravely.site.demo.people import CLIENTS, DEMO_PASSWORD, PRACTICE_NAME, STAFF

__all__ = ["DEMO_PASSWORD", "PRACTICE_NAME", "load_demo"]

@transaction.atomic
def load_demo() -> list[tuple[str, str, str]]:
    """Create or refresh the demo practice; returns the logins (e-mail, name, role)."""
    practice, created = Practice.objects.get_or_create(
        name=PRACTICE_NAME, defaults={"require_clinician_2fa": False, "default_region": "US"}
    )
    users = {}
    for email, name, role in STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
        Membership.objects.get_or_create(user=user, defaults={"practice": practice, "role": role})
        users[email.split("@")[0]] = user
    supervisor = users["ruth.alvarez"].membership
    Membership.objects.filter(user__in=[users["maya.chen"], users["sam.patel"]],
                              supervisor__isnull=True).update(supervisor=supervisor)
    client_services.seed_consent_items(practice)

    for name, pronouns, status, primary, scale, concerns, year in CLIENTS:
        if Client.objects.filter(practice=practice, display_name=name).exists():
            continue
        clinician = users[primary]
        actor = Actor(clinician, "127.0.0.1", via="demo")
        client = client_services.create_client(actor, practice, {
            "display_name": name, "pronouns": pronouns, "status": status,
            "primary_clinician": clinician, "distress_scale": scale,
            "presenting_concerns": concerns, "date_of_birth": date(year, 6, 15),
            "region": "US", "locale": "en",
        })
        if status != "intake":
            items = ConsentItem.objects.filter(practice=practice)
            client_services.record_consent(actor, client, decision="given", items=items,
                                           note="Discussed in the first session.")
        if status == "discharged":
            client_services.archive_client(actor, client, "Discharged; record kept.")
        Client.objects.filter(pk=client.pk).update(
            last_activity_at=timezone.now() - timedelta(days=len(name) % 9)
        )
    for step in (planning_demo, practice_demo, progress_demo, measures_demo, maintenance_demo,
                 pacing_demo, records_demo):
        step.load(practice, users)

    logins = [(email, name, str(Role(role).label)) for email, name, role in STAFF]
    for account in ClientAccount.objects.filter(client__practice=practice).select_related("user"):
        logins.append((account.user.email, account.user.full_name, str(_("Client"))))
    for support in SupportPerson.objects.filter(client__practice=practice, user__isnull=False,
                                                revoked_at__isnull=True).select_related("user"):
        logins.append((support.user.email, support.user.full_name, str(_("Support person"))))
    return logins
