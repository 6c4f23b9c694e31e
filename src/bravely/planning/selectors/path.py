"""The treatment path of one client: consent, values, safety parameters (and the client's
acknowledgement), readiness, plan and ladder, pace, homework with its signed rationale, portal
invitation. Each step says whether it is done, what stands and where its form is; the first step
not done is the next one.

Read in a bounded number of queries that does not grow with the record (one per step at most, and
the readiness holds' prefetch), so the client page stays fast for a long treatment."""

from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bravely.clients.models import Client
from bravely.clients.selectors import has_exposure_consent
from bravely.planning.models.homework import HomeworkAssignment
from bravely.planning.models.ladder import ExposurePlan, Rung
from bravely.planning.models.readiness import ReadinessScreen
from bravely.planning.models.safety import SafetyParameters
from bravely.planning.models.values import ValuesAssessment
from bravely.planning.selectors.readiness import open_holds

STEP_KEYS = ("consent", "values", "safety", "readiness", "plan", "pace", "homework", "portal")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    status: str  # where it stands, in one sentence
    url: str = ""  # the form that moves it on (returns to the path), "" when nothing to do
    action: str = ""  # the link's text


@dataclass(frozen=True)
class TreatmentPath:
    steps: tuple[Step, ...]

    @property
    def next_step(self) -> Step | None:
        return next((s for s in self.steps if not s.done), None)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)


def path_url(client) -> str:
    return reverse("client_detail", args=[client.pk]) + "#path"


def _link(name, *args, back: str, anchor: str = "") -> str:
    return f"{reverse(name, args=args)}?next={quote(back, safe='')}{anchor}"


