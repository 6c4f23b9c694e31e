from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from bravely.accounts.selectors import get_admin_membership
from bravely.audit.models import AuditEvent
from bravely.audit.selectors import audit_events_for
from bravely.core.pagination import paginate
from bravely.core.params import choice_param, id_param, text_param


@login_required
def audit_log(request):
    get_admin_membership(request.user)
    action = choice_param(request.GET, "action", AuditEvent.Action.values)
    client = id_param(request.GET, "client")
    actor = text_param(request.GET, "actor", max_length=100)
    page = paginate(request, audit_events_for(request.user, action=action, client_id=client,
                                              actor=actor), per_page=50)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "audit/log.html", {
        "page": page, "action": action, "client": client, "actor": actor,
        "actions": AuditEvent.Action.choices,
        "querystring": params.urlencode() + "&" if params else "",
    })
