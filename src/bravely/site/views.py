from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
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


@login_required
def benchmark_floor(request):
    """The framework floor for `scripts/benchmark_floor.py`: the same middleware and sign-in as
    every page (session, user, 2FA gate), then nothing. Routed only with
    BRAVELY_BENCHMARK_FLOOR=1 (bravely/urls.py); it shows no data."""
    return HttpResponse(b"ok", content_type="text/plain")
