"""The client's planning overview: where values, safety, readiness, plans and homework stand."""


from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from bravely.clients.selectors import can_edit, get_client, has_exposure_consent
from bravely.planning.models.homework import HomeworkAssignment
from bravely.planning.selectors.homework import assignments
from bravely.planning.selectors.ladder import plans as plans_of
from bravely.planning.selectors.readiness import open_holds
from bravely.planning.selectors.safety import current_safety
from bravely.planning.selectors.values import assessments, goals
from bravely.planning.views._common import _viewed


@login_required
def planning_overview(request, pk):
    client = get_client(request.user, pk)
    _viewed(request, client, client, page="planning")
    latest = assessments(client).first()
    safety = current_safety(client)
    plans = plans_of(client).annotate(
        rung_count=Count("rungs", distinct=True),
        mastered=Count("rungs", filter=Q(rungs__status="mastered"), distinct=True))
    return render(request, "planning/overview.html", {
        "client": client,
        "can_edit": can_edit(request.user, client),
        "latest": latest,
        "goals": goals(client).filter(status="active"),
        "safety": safety,
        "acknowledged": safety is not None and safety.acknowledgements.exists(),
        "holds": open_holds(client),
        "plans": plans,
        "assignments": assignments(client).filter(
            status=HomeworkAssignment.Status.ACTIVE),
        "consent_in_force": has_exposure_consent(client),
    })
