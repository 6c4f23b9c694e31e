from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from bravely.accounts.selectors import get_admin_membership
from bravely.audit.models import AuditEvent
from bravely.audit.selectors import audit_events_for
from bravely.core.pagination import paginate


@login_required
def audit_log(request):
    get_admin_membership(request.user)
    action = request.GET.get("action", "")
    if action not in AuditEvent.Action.values:
        action = ""
    client = request.GET.get("client", "").strip()[:20]
    actor = request.GET.get("actor", "").replace("\x00", "").strip()[:100]  # no NUL in PostgreSQL
    page = paginate(request, audit_events_for(request.user, action=action, client_id=client,
                                              actor=actor), per_page=50)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "audit/log.html", {
        "page": page, "action": action, "client": client, "actor": actor,
        "actions": AuditEvent.Action.choices,
        "querystring": params.urlencode() + "&" if params else "",
    })