def treatment_path(client: Client) -> TreatmentPath:
    back = path_url(client)
    c = client.pk

    def link(name, *args, anchor=""):
        return _link(name, c, *args, back=back, anchor=anchor)

    steps = []
    consent = has_exposure_consent(client)
    steps.append(Step("consent", _("Consent to exposure treatment"), consent,
                      _("Consent is in force.") if consent else
                      _("No consent to exposure treatment is in force yet."),
                      reverse("consent_new", args=[c]) if not consent else "",
                      _("Record consent")))

    assessment = (ValuesAssessment.objects.filter(client=client)
                  .annotate(n=Count("statements", filter=Q(statements__archived_at__isnull=True)))
                  .order_by("-assessed_on", "-id").first())
    if assessment is None:
        steps.append(Step("values", _("Values"), False, _("No values assessment yet."),
                          link("values_new"), _("New values assessment")))
    elif not assessment.n:
        steps.append(Step("values", _("Values"), False,
                          _("Assessed; add the client's value statements in their words."),
                          link("statement_new", assessment.pk), _("Add a value statement")))
    else:
        steps.append(Step("values", _("Values"), True, _(
            "%(n)s value statements in the client's words.") % {"n": assessment.n}))

    safety = (SafetyParameters.objects.filter(client=client)
              .annotate(acks=Count("acknowledgements")).order_by("-version").first())
    if safety is None:
        steps.append(Step("safety", _("Safety parameters and acknowledgement"), False,
                          _("No safety parameters yet."), link("safety_edit"),
                          _("Agree safety parameters")))
    elif not safety.acks:
        steps.append(Step("safety", _("Safety parameters and acknowledgement"), False, _(
            "Version %(v)s (ceiling %(ceiling)s) is not yet acknowledged by the client.") % {
            "v": safety.version, "ceiling": safety.distress_ceiling},
            link("safety_detail", anchor="#acknowledge"), _("Record the acknowledgement")))
    else:
        steps.append(Step("safety", _("Safety parameters and acknowledgement"), True, _(
            "Version %(v)s, ceiling %(ceiling)s, acknowledged by the client.") % {
            "v": safety.version, "ceiling": safety.distress_ceiling}))

    screened = ReadinessScreen.objects.filter(client=client).exists()
    holds = open_holds(client)
    if not screened:
        steps.append(Step("readiness", _("Readiness screen"), False, _("Not screened yet."),
                          link("readiness_new"), _("Screen readiness")))
    elif holds:
        steps.append(Step("readiness", _("Readiness screen"), False, _(
            "Exposure is on hold: %(message)s") % {"message": holds[0].message},
            link("hold_clear", holds[0].pk), _("Record a clearance")))
    else:
        steps.append(Step("readiness", _("Readiness screen"), True,
                          _("Screened; nothing holds exposure back.")))

    plan = (ExposurePlan.objects.filter(client=client)
            .exclude(status__in=[ExposurePlan.Status.ARCHIVED, ExposurePlan.Status.COMPLETED])
            .annotate(n_rungs=Count("rungs", distinct=True),
                      n_pace=Count("pace_decisions", distinct=True))
            .order_by("status", "-created_at", "-id").first())  # active sorts first
    if plan is None:
        steps.append(Step("plan", _("Plan and ladder"), False, _("No exposure plan yet."),
                          link("plan_new"), _("New exposure plan")))
    elif not plan.n_rungs:
        steps.append(Step("plan", _("Plan and ladder"), False, _(
            "“%(title)s” has no rungs yet.") % {"title": plan.title},
            link("rung_new", plan.pk), _("Add a rung")))
    elif plan.status != ExposurePlan.Status.ACTIVE:
        steps.append(Step("plan", _("Plan and ladder"), False, _(
            "“%(title)s” has %(n)s rungs and is %(status)s; make it active when agreed.") % {
            "title": plan.title, "n": plan.n_rungs,
            "status": plan.get_status_display().lower()},
            link("plan_edit", plan.pk), _("Edit the plan")))
    else:
        steps.append(Step("plan", _("Plan and ladder"), True, _(
            "“%(title)s”, %(n)s rungs, active.") % {"title": plan.title, "n": plan.n_rungs}))

    if plan is None:
        steps.append(Step("pace", _("Pace decision"), False,
                          _("Decided with the client once there is a plan.")))
    elif not plan.n_pace:
        steps.append(Step("pace", _("Pace decision"), False, _("Not decided yet."),
                          link("pace_new", plan.pk), _("Decide pace with the client")))
    else:
        steps.append(Step("pace", _("Pace decision"), True, _("Decided with the client.")))

    assignment = (HomeworkAssignment.objects.filter(client=client,
                                                    status=HomeworkAssignment.Status.ACTIVE)
                  .annotate(n=Count("rationales")).order_by("n", "-created_at", "-id")
                  .select_related("rung").first())  # one without a signed rationale first
    rung = None
    if assignment is None and plan is not None:
        rung = (Rung.objects.filter(plan=plan, status__in=[Rung.Status.PLANNED,
                                                           Rung.Status.ACTIVE])
                .order_by("position", "id").first())
    if assignment is not None and not assignment.n:
        steps.append(Step("homework", _("Homework and signed rationale"), False, _(
            "“%(rung)s” is assigned; the rationale is not signed yet.") % {
            "rung": assignment.rung.behaviour},
            link("rationale_sign", assignment.pk), _("Review and sign the rationale")))
    elif assignment is not None:
        steps.append(Step("homework", _("Homework and signed rationale"), True, _(
            "“%(rung)s”, %(n)s a week until %(end)s; rationale signed.") % {
            "rung": assignment.rung.behaviour, "n": assignment.frequency_per_week,
            "end": date_format(assignment.ends_on, "j M Y")}))
    elif rung is not None:
        steps.append(Step("homework", _("Homework and signed rationale"), False, _(
            "Nothing assigned; next on the ladder: “%(rung)s”.") % {"rung": rung.behaviour},
            link("assignment_new", rung.pk), _("Assign homework: %(rung)s") % {
                "rung": rung.behaviour}))
    else:
        steps.append(Step("homework", _("Homework and signed rationale"), False,
                          _("Assigned from a rung of the ladder once there is one.")))

    portal = (Client.objects.filter(pk=client.pk).annotate(invites=Count(
        "invitations", filter=Q(invitations__kind="client", invitations__accepted_at__isnull=True,
                                invitations__revoked_at__isnull=True,
                                invitations__expires_at__gt=timezone.now())))
              .values("account__id", "invites").get())
    if portal["account__id"]:
        steps.append(Step("portal", _("Portal invitation"), True,
                          _("The client signs in to the portal.")))
    else:
        steps.append(Step("portal", _("Portal invitation"), bool(portal["invites"]),
                          _("Invited; the link is waiting to be used.") if portal["invites"]
                          else _("Not invited yet."),
                          reverse("portal_access", args=[c]),
                          _("Invite to the portal") if not portal["invites"]
                          else _("Portal access")))
    return TreatmentPath(tuple(steps))
