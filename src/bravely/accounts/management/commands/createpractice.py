from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from bravely.accounts.models import Practice, Role, User
from bravely.accounts.services import invite
from bravely.audit.services import Actor
from bravely.clients.services import seed_consent_items


class Command(BaseCommand):
    help = "Create a practice and print a single-use invitation link for its first admin."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("admin_email")
        parser.add_argument("--region", default="US", help="Default region for crisis resources")

    @transaction.atomic
    def handle(self, *args, name, admin_email, region, **options):
        try:
            validate_email(admin_email)
        except ValidationError as error:
            raise CommandError(f"admin_email: {error.messages[0]}") from error
        if User.objects.filter(email__iexact=admin_email).exists():
            raise CommandError(f"admin_email: {admin_email} already has an account.")
        practice = Practice.objects.create(name=name[:150], default_region=region.upper())
        seed_consent_items(practice)
        system = Actor(User(email="bravely-cli"), via="cli")
        _invitation, raw = invite(system, practice, admin_email, Role.ADMIN)
        link = settings.SITE_ROOT.rstrip("/") + reverse("invitation_accept", args=[raw])
        self.stdout.write(f"Created practice {practice.name} (id {practice.pk}).")
        self.stdout.write(f"Invitation for {admin_email} (also e-mailed): {link}")
