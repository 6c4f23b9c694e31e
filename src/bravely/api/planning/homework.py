"""Homework assignments for a rung, and their signed rationales (corrections are new entries)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Status

from bravely.api.planning.common import Router, actor, viewed
from bravely.api.planning.schemas.homework import (
    AssignmentDetail,
    AssignmentIn,
    AssignmentOut,
    CancelIn,
    RationaleIn,
    RationaleOut,
)
from bravely.clients.selectors import get_client
from bravely.planning.models import HomeworkAssignment
from bravely.planning.selectors import homework as homework_selectors
from bravely.planning.selectors import ladder as ladder_selectors
from bravely.planning.selectors import pace as pace_selectors
from bravely.planning.services import homework as homework_services

router = Router()


def _assignment(pk):
    return (HomeworkAssignment.objects.select_related("safety", "rung")
            .prefetch_related("rationales").get(pk=pk))


@router.get("/clients/{int:client_id}/assignments", response=list[AssignmentOut],
            summary="Homework assignments, newest first")
def list_assignments(request, client_id: int):
    client = get_client(request.user, client_id)
    items = list(homework_selectors.assignments(client)[:200])
    viewed(request, client, client, assignments=[a.pk for a in items])
    return items


@router.post("/clients/{int:client_id}/assignments", response={201: AssignmentDetail},
             summary="Assign homework for a rung, agreed with the client")
def create_assignment(request, client_id: int, payload: AssignmentIn):
    _client, rung = ladder_selectors.get_rung(request.user, client_id, payload.rung_id, write=True)
    data = payload.dict(exclude={"rung_id"})
    if data["frequency_per_week"] is None:
        pace = pace_selectors.current_pace(rung.plan)
        data["frequency_per_week"] = pace.chosen_option.get("practices_per_week") if pace else 3
    assignment = homework_services.assign_homework(actor(request), rung, data)
    found = _assignment(assignment.pk)
    found.draft_rationale = homework_selectors.draft_rationale(found)
    return Status(201, found)


@router.get("/clients/{int:client_id}/assignments/{int:assignment_id}",
            response=AssignmentDetail, summary="One assignment with its rationale entries and "
                                               "a fresh draft")
def read_assignment(request, client_id: int, assignment_id: int):
    client, assignment = homework_selectors.get_assignment(request.user, client_id, assignment_id)
    viewed(request, assignment, client)
    found = _assignment(assignment.pk)
    found.draft_rationale = homework_selectors.draft_rationale(found)
    return found


@router.post("/clients/{int:client_id}/assignments/{int:assignment_id}/rationales",
             response={201: RationaleOut},
             summary="Sign the rationale (or a correction of the latest signed one)")
def sign_rationale(request, client_id: int, assignment_id: int, payload: RationaleIn):
    _client, assignment = homework_selectors.get_assignment(request.user, client_id, assignment_id,
                                                   write=True)
    corrects = None
    if payload.corrects_id is not None:
        # Resolving the id: the service checks the entry it is given (as `text`), not ids.
        corrects = assignment.rationales.filter(pk=payload.corrects_id).first()
        if corrects is None:
            raise ValidationError({"corrects_id": _("Correct a rationale of this assignment.")})
    rationale = homework_services.sign_rationale(actor(request), assignment, payload.text,
                                        corrects=corrects,
                                        correction_reason=payload.correction_reason)
    return Status(201, rationale)


@router.post("/clients/{int:client_id}/assignments/{int:assignment_id}/cancel",
             response=AssignmentOut, summary="Cancel an assignment (it stays in the record)")
def cancel_assignment(request, client_id: int, assignment_id: int, payload: CancelIn):
    _client, assignment = homework_selectors.get_assignment(request.user, client_id, assignment_id,
                                                   write=True)
    homework_services.cancel_assignment(actor(request), assignment, payload.reason)
    return _assignment(assignment.pk)
