"""The pace page: options offered and the client's choice."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from bravely.core.forms import add_service_errors
from bravely.planning.forms.pace import PaceForm
from bravely.planning.selectors.ladder import get_plan
from bravely.planning.selectors.pace import pace_decisions
from bravely.planning.services.pace import record_pace
from bravely.planning.views._common import _actor, _done, _viewed


@login_required
def pace_new(request, pk, plan_pk):
    client, plan = get_plan(request.user, pk, plan_pk, write=True)
    form = PaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_pace(_actor(request), plan, options=form.offered(),
                        chosen=form.cleaned_data["chosen"],
                        reasons=form.cleaned_data["reasons"],
                        decided_on=form.cleaned_data["decided_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Pace decision recorded."))
            return _done(request, "plan_detail", pk=client.pk, plan_pk=plan.pk)
    else:
        _viewed(request, plan, client, page="pace")
    return render(request, "planning/pace_form.html", {
        "client": client, "plan": plan, "form": form,
        "decisions": pace_decisions(plan)})
