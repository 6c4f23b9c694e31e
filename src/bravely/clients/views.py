from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.accounts.selectors import membership_of
from bravely.audit.services import Actor, record
from bravely.clients import selectors, services
from bravely.clients.forms import ArchiveForm, ClientForm, ConsentForm
from bravely.clients.models import Client
from bravely.core.forms import add_service_errors
from bravely.core.pagination import paginate
from bravely.core.params import text_param
from bravely.planning.selectors.path import treatment_path
from bravely.practice.selectors import open_alerts


def _staff(request):
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    return membership


@login_required
def caseload(request):
    _staff(request)
    status = request.GET.get("status", "")
    if status not in Client.Status.values:
        status = ""
    archived = request.GET.get("archived") == "1"
    query = text_param(request.GET, "q", max_length=100)
    clients = selectors.caseload(request.user, status=status, archived=archived, query=query)
    page = paginate(request, clients)
    record(Actor.from_request(request), "view", object_type="caseload",
           practice_id=request.user.membership.practice_id,
           details={"client_ids": [c.pk for c in page], "page": page.number})
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "clients/caseload.html", {
        "page": page, "status": status, "archived": archived, "query": query,
        "statuses": Client.Status.choices,
        "querystring": params.urlencode() + "&" if params else "",
    })


@login_required
def client_detail(request, pk):
    client = selectors.get_client(request.user, pk)
    record(Actor.from_request(request), "view", client)
    return render(request, "clients/client_detail.html", {
        "client": client,
        "care_team": client.care_team.order_by("full_name"),
        "consents": client.consents.select_related("recorded_by"),
        "can_edit": selectors.can_edit(request.user, client),
        "risk_alerts": open_alerts(client),
        "path": treatment_path(client),
    })


@login_required
def client_new(request):
    membership = _staff(request)
    if not services.may_create_clients(request.user, membership.practice):
        raise Http404
    form = ClientForm(request.POST or None, practice=membership.practice,
                      initial={"primary_clinician": request.user})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "care_team"}
        try:
            client = services.create_client(
                Actor.from_request(request), membership.practice, data,
                care_team=form.cleaned_data["care_team"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Client record created."))
            if selectors.visible_clients(request.user).filter(pk=client.pk).exists():
                return redirect("client_detail", pk=client.pk)
            return redirect("caseload")
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@login_required
def client_edit(request, pk):
    client = selectors.get_client(request.user, pk, write=True)
    if request.method == "GET":
        record(Actor.from_request(request), "view", client, object_type="edit_form")
    form = ClientForm(request.POST or None, instance=client, practice=client.practice)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "care_team"}
        fresh = Client.objects.get(pk=client.pk)
        was = fresh.status
        try:
            services.update_client(Actor.from_request(request), fresh, data,
                                   care_team=form.cleaned_data["care_team"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            if was != Client.Status.MAINTENANCE and fresh.status == Client.Status.MAINTENANCE:
                return redirect("maintenance_plan", pk=client.pk)  # write the plan together
            if selectors.visible_clients(request.user).filter(pk=client.pk).exists():
                return redirect("client_detail", pk=client.pk)
            return redirect("caseload")
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@login_required
def client_archive(request, pk):
    client = selectors.get_client(request.user, pk, write=True)
    if request.method == "GET":
        record(Actor.from_request(request), "view", client, object_type="archive_form")
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.archive_client(Actor.from_request(request), client,
                                    form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Client archived. The record is kept and can be restored."))
            return redirect("client_detail", pk=client.pk)
    return render(request, "clients/client_archive.html", {"form": form, "client": client})


@login_required
@require_POST
def client_restore(request, pk):
    client = selectors.get_client(request.user, pk, write=True)
    if client.is_archived:
        services.restore_client(Actor.from_request(request), client)
        messages.success(request, _("Client restored to the caseload."))
    return redirect("client_detail", pk=client.pk)


@login_required
def consent_new(request, pk):
    client = selectors.get_client(request.user, pk, write=True)
    if request.method == "GET":
        record(Actor.from_request(request), "view", client, object_type="consent_form")
    form = ConsentForm(request.POST or None, practice=client.practice)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(
                Actor.from_request(request), client,
                decision=form.cleaned_data["decision"], items=form.cleaned_data["items"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("client_detail", pk=client.pk)
    return render(request, "clients/consent_form.html", {
        "form": form, "client": client, "current": selectors.current_consent(client),
    })
