"""Planning with the client: values, safety parameters, readiness, plans and rungs, pace,
homework and rationales, and the practice's planning configuration. The same selectors (scoping,
404 outside scope) and services (validation, history, audit) as the pages; service
ValidationErrors become 422 with the field in `loc`.

One router per area; `router` mounts them all (in this order, which is the schema's) and is
what `bravely.api` adds to the API.
"""

from bravely.api.planning import config, homework, ladder, pace, readiness, safety, values
from bravely.api.planning.common import Router

router = Router()
for area in (values, safety, readiness, ladder, pace, homework, config):
    router.add_router("", area.router)

__all__ = ["router"]
