from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from bravely.accounts.selectors import membership_of
from bravely.portal.selectors import active_supports, client_account_of


@login_required
def home(request):
    if membership_of(request.user) is not None:
        return redirect("caseload")
    if client_account_of(request.user) is not None:
        return redirect("portal_today")
    if active_supports(request.user).exists():
        return redirect("support_home")
    return render(request, "site/no_access.html", status=200)
