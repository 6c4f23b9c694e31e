"""The scoping every planning getter goes through: `clients.selectors.get_client`."""

from django.shortcuts import get_object_or_404

from bravely.clients.selectors import get_client


def _scoped(user, client_pk, queryset, pk, *, write=False, client_field="client"):
    client = get_client(user, client_pk, write=write)
    obj = get_object_or_404(queryset.filter(**{client_field: client}), pk=pk)
    return client, obj
