"""Pages for the readiness screen and clearing its holds."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from bravely.clients.selectors import get_client
from bravely.core.forms import add_service_errors
from bravely.planning.forms.readiness import ClearanceForm, ReadinessForm
from bravely.planning.selectors.readiness import get_hold
from bravely.planning.services.readiness import clear_hold, record_readiness
from bravely.planning.views._common import _actor, _done, _viewed


@login_required
def readiness_new(request, pk):
    client = get_client(request.user, pk, write=True)
    form = ReadinessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            screen = record_readiness(_actor(request), client, form.answers(),
                                      note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if screen.holds.exists():
                messages.warning(request, _("Readiness screen saved. Exposure is on hold until "
                                            "a clinician records a clearance."))
            else:
                messages.success(request, _("Readiness screen saved."))
            return _done(request, "safety_detail", pk=client.pk)
    if request.method != "POST":
        _viewed(request, client, client, page="readiness_new")
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("Readiness screen"),
        "intro": _("Before exposure starts. A yes is a flag, not an exclusion: it puts exposure "
                   "on hold until a clinician records a clearance with a rationale."),
        "cancel": reverse("safety_detail", args=[client.pk]),
    })


@login_required
def hold_clear(request, pk, hold_pk):
    client, hold = get_hold(request.user, pk, hold_pk, write=True)
    form = ClearanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clear_hold(_actor(request), hold, form.cleaned_data["rationale"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Clearance recorded."))
            return _done(request, "safety_detail", pk=client.pk)
    else:
        _viewed(request, hold, client)
    return render(request, "planning/hold_clear.html", {
        "client": client, "form": form, "hold": hold})
