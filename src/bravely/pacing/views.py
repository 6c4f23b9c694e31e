"""Pacing pages. Thin: scope through selectors, write through services, audit every view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.accounts.selectors import get_admin_membership, membership_of
from bravely.audit.services import Actor, record
from bravely.clients.selectors import can_edit, get_client
from bravely.core.forms import add_service_errors
from bravely.core.pagination import paginate
from bravely.pacing import selectors, services
from bravely.pacing.forms import DecisionForm, PacingSettingsForm
from bravely.pacing.models import PacingSettings, Recommendation
from bravely.pacing.text import (
    applied_text,
    held_back_text,
    reason_text,
    rule_text,
    thresholds,
)
from bravely.planning.models import ExposurePlan


def _actor(request):
    return Actor.from_request(request)


def _prefix(rec) -> str:
    return f"r{rec.pk}"


def _cards(recs, *, editable: bool, data=None, bound=None):
    """What a template needs to show each recommendation: text, evidence, decision form."""
    logs, check_ins = selectors.evidence(recs)
    cards = []
    for rec in recs:
        ev = rec.evidence or {}
        form = None
        if editable and rec.is_open:
            form = bound if bound is not None and bound.rec.pk == rec.pk else DecisionForm(
                rec=rec, prefix=_prefix(rec))
        cards.append({
            "rec": rec, "text": reason_text(rec), "rule": rule_text(ev.get("rule", "")),
            "logs": [logs[i] for i in ev.get("log_ids", []) if i in logs],
            "check_ins": [check_ins[i] for i in ev.get("check_in_ids", []) if i in check_ins],
            "thresholds": thresholds(rec), "applied": applied_text(rec), "form": form,
            "held_back": held_back_text(rec),
        })
    return cards


@login_required
def client_recommendations(request, pk):
    client = get_client(request.user, pk)
    editable = can_edit(request.user, client)
    status = request.GET.get("status", "")
    if status not in Recommendation.Status.values or status == Recommendation.Status.OPEN:
        status = ""
    open_recs = list(selectors.open_recommendations(client))
    page = paginate(request, selectors.decided_recommendations(client, status))
    record(_actor(request), "view", client, object_type="recommendations", details={
        "open": [r.pk for r in open_recs], "decided": [r.pk for r in page]})
    cards = {card["rec"].pk: card for card in _cards(open_recs, editable=editable)}
    groups = [{"card": cards[head.pk], "alternatives": [cards[r.pk] for r in rest]}
              for head, rest in selectors.grouped(open_recs)]
    return render(request, "pacing/client_recommendations.html", {
        "client": client, "can_edit": editable,
        "open_groups": groups,
        "refresh_failure": selectors.refresh_failure(client),
        "decided_cards": _cards(list(page), editable=False), "page": page,
        "status": status,
        "plans": client.exposure_plans.filter(status=ExposurePlan.Status.ACTIVE).order_by("id"),
        "statuses": [c for c in Recommendation.Status.choices if c[0] != "open"],
        "querystring": f"status={status}&" if status else "",
    })


@login_required
def recommendation_decide(request, pk, rec_pk):
    client, rec = selectors.get_recommendation(request.user, pk, rec_pk, write=True)
    if request.method == "POST" and not rec.is_open:
        messages.error(request, _("This recommendation was already decided or is no longer "
                                  "suggested; nothing was changed."))
        return redirect("client_recommendations", pk=client.pk)
    form = DecisionForm(request.POST or None, rec=rec, prefix=_prefix(rec))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                options = {"behaviour": data.get("behaviour", "")}
                services.accept(_actor(request), rec, data["note"],
                                apply=data.get("apply", False), options=options)
                messages.success(request, _("Recommendation accepted; your decision is kept."))
            else:
                services.dismiss(_actor(request), rec, data["note"])
                messages.success(request, _("Recommendation dismissed; your note is kept."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("client_recommendations", pk=client.pk)
    record(_actor(request), "view", rec, client=client)
    return render(request, "pacing/decide.html", {
        "client": client, "card": _cards([rec], editable=True, bound=form)[0], "form": form,
    })


@login_required
@require_POST
def recommendations_refresh(request, pk):
    client = get_client(request.user, pk, write=True)
    outcome = services.refresh(client)
    record(_actor(request), "update", client, object_type="recommendations",
           details={"refresh": True, "ok": outcome.ok})
    if outcome.ok:
        messages.success(request, _("Recommendations brought up to date."))
    else:
        messages.error(request, _("The recommendations could not be brought up to date just "
                                  "now; they are marked as possibly out of date and the next "
                                  "scheduled refresh tries again."))
    return redirect("client_recommendations", pk=client.pk)


@login_required
def needs_attention(request):
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    everyone = request.GET.get("all") == "1"
    page = paginate(request, selectors.needs_attention(request.user, everyone=everyone))
    alerts = list(selectors.open_risk_alerts(request.user))
    record(_actor(request), "view", object_type="needs_attention",
           practice_id=membership.practice_id,
           details={"client_ids": [c.pk for c in page], "page": page.number,
                    "risk_alerts": [a.pk for a in alerts]})
    return render(request, "pacing/needs_attention.html", {
        "page": page, "alerts": alerts, "everyone": everyone, "days": selectors.ATTENTION_DAYS,
        "querystring": "all=1&" if everyone else "",
    })


def _settings_page(request, form, *, title, intro, cancel, client=None, admin=False,
                   own=False):
    return render(request, "pacing/settings.html", {
        "form": form, "title": title, "intro": intro, "cancel": cancel, "client": client,
        "admin": admin, "own": own})


@login_required
def pacing_settings(request):
    membership = get_admin_membership(request.user)
    practice = membership.practice
    form = PacingSettingsForm(request.POST or None,
                              instance=services.practice_settings(practice))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(_actor(request), practice, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Pacing settings saved. They apply from the next "
                                        "refresh of each client's recommendations."))
            return redirect("pacing_settings")
    return _settings_page(
        request, form, title=_("Pacing settings"), admin=True, cancel=reverse("practice_settings"),
        intro=_("The thresholds the pacing engine uses for every plan of the practice, unless "
                "a plan has its own. The defaults come from the sources named under each one."))


@login_required
def plan_pacing_settings(request, pk, plan_pk):
    client = get_client(request.user, pk, write=True)
    plan = get_object_or_404(ExposurePlan.objects.filter(client=client), pk=plan_pk)
    if request.method == "POST" and "follow_practice" in request.POST:
        services.follow_practice_settings(_actor(request), plan)
        messages.success(request, _("This plan uses the practice's pacing thresholds again; "
                                    "its recommendations are brought up to date."))
        return redirect("client_recommendations", pk=client.pk)
    own = services.plan_settings(plan)
    instance = own or PacingSettings(
        practice=client.practice, plan=plan,
        **{f: getattr(services.practice_settings(client.practice), f)
           for f in PacingSettingsForm.Meta.fields})
    form = PacingSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(_actor(request), client.practice, form.cleaned_data,
                                   plan=plan)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("This plan's pacing thresholds are saved and its "
                                        "recommendations brought up to date."))
            return redirect("client_recommendations", pk=client.pk)
    record(_actor(request), "view", instance if own else plan, client=client,
           object_type="pacingsettings")
    return _settings_page(
        request, form, client=client, cancel=reverse("client_recommendations", args=[client.pk]),
        own=own is not None,
        title=_("Pacing thresholds for “%(plan)s”") % {"plan": plan.title},
        intro=(_("This plan has its own thresholds.") if own else
               _("This plan uses the practice's thresholds; saving here gives it its own.")))
