"""Pages for safety parameters: the versions in force and before, a new version, acknowledging."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.clients.selectors import can_edit, get_client
from bravely.core.forms import add_service_errors
from bravely.planning.forms.safety import (
    AcknowledgeSafetyForm,
    CopingSkillFormSet,
    SafetyForm,
    SupportContactFormSet,
)
from bravely.planning.selectors.config import crisis_resources_for
from bravely.planning.selectors.readiness import open_holds, readiness_screens, screen_flags
from bravely.planning.selectors.safety import (
    coping_gap,
    current_safety,
    get_safety_version,
    safety_versions,
)
from bravely.planning.services.safety import acknowledge_safety, create_safety_version
from bravely.planning.views._common import _actor, _done, _next_url, _viewed


@login_required
def safety_detail(request, pk):
    client = get_client(request.user, pk)
    versions = list(safety_versions(client))
    current = versions[0] if versions else None
    _viewed(request, current or client, client, page="safety")
    screens = list(readiness_screens(client))
    return render(request, "planning/safety_detail.html", {
        "client": client, "can_edit": can_edit(request.user, client),
        "current": current, "versions": versions,
        "screens": [(s, screen_flags(s)) for s in screens],
        "holds": open_holds(client),
        "resources": crisis_resources_for(client),
        "ack_form": AcknowledgeSafetyForm(),
        "next": _next_url(request),
        "coping_gap": coping_gap(current),
    })


@login_required
def safety_edit(request, pk):
    client = get_client(request.user, pk, write=True)
    current = current_safety(client)
    initial, skills, contacts = {}, [], []
    if current is not None:
        initial = {
            "distress_ceiling": current.distress_ceiling, "coping_level": current.coping_level,
            "exit_strategies": "\n".join(current.exit_strategies),
            "escalation_plan": current.escalation_plan, "setback_plan": current.setback_plan,
        }
        if current.distress_scale != client.distress_scale:
            initial.pop("distress_ceiling")
            initial.pop("coping_level")
        skills, contacts = current.coping_skills, current.support_contacts
    initial["based_on"] = current.version if current else 0
    data = request.POST or None
    form = SafetyForm(data, client=client, initial=initial)
    skill_set = CopingSkillFormSet(data, prefix="skill", initial=skills)
    contact_set = SupportContactFormSet(data, prefix="contact", initial=contacts)
    if request.method == "POST" and all([form.is_valid(), skill_set.is_valid(),
                                         contact_set.is_valid()]):
        try:
            saved = create_safety_version(_actor(request), client, {
                **{k: form.cleaned_data[k] for k in (
                    "distress_ceiling", "coping_level", "escalation_plan", "setback_plan",
                    "change_note", "based_on")},
                "exit_strategies": form.cleaned_data["exit_list"],
                "coping_skills": [f.cleaned_data for f in skill_set.forms if f.cleaned_data],
                "support_contacts": [f.cleaned_data for f in contact_set.forms
                                     if f.cleaned_data],
            })
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Safety parameters saved as a new version. Ask the "
                                        "client to acknowledge it."))
            if coping_gap(saved):
                messages.warning(request, coping_gap(saved))
            return _done(request, "safety_detail", pk=client.pk)
    if request.method != "POST":
        _viewed(request, current or client, client, page="safety_edit")
    return render(request, "planning/safety_form.html", {
        "client": client, "form": form, "skill_set": skill_set, "contact_set": contact_set,
        "current": current, "resources": crisis_resources_for(client),
        "coping_gap": coping_gap(current),
    })


@login_required
@require_POST
def safety_acknowledge(request, pk, version_pk):
    client, parameters = get_safety_version(request.user, pk, version_pk, write=True)
    form = AcknowledgeSafetyForm(request.POST)
    if form.is_valid():
        try:
            acknowledge_safety(_actor(request), parameters,
                               method=form.cleaned_data["method"],
                               note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Acknowledgement recorded."))
    else:
        messages.error(request, _("Choose how the client acknowledged the parameters."))
    return _done(request, "safety_detail", pk=client.pk)
