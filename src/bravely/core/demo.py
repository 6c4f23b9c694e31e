"""The fictional Riverside Anxiety Clinic. Idempotent: loading twice changes nothing.

Later parts of Bravely add their own demo data in functions registered in DEMO_STEPS.
"""

from datetime import date, timedelta
from importlib import import_module

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.accounts.models import Membership, Practice, Role, User
from bravely.audit.services import Actor
from bravely.clients import services as client_services
from bravely.clients.models import Client, ConsentItem

DEMO_PASSWORD = "bravely-demo-2026"
PRACTICE_NAME = "Riverside Anxiety Clinic"

STAFF = [
    ("dana.okafor@riverside.example", "Dana Okafor", Role.ADMIN),
    ("maya.chen@riverside.example", "Dr Maya Chen", Role.CLINICIAN),
    ("sam.patel@riverside.example", "Sam Patel", Role.CLINICIAN),
    ("ruth.alvarez@riverside.example", "Dr Ruth Alvarez", Role.SUPERVISOR),
]

CLIENTS = [
    # name, pronouns, status, primary, scale, concerns, birth year
    ("Jordan Reyes", "they/them", "active", "maya.chen", "suds100",
     "Social anxiety: avoids speaking in meetings and meeting new people.", 1994),
    ("Priya Nair", "she/her", "active", "maya.chen", "suds100",
     "Contamination fears (OCD) limiting time with her young children.", 1988),
    ("Tom Becker", "he/him", "intake", "maya.chen", "suds100",
     "Panic attacks on public transport since a car accident.", 1979),
    ("Aisha Karimi", "she/her", "maintenance", "sam.patel", "suds100",
     "Fear of driving on motorways; completed a ladder, now in maintenance.", 1991),
    ("Leo Martins", "he/him", "active", "sam.patel", "thermometer10",
     "Fear of dogs; teenager, prefers the 0-10 fear thermometer.", 2010),
    ("Grace O'Neill", "she/her", "discharged", "maya.chen", "suds100",
     "Health anxiety; discharged after relapse-prevention sessions.", 1965),
]

# Each later part of Bravely adds its demo data in a module with `load(practice, users)`.
DEMO_MODULES = ["bravely.planning.demo", "bravely.practice.demo", "bravely.pacing.demo"]


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
    for path in DEMO_MODULES:
        import_module(path).load(practice, users)
    from bravely.portal.models import ClientAccount, SupportPerson

    logins = [(email, name, str(Role(role).label)) for email, name, role in STAFF]
    for account in ClientAccount.objects.filter(client__practice=practice).select_related("user"):
        logins.append((account.user.email, account.user.full_name, str(_("Client"))))
    for support in SupportPerson.objects.filter(client__practice=practice, user__isnull=False,
                                                revoked_at__isnull=True).select_related("user"):
        logins.append((support.user.email, support.user.full_name, str(_("Support person"))))
    return logins
