"""Pages for exposure plans and their ladders: plans, rungs and their order, ladder warnings,
declined rungs."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.clients.selectors import can_edit, get_client
from bravely.core.forms import add_service_errors
from bravely.core.params import choice_param, id_param
from bravely.planning.forms.ladder import (
    DeclineForm,
    PlanForm,
    ResolveDeclineForm,
    RungForm,
    WarningAckForm,
)
from bravely.planning.models.ladder import ExposurePlan
from bravely.planning.selectors.config import planning_settings
from bravely.planning.selectors.history import history_of
from bravely.planning.selectors.history import plan_history as changes_of
from bravely.planning.selectors.ladder import (
    get_decline,
    get_plan,
    get_rung,
    ladder_rungs,
    ladder_warnings,
)
from bravely.planning.selectors.pace import current_pace
from bravely.planning.selectors.readiness import open_holds
from bravely.planning.selectors.safety import current_safety, scale_of
from bravely.planning.services.ladder import (
    PLAN_FIELDS,
    acknowledge_warning,
    add_rung,
    create_plan,
    decline_rung,
    move_rung,
    resolve_decline,
    update_plan,
    update_rung,
)
from bravely.planning.views._common import _actor, _done, _viewed


@login_required
def plan_new(request, pk):
    client = get_client(request.user, pk, write=True)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = create_plan(_actor(request), client, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan created. Add its rungs next."))
            return _done(request, "plan_detail", pk=client.pk, plan_pk=plan.pk)
    if request.method != "POST":
        _viewed(request, client, client, page="plan_new")
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("New exposure plan"),
        "intro": _("One plan per target problem."),
        "cancel": reverse("planning_overview", args=[client.pk]),
    })


@login_required
def plan_edit(request, pk, plan_pk):
    client, plan = get_plan(request.user, pk, plan_pk, write=True)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in PLAN_FIELDS}
        fresh = ExposurePlan.objects.get(pk=plan.pk)
        try:
            update_plan(_actor(request), fresh, data,
                        version=form.cleaned_data.get("version"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return _done(request, "plan_detail", pk=client.pk, plan_pk=plan.pk)
    if request.method != "POST":
        _viewed(request, plan, client, page="edit")
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("Edit plan"),
        "cancel": reverse("plan_detail", args=[client.pk, plan.pk]),
    })


def _ladder_context(request, client, plan, *, error=None):
    plan.client = client
    rungs = ladder_rungs(plan)
    safety = current_safety(client)
    settings = planning_settings(client.practice)
    warnings = ladder_warnings(plan, rungs, safety, settings, safety_known=True)
    by_rung = {}
    for warning, ack in warnings:
        by_rung.setdefault(warning.rung_key, []).append((warning, ack))
    rows = [(r, by_rung.get(str(r.pk), []), next(iter(r.assignments.all()), None))
            for r in rungs]
    declines = [d for r in rungs for d in r.declines.all() if d.is_open]
    return {
        "client": client, "plan": plan, "rows": rows, "safety": safety,
        "ladder_warnings": by_rung.get(None, []),
        "open_warnings": sum(1 for _w, ack in warnings if ack is None),
        "can_edit": can_edit(request.user, client), "declines": declines,
        "scale": scale_of(client), "ladder_error": error,
        "pace": current_pace(plan), "holds": open_holds(client),
        "settings": settings,
    }


@login_required
def plan_detail(request, pk, plan_pk):
    client, plan = get_plan(request.user, pk, plan_pk)
    context = _ladder_context(request, client, plan)
    _viewed(request, plan, client, rungs=len(context["rows"]))
    return render(request, "planning/plan_detail.html", context)


@login_required
def plan_history(request, pk, plan_pk):
    client, plan = get_plan(request.user, pk, plan_pk)
    _viewed(request, plan, client, page="history")
    from bravely.core.pagination import paginate

    page = paginate(request, changes_of(plan))
    return render(request, "planning/plan_history.html", {
        "client": client, "plan": plan, "page": page, "querystring": ""})


@login_required
def rung_new(request, pk, plan_pk):
    client, plan = get_plan(request.user, pk, plan_pk, write=True)
    decline = None
    decline_id = id_param(request.POST, "decline") or id_param(request.GET, "decline")
    if decline_id is not None:
        _c, decline = get_decline(request.user, pk, decline_id, write=True)
    form = RungForm(request.POST or None, client=client,
                    initial={"revision": plan.ladder_revision})
    if request.method == "POST" and form.is_valid():
        try:
            add_rung(_actor(request), plan, form.data_for_service(),
                     form.cleaned_data["values"],
                     revision=form.cleaned_data.get("revision"), decline=decline)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rung added to the ladder."))
            return _done(request, "plan_detail", pk=client.pk, plan_pk=plan.pk)
    if request.method != "POST":
        _viewed(request, plan, client, page="rung_new")
    return render(request, "planning/rung_form.html", {
        "client": client, "plan": plan, "form": form, "rung": None, "decline": decline,
        "scale": scale_of(client)})


@login_required
def rung_edit(request, pk, rung_pk):
    client, rung = get_rung(request.user, pk, rung_pk, write=True)
    form = RungForm(request.POST or None, instance=rung, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            update_rung(_actor(request), rung, form.data_for_service(),
                        form.cleaned_data["values"],
                        version=form.cleaned_data.get("version"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rung saved."))
            return redirect(reverse("plan_detail", args=[client.pk, rung.plan_id])
                            + f"#rung-{rung.pk}")
    else:
        _viewed(request, rung, client)
    return render(request, "planning/rung_form.html", {
        "client": client, "plan": rung.plan, "form": form, "rung": rung,
        "history": history_of(rung), "scale": scale_of(client)})


@login_required
@require_POST
def rung_move(request, pk, rung_pk):
    client, rung = get_rung(request.user, pk, rung_pk, write=True)
    plan = rung.plan
    revision = id_param(request.POST, "revision")
    direction = choice_param(request.POST, "direction", ("up", "down"))
    error = None
    try:
        move_rung(_actor(request), plan, rung.pk, direction, revision=revision)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    plan.refresh_from_db()
    if request.htmx:
        context = _ladder_context(request, client, plan, error=error)
        context["focus"] = f"move-{direction}-{rung.pk}"
        if error is None:
            number = next((i for i, row in enumerate(context["rows"], 1) if row[0].pk == rung.pk),
                          0)
            context["moved"] = _("“%(rung)s” is now rung %(n)s.") % {"rung": rung.behaviour,
                                                                    "n": number}
        return render(request, "planning/_ladder.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Ladder order saved."))
    return redirect(reverse("plan_detail", args=[client.pk, plan.pk]) + f"#rung-{rung.pk}")


@login_required
@require_POST
def ladder_ack(request, pk, plan_pk):
    client, plan = get_plan(request.user, pk, plan_pk, write=True)
    form = WarningAckForm(request.POST)
    if form.is_valid():
        try:
            acknowledge_warning(_actor(request), plan, code=form.cleaned_data["code"],
                                rung_key=form.cleaned_data["rung_key"] or None,
                                note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Warning acknowledged; it stays visible on the ladder."))
    else:
        messages.error(request, _("That warning could not be found; reload the ladder."))
    return redirect("plan_detail", pk=client.pk, plan_pk=plan.pk)


@login_required
def rung_decline(request, pk, rung_pk):
    client, rung = get_rung(request.user, pk, rung_pk, write=True)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decline_rung(_actor(request), rung, reason=form.cleaned_data["reason"],
                         declined_on=form.cleaned_data["declined_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded: the client declined this rung. That is their "
                                        "choice and counts against nothing. Offer an "
                                        "alternative."))
            return redirect("plan_detail", pk=client.pk, plan_pk=rung.plan_id)
    if request.method != "POST":
        _viewed(request, rung, client, page="decline")
    return render(request, "planning/form.html", {
        "client": client, "form": form,
        "title": _("The client declines a rung"),
        "intro": _("Declining is the client's right and carries no penalty. After saving, "
                   "offer an alternative (for example a smaller step)."),
        "subject": rung.behaviour,
        "cancel": reverse("plan_detail", args=[client.pk, rung.plan_id]),
    })


@login_required
def decline_resolve(request, pk, decline_pk):
    client, decline = get_decline(request.user, pk, decline_pk, write=True)
    form = ResolveDeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resolve_decline(_actor(request), decline,
                            note=form.cleaned_data["alternative_note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Alternative recorded."))
            return redirect("plan_detail", pk=client.pk, plan_pk=decline.rung.plan_id)
    if request.method != "POST":
        _viewed(request, decline, client)
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("Alternative offered"),
        "subject": decline.rung.behaviour,
        "intro": _("Describe the alternative you offered, or add a new rung as the "
                   "alternative from the ladder page."),
        "cancel": reverse("plan_detail", args=[client.pk, decline.rung.plan_id]),
    })
