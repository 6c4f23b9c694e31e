"""The client's planning overview: the treatment path (the same as on the client record), with
links to the plans and the homework in force."""


from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from bravely.clients.selectors import can_edit, get_client
from bravely.planning.models.homework import HomeworkAssignment
from bravely.planning.selectors.homework import assignments
from bravely.planning.selectors.ladder import plans as plans_of
from bravely.planning.selectors.path import treatment_path
from bravely.planning.views._common import _viewed


@login_required
def planning_overview(request, pk):
    client = get_client(request.user, pk)
    _viewed(request, client, client, page="planning")
    return render(request, "planning/overview.html", {
        "client": client,
        "can_edit": can_edit(request.user, client),
        "path": treatment_path(client),
        "plans": plans_of(client),
        "assignments": assignments(client).filter(status=HomeworkAssignment.Status.ACTIVE),
    })
