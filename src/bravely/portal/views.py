from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.audit.services import Actor, record
from bravely.clients.selectors import get_client
from bravely.core.forms import add_service_errors
from bravely.core.http import client_ip
from bravely.maintenance import selectors as maintenance_selectors
from bravely.portal import selectors, services
from bravely.portal.forms import InviteClientForm, JoinForm, SupportPersonForm
from bravely.portal.services import join_link
from bravely.practice import selectors as practice_selectors
from bravely.practice import services as practice_services
from bravely.practice.forms import ClientCheckInForm


@login_required
def portal_access(request, pk):
    """The clinician's page for a client's portal access and support persons."""
    client = get_client(request.user, pk, write=True)
    account = getattr(client, "account", None)
    invite_form = InviteClientForm(request.POST if "invite" in request.POST else None)
    check_in_form = ClientCheckInForm(
        request.POST if "check_in" in request.POST else None,
        initial={"every_days": getattr(account, "check_in_every_days", None)})
    if account is not None and check_in_form.is_bound and check_in_form.is_valid():
        practice_services.set_client_check_in_frequency(
            Actor.from_request(request), account, check_in_form.cleaned_data["every_days"])
        messages.success(request, _("Check-in frequency saved."))
        return redirect("portal_access", pk=client.pk)
    if invite_form.is_bound and invite_form.is_valid():
        try:
            _invitation, raw = services.invite_client(Actor.from_request(request), client,
                                                      invite_form.cleaned_data["email"])
        except ValidationError as error:
            add_service_errors(invite_form, error)
        else:
            messages.success(request, _("Invitation sent. The link works once."))
            # Shown once on the next page, for clinics that hand it over in person; only its
            # hash is stored with the invitation, the session keeps it until that page is shown.
            request.session[_link_key(client)] = join_link(raw)
            return redirect("portal_access", pk=client.pk)
    invitation_link = request.session.pop(_link_key(client), None)
    record(Actor.from_request(request), "view", client, object_type="portal_access")
    return render(request, "portal/access.html", {
        "client": client, "invite_form": invite_form, "check_in_form": check_in_form,
        "account": account,
        "invitation": selectors.open_invitation(client),
        "invitation_link": invitation_link,
        "supports": selectors.supports_of(client),
    })


def _link_key(client):
    return f"portal-invitation-link-{client.pk}"



@login_required
def support_new(request, pk):
    client = get_client(request.user, pk, write=True)
    if request.method == "GET":
        record(Actor.from_request(request), "view", client, object_type="support_form")
    form = SupportPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "client_consents"}
        try:
            services.add_support_person(Actor.from_request(request), client, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Support person added and invited."))
            return redirect("portal_access", pk=client.pk)
    return render(request, "portal/support_form.html", {"client": client, "form": form})


@login_required
@require_POST
def support_revoke(request, pk, support_pk):
    client = get_client(request.user, pk, write=True)
    support = get_object_or_404(client.supports, pk=support_pk)
    services.revoke_support(Actor.from_request(request), support)
    messages.success(request, _("Sharing with %(name)s stopped.") % {"name": support.name})
    return redirect("portal_access", pk=client.pk)


def join(request, token):
    invitation = services.find_invitation(token)
    usable = invitation is not None and invitation.is_usable
    form = JoinForm(request.POST or None)
    if request.method == "POST" and usable and form.is_valid():
        try:
            user = services.accept_invitation(token, form.cleaned_data["password1"],
                                              ip_address=client_ip(request))
        except ValidationError as error:
            form.add_error("password1", error.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "portal/join.html", {"form": form,
                                                "invitation": invitation if usable else None},
                  status=200 if usable else 410)


@login_required
def support_home(request):
    supports = list(selectors.active_supports(request.user))
    if not supports:
        raise Http404
    for support in supports:
        record(Actor.from_request(request, via="portal"), "view", support.client,
               object_type="support_home")
    if len(supports) == 1:
        return redirect("support_summary", support_pk=supports[0].pk)
    return render(request, "portal/support_home.html", {"supports": supports})


@login_required
def support_summary(request, support_pk):
    """The read-only summary a client chose to share with this support person."""
    support = get_object_or_404(selectors.active_supports(request.user), pk=support_pk)
    client = support.client
    record(Actor.from_request(request, via="portal"), "view", client,
           object_type="support_summary", details={"shares": support.shares})
    context = {"support": support, "client": client}
    if "ladder" in support.shares:
        context["plans"] = practice_selectors.active_plans(client)
    if "values" in support.shares:
        context["statements"] = client.value_statements.filter(
            archived_at__isnull=True).order_by("rank", "id")
    if "progress" in support.shares:
        context["weeks"] = practice_selectors.practice_per_week(client)
    context.update(maintenance_selectors.support_context(support))  # guidance, relapse plan
    return render(request, "portal/support_summary.html", context)
