"""Pages for values: assessments, value statements and valued goals."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bravely.clients.selectors import can_edit, get_client
from bravely.core.forms import add_service_errors
from bravely.planning.forms.values import AssessmentForm, GoalForm, StatementForm
from bravely.planning.selectors.config import domains
from bravely.planning.selectors.history import history_of
from bravely.planning.selectors.values import assessments as assessments_of
from bravely.planning.selectors.values import (
    comparison,
    get_assessment,
    get_goal,
    get_statement,
    goals,
    scored_rows,
    statements,
)
from bravely.planning.services.config import seed_value_domains
from bravely.planning.services.values import (
    add_statement,
    create_assessment,
    create_goal,
    revise_goal,
    update_statement,
)
from bravely.planning.views._common import _actor, _done, _viewed


@login_required
def values_list(request, pk):
    client = get_client(request.user, pk)
    assessments = list(assessments_of(client)[:6])
    _viewed(request, client, client, page="values",
            assessments=[a.pk for a in assessments])
    compared = comparison(assessments) if assessments else None
    return render(request, "planning/values_list.html", {
        "client": client, "can_edit": can_edit(request.user, client),
        "assessments": assessments, "compared": compared,
        "goals": goals(client),
        "statements": statements(client),
    })


@login_required
def values_new(request, pk):
    client = get_client(request.user, pk, write=True)
    seed_value_domains(client.practice)
    form = AssessmentForm(request.POST or None, domains=domains(client.practice))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = create_assessment(
                _actor(request), client, ratings=form.cleaned_data["ratings"],
                assessed_on=form.cleaned_data["assessed_on"],
                source=form.cleaned_data["source"], note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Values assessment saved. Add the client's value "
                                        "statements next."))
            return _done(request, "values_detail", pk=client.pk, assessment_pk=assessment.pk)
    if request.method != "POST":
        _viewed(request, client, client, page="values_new")
    return render(request, "planning/values_form.html", {"client": client, "form": form})


@login_required
def values_detail(request, pk, assessment_pk):
    client, assessment = get_assessment(request.user, pk, assessment_pk)
    _viewed(request, assessment, client)
    rows, result, candidates = scored_rows(assessment)
    editable = can_edit(request.user, client)
    form = StatementForm(practice=client.practice,
                         initial={"rank": assessment.statements.count() + 1}) if editable else None
    return render(request, "planning/values_detail.html", {
        "client": client, "assessment": assessment, "rows": rows, "result": result,
        "candidates": candidates, "can_edit": editable, "form": form,
        "statements": assessment.statements.filter(archived_at__isnull=True)
        .select_related("domain"),
    })


@login_required
def statement_new(request, pk, assessment_pk):
    client, assessment = get_assessment(request.user, pk, assessment_pk, write=True)
    form = StatementForm(request.POST or None, practice=client.practice,
                         initial={"rank": assessment.statements.count() + 1})
    if request.method == "POST" and form.is_valid():
        try:
            add_statement(_actor(request), client, assessment,
                          domain=form.cleaned_data["domain"],
                          text=form.cleaned_data["text"], rank=form.cleaned_data["rank"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Value statement added."))
            return _done(request, "values_detail", pk=client.pk, assessment_pk=assessment.pk)
    if request.method != "POST":
        _viewed(request, assessment, client)
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("Add a value statement"),
        "intro": _("In the client's own words. Rank 1 is what matters most to them."),
        "cancel": reverse("values_detail", args=[client.pk, assessment.pk]),
    })


@login_required
def statement_edit(request, pk, statement_pk):
    client, statement = get_statement(request.user, pk, statement_pk, write=True)
    form = StatementForm(request.POST or None, instance=statement, practice=client.practice)
    if request.method == "POST" and form.is_valid():
        data = {"domain": form.cleaned_data["domain"], "text": form.cleaned_data["text"],
                "rank": form.cleaned_data["rank"]}
        if request.POST.get("archive") == "1":
            data["archived"] = True
        try:
            update_statement(_actor(request), statement, data,
                             version=form.cleaned_data.get("version"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Value statement saved."))
            return redirect("values_detail", pk=client.pk, assessment_pk=statement.assessment_id)
    if request.method != "POST":
        _viewed(request, statement, client)
    return render(request, "planning/statement_form.html", {
        "client": client, "form": form, "statement": statement,
        "history": history_of(statement),
    })


@login_required
def goal_new(request, pk):
    client = get_client(request.user, pk, write=True)
    form = GoalForm(request.POST or None, client=client,
                    initial={"statement": request.GET.get("statement")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            create_goal(_actor(request), client, statement=data["statement"],
                        what=data["what"], times=data["times"], per=data["per"],
                        by_when=data["by_when"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Valued goal saved."))
            return redirect("values_list", pk=client.pk)
    if request.method != "POST":
        _viewed(request, client, client, page="goal_new")
    return render(request, "planning/form.html", {
        "client": client, "form": form, "title": _("New valued goal"),
        "intro": _("Specific and measurable: what, how often, by when. Rungs later serve it."),
        "cancel": reverse("values_list", args=[client.pk]),
    })


@login_required
def goal_edit(request, pk, goal_pk):
    client, goal = get_goal(request.user, pk, goal_pk, write=True)
    form = GoalForm(request.POST or None, instance=goal, client=client)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ("statement", "what", "times", "per",
                                                  "by_when", "status")}
        try:
            revise_goal(_actor(request), goal, data,
                        version=form.cleaned_data.get("version"),
                        note=form.cleaned_data.get("note", ""))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal revised; the earlier version is kept in its "
                                        "history."))
            return redirect("values_list", pk=client.pk)
    else:
        _viewed(request, goal, client)
    return render(request, "planning/goal_form.html", {
        "client": client, "form": form, "goal": goal, "history": history_of(goal),
    })
