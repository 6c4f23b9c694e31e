"""The client's measures in the portal (/me/measures/): one item per screen, answers kept as
they go, so a measure left half-way is resumed where it was left."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.core.forms import add_service_errors
from bravely.measures import selectors, services
from bravely.measures.forms import ItemForm
from bravely.planning.selectors.config import crisis_resources_for
from bravely.planning.selectors.safety import current_safety, skill_label
from bravely.portal.selectors import own_client
from bravely.practice import risk

REVIEW = "review"


def _actor(request):
    return Actor.from_request(request, via="portal")


def _support(client):
    safety = current_safety(client)
    return {"safety": safety,
            "allowed_skills": [skill_label(s) for s in safety.allowed_skills()] if safety else [],
            "crisis_resources": crisis_resources_for(client)}


@login_required
def measure_list(request):
    client = own_client(request.user)
    due = list(selectors.due_for_client(client))
    record(_actor(request), "view", client, object_type="portal_measures",
           details={"administration_ids": [a.pk for a in due]})
    return render(request, "measures/portal_list.html", {"client": client, "due": due})


@login_required
def measure_item(request, pk):
    client = own_client(request.user)
    administration = selectors.get_administration(client, pk)
    if not administration.is_open:
        messages.info(request, _("You have already sent this one. Thank you."))
        return redirect("portal_measures")
    instrument = administration.instrument
    items = selectors.item_labels(instrument, selectors.wording_for(client.practice, instrument))
    answers = selectors.answers(administration)
    step = request.GET.get("item", "")
    if step == REVIEW or (not step and len(answers) == len(items)):
        return _review(request, client, administration, items, answers)
    try:
        number = int(step) if step else next(
            i["number"] for i in items if i["id"] not in answers)
    except ValueError:
        number = 1
    number = min(max(number, 1), len(items))
    item = items[number - 1]
    current = answers.get(item["id"])
    form = ItemForm(request.POST or None, item=item,
                    initial={"value": str(current)} if current is not None else None)
    actor = _actor(request)
    if request.method == "POST":
        value = request.POST.get("value")
        if form.is_valid():
            try:
                administration = services.save_answers(
                    actor, administration, {item["id"]: form.cleaned_data["value"]},
                    source="portal")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if item["risk"] and administration.risk_alert_id and \
                        services.signals_risk(instrument.rules, {item["id"]: value}):
                    return render(request, "measures/portal_support.html", {
                        "client": client, "administration": administration,
                        "next": _next_url(administration, number, items), **_support(client)})
                return redirect(_next_url(administration, number, items))
        elif item["risk"] and services.signals_risk(instrument.rules, {item["id"]: value}):
            risk.raise_unlinked_alert(actor, client, risk.MEASURE)
    else:
        record(actor, "view", administration, client=client, details={"item": item["id"]})
    return render(request, "measures/portal_item.html", {
        "client": client, "administration": administration, "item": item, "form": form,
        "answered": len(answers), "previous": number - 1 if number > 1 else None})


def _next_url(administration, number, items):
    url = reverse("portal_measure", args=[administration.pk])
    return f"{url}?item={number + 1}" if number < len(items) else f"{url}?item={REVIEW}"


def _review(request, client, administration, items, answers):
    actor = _actor(request)
    error = ""
    if request.method == "POST":
        try:
            services.save_answers(actor, administration, {}, source="portal", submit=True)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("Thank you. Your answers were sent to your care team."))
            return redirect("portal_measures")
    else:
        record(actor, "view", administration, client=client, details={"review": True})
    rows = [{"number": i["number"], "text": i["text"],
             "answer": dict(i["options"]).get(answers.get(i["id"]), "")
             if i["id"] in answers else None} for i in items]
    return render(request, "measures/portal_review.html", {
        "client": client, "administration": administration, "rows": rows, "error": error,
        "complete": len(answers) == len(items)})
