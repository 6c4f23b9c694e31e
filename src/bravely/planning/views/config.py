"""Practice administration pages: value domains, crisis resources, planning settings."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bravely.accounts.selectors import get_admin_membership
from bravely.core.forms import add_service_errors
from bravely.planning.forms.config import CrisisResourceForm, PlanningSettingsForm, ValueDomainForm
from bravely.planning.models.config import CrisisResource, ValueDomain
from bravely.planning.selectors.config import crisis_resources as resources_of
from bravely.planning.selectors.config import domains
from bravely.planning.selectors.config import planning_settings as settings_of
from bravely.planning.services.config import (
    save_crisis_resource,
    save_value_domain,
    seed_value_domains,
    update_planning_settings,
)
from bravely.planning.views._common import _actor


@login_required
def value_domains(request):
    membership = get_admin_membership(request.user)
    seed_value_domains(membership.practice)
    form = ValueDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_value_domain(_actor(request), membership.practice, None,
                              form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Life domain added."))
            return redirect("value_domains")
    return render(request, "planning/admin_list.html", {
        "form": form, "kind": "domains",
        "items": domains(membership.practice, active_only=False)})


@login_required
def value_domain_edit(request, pk):
    membership = get_admin_membership(request.user)
    domain = get_object_or_404(ValueDomain, pk=pk, practice_id=membership.practice_id)
    form = ValueDomainForm(request.POST or None, instance=domain)
    if request.method == "POST" and form.is_valid():
        try:
            save_value_domain(_actor(request), membership.practice,
                              ValueDomain.objects.get(pk=domain.pk), form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Life domain saved. Past assessments keep the name "
                                        "they were rated under."))
            return redirect("value_domains")
    return render(request, "planning/form.html", {
        "form": form, "title": _("Edit life domain"), "admin": True,
        "cancel": reverse("value_domains")})


@login_required
def crisis_resources(request):
    membership = get_admin_membership(request.user)
    form = CrisisResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_crisis_resource(_actor(request), membership.practice, None,
                                 form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Crisis resource added."))
            return redirect("crisis_resources")
    return render(request, "planning/admin_list.html", {
        "form": form, "kind": "crisis",
        "items": resources_of(membership.practice)})


@login_required
def crisis_resource_edit(request, pk):
    membership = get_admin_membership(request.user)
    resource = get_object_or_404(CrisisResource, pk=pk, practice_id=membership.practice_id)
    form = CrisisResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            save_crisis_resource(_actor(request), membership.practice,
                                 CrisisResource.objects.get(pk=resource.pk),
                                 form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Crisis resource saved. Safety parameters saved before "
                                        "keep the entry as it was then."))
            return redirect("crisis_resources")
    return render(request, "planning/form.html", {
        "form": form, "title": _("Edit crisis resource"), "admin": True,
        "cancel": reverse("crisis_resources")})


@login_required
def planning_settings(request):
    membership = get_admin_membership(request.user)
    instance = settings_of(membership.practice)
    form = PlanningSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            update_planning_settings(_actor(request), membership.practice,
                                     form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Planning settings saved."))
            return redirect("planning_settings")
    return render(request, "planning/form.html", {
        "form": form, "title": _("Planning settings"), "admin": True,
        "intro": _("Values scoring and ladder checks are debated or rest on low-quality sources; "
                   "adjust them to your practice. New assessments use the formula in force; "
                   "earlier ones keep theirs."),
        "cancel": reverse("practice_settings")})
