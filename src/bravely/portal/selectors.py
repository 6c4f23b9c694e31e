"""Scoping for people outside the practice's staff: clients and their support persons."""

from django.http import Http404

from bravely.portal.models import ClientAccount, SupportPerson


def client_account_of(user) -> ClientAccount | None:
    if not getattr(user, "is_authenticated", False):
        return None
    account = getattr(user, "client_account", None)
    if account is None or not account.is_active:
        return None
    return account


def own_client(user):
    """The signed-in client's own record; 404 for anyone else or an archived record."""
    account = client_account_of(user)
    if account is None:
        raise Http404
    client = account.client
    if client.is_archived:
        raise Http404
    return client


def active_supports(user):
    """The support relationships this user may read (consented, not revoked)."""
    if not getattr(user, "is_authenticated", False):
        return SupportPerson.objects.none()
    return SupportPerson.objects.filter(
        user=user, revoked_at__isnull=True, client__archived_at__isnull=True
    ).select_related("client")


def supports_of(client):
    return client.supports.select_related("user").order_by("revoked_at", "name")


def open_invitation(client):
    return client.invitations.filter(
        kind="client", accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
