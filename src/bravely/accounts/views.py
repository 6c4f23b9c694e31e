from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.accounts import selectors, services
from bravely.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    ConsentItemForm,
    InviteForm,
    MembershipForm,
    PracticeForm,
    StaffLanguageForm,
)
from bravely.accounts.models import Invitation
from bravely.accounts.selectors import get_admin_membership, membership_of
from bravely.audit.services import Actor, record
from bravely.clients.models import ConsentItem
from bravely.core.forms import add_service_errors
from bravely.core.http import client_ip
from bravely.core.language import remember as remember_language


@login_required
def practice_members(request):
    membership = get_admin_membership(request.user)
    members = selectors.practice_members(request.user).order_by("role", "user__full_name")
    invitations = Invitation.objects.filter(
        practice_id=membership.practice_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
    return render(request, "accounts/members.html", {
        "members": members, "invitations": invitations, "practice": membership.practice,
    })


@login_required
def member_edit(request, pk):
    get_admin_membership(request.user)
    member = get_object_or_404(selectors.practice_members(request.user), pk=pk)
    form = MembershipForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_membership(
                Actor.from_request(request), member, role=form.cleaned_data["role"],
                supervisor=form.cleaned_data["supervisor"],
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Membership updated."))
            return redirect("practice_members")
    return render(request, "accounts/member_form.html", {"form": form, "member": member})


@login_required
def invite(request):
    membership = get_admin_membership(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _raw = services.invite(
                Actor.from_request(request), membership.practice,
                form.cleaned_data["email"], form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {
                "email": invitation.email})
            return redirect("practice_members")
    return render(request, "accounts/invite.html", {"form": form})


@login_required
@require_POST
def invitation_revoke(request, pk):
    membership = get_admin_membership(request.user)
    invitation = get_object_or_404(Invitation, pk=pk, practice_id=membership.practice_id)
    services.revoke_invitation(Actor.from_request(request), invitation)
    messages.success(request, _("Invitation revoked."))
    return redirect("practice_members")


def invitation_accept(request, token):
    invitation = services.find_invitation(token)
    usable = invitation is not None and invitation.is_usable
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and usable and form.is_valid():
        try:
            user = services.accept_invitation(
                token, form.cleaned_data["full_name"], form.cleaned_data["password1"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error("password1" if "password" in " ".join(error.messages).lower()
                           else None, error.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Bravely."))
            return redirect("home")
    status = 200 if usable else 410
    return render(request, "accounts/invitation_accept.html",
                  {"form": form, "invitation": invitation if usable else None}, status=status)


@login_required
def practice_settings(request):
    membership = get_admin_membership(request.user)
    form = PracticeForm(request.POST or None, instance=membership.practice)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_practice(Actor.from_request(request), membership.practice,
                                     {f: form.cleaned_data[f] for f in form.changed_data})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Practice settings saved."))
            return redirect("practice_settings")
    return render(request, "accounts/practice_settings.html", {"form": form})


@login_required
def consent_items(request):
    membership = get_admin_membership(request.user)
    items = ConsentItem.objects.filter(practice_id=membership.practice_id)
    form = ConsentItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            item = form.save(commit=False)
            item.practice_id = membership.practice_id
            item.save()
            record(Actor.from_request(request), "create", item, practice_id=item.practice_id)
        messages.success(request, _("Checklist item added."))
        return redirect("consent_items")
    return render(request, "accounts/consent_items.html", {"items": items, "form": form})


@login_required
def consent_item_edit(request, pk):
    membership = get_admin_membership(request.user)
    item = get_object_or_404(ConsentItem, pk=pk, practice_id=membership.practice_id)
    form = ConsentItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(Actor.from_request(request), "update", item, practice_id=item.practice_id,
                   details={"fields": form.changed_data})
        messages.success(request, _("Checklist item saved."))
        return redirect("consent_items")
    return render(request, "accounts/consent_item_form.html", {"form": form, "item": item})


@login_required
def my_settings(request):
    """A staff member's own settings: the language of their pages."""
    if membership_of(request.user) is None:
        raise Http404
    form = StaffLanguageForm(request.POST or None,
                             initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_language(Actor.from_request(request), form.cleaned_data["language"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            language = form.cleaned_data["language"]
            remember_language(request, language)
            if language:
                translation.activate(language)
            messages.success(request, _("Settings saved."))
            response = redirect("my_settings")
            if language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                                    max_age=365 * 24 * 3600, samesite="Lax",
                                    secure=settings.SESSION_COOKIE_SECURE)
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
    return render(request, "accounts/my_settings.html", {"form": form})


@login_required
def api_tokens(request):
    if membership_of(request.user) is None:
        raise Http404
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = services.create_api_token(Actor.from_request(request),
                                                    form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
    tokens = request.user.api_tokens.all()
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens,
                                                        "raw": raw})


@login_required
@require_POST
def api_token_revoke(request, pk):
    if membership_of(request.user) is None:
        raise Http404
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    services.revoke_api_token(Actor.from_request(request), token)
    messages.success(request, _("Token revoked. Programs using it can no longer sign in."))
    return redirect("api_tokens")
