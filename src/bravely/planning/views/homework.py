"""Pages for homework: assigning practice, the assignment, signing its rationale, cancelling."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.clients.selectors import can_edit
from bravely.core.forms import add_service_errors
from bravely.planning.forms.homework import AssignmentForm, CancelForm, RationaleForm
from bravely.planning.selectors.homework import (
    coping_plan_text,
    draft_rationale,
    get_assignment,
    homework_gates,
    override_text,
    rationales,
)
from bravely.planning.selectors.ladder import get_rung
from bravely.planning.selectors.pace import current_pace
from bravely.planning.selectors.safety import current_safety
from bravely.planning.services.homework import assign_homework, cancel_assignment, sign_rationale
from bravely.planning.views._common import _actor, _done, _next_url, _viewed


@login_required
def assignment_new(request, pk, rung_pk):
    client, rung = get_rung(request.user, pk, rung_pk, write=True)
    safety = current_safety(client)
    pace = current_pace(rung.plan)
    today = timezone.localdate()
    initial = {
        "frequency_per_week": (pace.chosen_option.get("practices_per_week") if pace else 3),
        "starts_on": today, "ends_on": today + timedelta(days=6),
        "coping_plan": coping_plan_text(safety),
        "instructions": rung.behaviour + (f" ({rung.context})" if rung.context else ""),
    }
    gates = homework_gates(rung, safety) if safety is not None else []
    form = AssignmentForm(request.POST or None, initial=initial, needs_override=bool(gates))
    if request.method == "POST" and form.is_valid():
        try:
            assignment = assign_homework(_actor(request), rung, form.cleaned_data)
        except ValidationError as error:
            if gates and "override_reason" in form.fields and any(
                    f in getattr(error, "error_dict", {}) for _c, f, _m in gates):
                form.add_error("override_reason", _(
                    "Give a reason for assigning this homework although the checks above "
                    "advise against it."))
            add_service_errors(form, error)
        else:
            messages.success(request, _("Homework assigned. Review and sign the drafted "
                                        "rationale."))
            url = reverse("rationale_sign", args=[client.pk, assignment.pk])
            back = _next_url(request)
            return redirect(f"{url}?{urlencode({'next': back})}" if back else url)
    else:
        _viewed(request, rung, client, page="assign")
    return render(request, "planning/assignment_form.html", {
        "client": client, "rung": rung, "plan": rung.plan, "form": form, "safety": safety,
        "pace": pace, "gates": gates})


@login_required
def assignment_detail(request, pk, assignment_pk):
    client, assignment = get_assignment(request.user, pk, assignment_pk)
    _viewed(request, assignment, client)
    return render(request, "planning/assignment_detail.html", {
        "client": client, "assignment": assignment, "can_edit": can_edit(request.user, client),
        "rationales": rationales(assignment),
        "values": assignment.rung.values.select_related("domain"),
        "override": override_text(assignment),
        "cancel_form": CancelForm()})


@login_required
def rationale_sign(request, pk, assignment_pk):
    client, assignment = get_assignment(request.user, pk, assignment_pk, write=True)
    latest = rationales(assignment).first()
    initial = {"text": latest.text if latest else draft_rationale(assignment),
               "corrects": latest.pk if latest else None}
    form = RationaleForm(request.POST or None, initial=initial, correcting=latest is not None)
    if request.method == "POST" and form.is_valid():
        corrects = None
        if form.cleaned_data.get("corrects"):
            corrects = get_object_or_404(assignment.rationales, pk=form.cleaned_data["corrects"])
        try:
            sign_rationale(_actor(request), assignment, form.cleaned_data["text"],
                           corrects=corrects,
                           correction_reason=form.cleaned_data.get("correction_reason",
                                                                   ""))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rationale signed. Signed text is never changed; a "
                                        "correction is a new entry."))
            return _done(request, "assignment_detail", pk=client.pk, assignment_pk=assignment.pk)
    else:
        _viewed(request, assignment, client, page="rationale")
    return render(request, "planning/rationale_form.html", {
        "client": client, "assignment": assignment, "form": form, "latest": latest,
        "override": override_text(assignment)})


@login_required
@require_POST
def assignment_cancel(request, pk, assignment_pk):
    client, assignment = get_assignment(request.user, pk, assignment_pk, write=True)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            cancel_assignment(_actor(request), assignment, form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Assignment cancelled; it stays in the record."))
    else:
        messages.error(request, _("Give a reason for cancelling."))
    return redirect("assignment_detail", pk=client.pk, assignment_pk=assignment.pk)
