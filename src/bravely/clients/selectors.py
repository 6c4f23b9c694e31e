"""Who may see which client: the one place where client data is scoped.

- a clinician (or admin) sees the clients whose care team they are on, and may change them;
- a supervisor also sees their supervisees' clients, read-only;
- nobody sees another practice's clients. Anything outside the scope is a 404.
"""

from django.shortcuts import get_object_or_404

from bravely.accounts.models import Membership, Role
from bravely.accounts.selectors import membership_of
from bravely.clients.models import Client, ConsentRecord

CareTeam = Client.care_team.through


def visible_clients(user):
    membership = membership_of(user)
    if membership is None:
        return Client.objects.none()
    ids = CareTeam.objects.filter(user=user).values("client_id")
    if membership.role == Role.SUPERVISOR:
        # UNION, not OR: each half is an index lookup on the care team's user (an OR across
        # the join made the database scan the whole care-team table)
        supervisees = Membership.objects.filter(supervisor=membership).values("user_id")
        ids = ids.union(CareTeam.objects.filter(user_id__in=supervisees).values("client_id"))
    return Client.objects.filter(practice_id=membership.practice_id, id__in=ids)


def editable_clients(user):
    membership = membership_of(user)
    if membership is None:
        return Client.objects.none()
    ids = CareTeam.objects.filter(user=user).values("client_id")
    return Client.objects.filter(practice_id=membership.practice_id, id__in=ids)


def get_client(user, pk, *, write: bool = False) -> Client:
    """The client with this id if the user may see it (or change it, with write=True); else 404."""
    clients = editable_clients(user) if write else visible_clients(user)
    return get_object_or_404(clients.select_related("primary_clinician", "practice"), pk=pk)


def can_edit(user, client) -> bool:
    return CareTeam.objects.filter(user=user, client_id=client.pk).exists()


def caseload(user, *, status: str = "", archived: bool = False, query: str = ""):
    clients = visible_clients(user).select_related("primary_clinician")
    clients = clients.filter(archived_at__isnull=not archived)
    if status:
        clients = clients.filter(status=status)
    if query:
        clients = clients.filter(display_name__icontains=query)
    return clients.order_by("display_name", "id")


def current_consent(client):
    return client.consents.select_related("recorded_by").order_by("-version").first()


def has_exposure_consent(client) -> bool:
    """Consent to exposure treatment is in force: the client's latest exposure consent is given."""
    latest = (client.consents.filter(kind=ConsentRecord.Kind.EXPOSURE).order_by("-version")
              .values_list("decision", flat=True).first())
    return latest == ConsentRecord.Decision.GIVEN
