from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from bravely.accounts.selectors import membership_of


@login_required
def home(request):
    if membership_of(request.user) is None:
        return render(request, "core/no_access.html", status=200)
    return redirect("caseload")
