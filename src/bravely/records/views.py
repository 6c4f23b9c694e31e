"""The care team's session notes: list, a new draft, the note (edit while a draft, read once
signed), autosave, addenda and co-signatures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bravely.audit.services import Actor, record
from bravely.clients.selectors import can_edit, get_client
from bravely.core.forms import add_service_errors
from bravely.core.pagination import paginate
from bravely.records import selectors, services
from bravely.records.forms import AddendumForm, CoSignForm, NewNoteForm, NoteForm


@login_required
def notes_list(request, pk):
    client = get_client(request.user, pk)
    page = paginate(request, selectors.notes(client))
    record(Actor.from_request(request), "view", client, object_type="session_notes",
           details={"note_ids": [note.pk for note in page]})
    editable = can_edit(request.user, client) and not client.is_archived
    form = NewNoteForm(initial={"session_date": timezone.localdate()}) if editable else None
    return render(request, "records/notes_list.html", {
        "client": client, "page": page, "querystring": "", "form": form})


@login_required
@require_POST
def note_new(request, pk):
    client = get_client(request.user, pk, write=True)
    form = NewNoteForm(request.POST)
    if form.is_valid():
        try:
            note = services.create_note(Actor.from_request(request), client, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("note_detail", pk=client.pk, note_pk=note.pk)
    page = paginate(request, selectors.notes(client))
    return render(request, "records/notes_list.html", {
        "client": client, "page": page, "querystring": "", "form": form}, status=200)


def _form_data(form):
    return {k: form.cleaned_data[k] for k in ("session_date", "period_start", "data",
                                              "assessment", "plan")}


@login_required
def note_detail(request, pk, note_pk):
    client = get_client(request.user, pk)
    note = selectors.get_note(client, note_pk)
    editing = selectors.may_edit_draft(request.user, note) and can_edit(request.user, client)
    actor = Actor.from_request(request)
    form = None
    if request.method == "POST":
        if not editing:
            raise Http404
        form = NoteForm(request.POST)
        action = request.POST.get("action", "save")
        if form.is_valid():
            data = _form_data(form)
            if action == "insert_facts":
                facts = selectors.period_facts(client, data["period_start"],
                                               data["session_date"])
                text = selectors.facts_text(facts)
                data["data"] = (data["data"].rstrip() + "\n\n" + text).strip()
            try:
                with transaction.atomic():  # a refused signature saves nothing either
                    note = services.update_draft(actor, note, data,
                                                 version=form.cleaned_data["version"])
                    if action == "sign":
                        note = services.sign_note(actor, note, version=note.version)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if action == "sign":
                    messages.success(request, _("Note signed. It can no longer be changed; "
                                                "add an addendum for a correction."))
                elif action == "insert_facts":
                    messages.success(request, _("The period's facts were added to the data."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect("note_detail", pk=client.pk, note_pk=note.pk)
    else:
        record(actor, "view", note, client=client)
    if editing and form is None:
        form = NoteForm(initial={
            "session_date": note.session_date, "period_start": note.period_start,
            "data": note.data, "assessment": note.assessment, "plan": note.plan,
            "version": note.version})
    facts = selectors.period_facts(client, note.period_start, note.session_date)
    return render(request, "records/note_detail.html", {
        "client": client, "note": note, "form": form if editing else None,
        "facts": facts, "facts_lines": selectors.facts_lines(facts),
        "can_add_addendum": note.is_signed and can_edit(request.user, client),
        "addendum_form": AddendumForm(),
        "can_cosign": selectors.may_cosign(request.user, note), "cosign_form": CoSignForm(),
        "hash_ok": note.hash_is_intact() if note.is_signed else None,
    })


@login_required
@require_POST
def note_autosave(request, pk, note_pk):
    """htmx: saves the draft on change and answers a short status (and the new version)."""
    client = get_client(request.user, pk, write=True)
    note = selectors.get_note(client, note_pk)
    if not selectors.may_edit_draft(request.user, note):
        raise Http404
    form = NoteForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields
                           else " ".join(v) for k, v in form.errors.items())
        return render(request, "records/_autosave.html",
                      {"error": errors, "note": note}, status=200 if request.htmx else 422)
    try:
        note = services.update_draft(Actor.from_request(request), note, _form_data(form),
                                     version=form.cleaned_data["version"])
    except ValidationError as error:
        return render(request, "records/_autosave.html",
                      {"error": " ".join(error.messages), "note": note},
                      status=200 if request.htmx else 422)
    if not request.htmx:
        return redirect("note_detail", pk=client.pk, note_pk=note.pk)
    return render(request, "records/_autosave.html", {"note": note, "saved": True})


@login_required
@require_POST
def note_addendum(request, pk, note_pk):
    client = get_client(request.user, pk, write=True)
    note = selectors.get_note(client, note_pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.add_addendum(Actor.from_request(request), note, form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Addendum signed and added."))
    else:
        messages.error(request, _("Addendum: %(errors)s") % {
            "errors": " ".join(form.errors.get("text", []))})
    return redirect("note_detail", pk=client.pk, note_pk=note.pk)


@login_required
@require_POST
def note_cosign(request, pk, note_pk):
    client = get_client(request.user, pk)
    note = selectors.get_note(client, note_pk)
    if not selectors.may_cosign(request.user, note):
        raise Http404
    form = CoSignForm(request.POST)
    if form.is_valid():
        try:
            services.cosign(Actor.from_request(request), note, form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Note co-signed."))
    else:
        messages.error(request, _("Comment: %(errors)s") % {
            "errors": " ".join(form.errors.get("comment", []))})
    return redirect("note_detail", pk=client.pk, note_pk=note.pk)


