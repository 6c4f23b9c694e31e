"""What the planning area routers share: the router class, the actor, audited reads."""

import ninja

from bravely.audit.services import Actor, record


class Router(ninja.Router):
    """A router whose operations keep the ids they had while the planning API was one module
    (`bravely_api_planning_<view>`), so clients generated from the schema keep their names."""

    def add_api_operation(self, path, methods, view_func, *, operation_id=None, **options):
        operation_id = operation_id or f"bravely_api_planning_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, operation_id=operation_id,
                                  **options)


def actor(request) -> Actor:
    return Actor.from_request(request, via="api")


def viewed(request, obj, client, **details):
    """Audit a read: what was shown, for which client."""
    record(actor(request), "view", obj, client=client, details=details or None)
