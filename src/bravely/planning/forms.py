from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.clients.forms import region_validator
from bravely.planning import services
from bravely.planning.models import (
    CopingKind,
    CrisisResource,
    ExposurePlan,
    PlanningSettings,
    Rung,
    SafetyAcknowledgement,
    ValuedGoal,
    ValueDomain,
    ValuesAssessment,
    ValueStatement,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DistressMixin:
    """Checks distress fields against the client's scale with `clinical.scales`."""

    distress_fields: tuple[str, ...] = ()

    def _check_distress(self, cleaned):
        for name in self.distress_fields:
            value = cleaned.get(name)
            if name in self.errors or value is None:
                continue
            try:
                services.check_distress(self.client, value, name, self.fields[name].label,
                                        required=False)
            except ValidationError as error:
                for message in error.message_dict[name]:
                    self.add_error(name, message)

    def _scale_help(self, names):
        scale = services.scale_of(self.client)
        for name in names:
            self.fields[name].widget.attrs.update({"min": scale.min, "max": scale.max})
            self.fields[name].help_text = _("On the client's scale, %(min)s to %(max)s.") % {
                "min": scale.min, "max": scale.max}


# --- practice configuration ---------------------------------------------------------------------


class ValueDomainForm(forms.ModelForm):
    class Meta:
        model = ValueDomain
        fields = ["name", "position", "is_active"]


class CrisisResourceForm(forms.ModelForm):
    url = forms.URLField(label=_("Web address"), required=False, max_length=200,
                         assume_scheme="https")

    class Meta:
        model = CrisisResource
        fields = ["region", "name", "contact", "url", "notes", "needs_verification", "position",
                  "is_active"]

    def clean_region(self):
        region = self.cleaned_data["region"].strip().upper()
        region_validator(region)
        return region


class PlanningSettingsForm(forms.ModelForm):
    class Meta:
        model = PlanningSettings
        fields = list(services.SETTINGS_FIELDS)


# --- values -------------------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    source = forms.ChoiceField(label=_("Completed"), choices=ValuesAssessment.Source.choices,
                               initial=ValuesAssessment.Source.SESSION)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = list(domains)
        for domain in self.domains:
            for kind, label in (("importance", _("importance")),
                                ("consistency", _("consistency"))):
                self.fields[f"{kind}_{domain.pk}"] = forms.IntegerField(
                    label=f"{domain.name}: {label} (1-10)", required=False,
                    min_value=1, max_value=10,
                    error_messages={
                        "min_value": _("Rate from 1 to 10."),
                        "max_value": _("Rate from 1 to 10."),
                        "invalid": _("Rate with a whole number from 1 to 10."),
                    },
                    widget=forms.NumberInput(attrs={"min": 1, "max": 10, "inputmode": "numeric"}),
                )

    def domain_rows(self):
        return [(d, self[f"importance_{d.pk}"], self[f"consistency_{d.pk}"])
                for d in self.domains]

    def clean(self):
        cleaned = super().clean()
        ratings = []
        for domain in self.domains:
            imp_name, con_name = f"importance_{domain.pk}", f"consistency_{domain.pk}"
            if imp_name in self.errors or con_name in self.errors:
                continue
            importance, consistency = cleaned.get(imp_name), cleaned.get(con_name)
            if importance is None and consistency is None:
                continue
            if importance is None:
                self.add_error(imp_name, _("Rate importance too, or leave both empty."))
            elif consistency is None:
                self.add_error(con_name, _("Rate consistency too, or leave both empty."))
            else:
                ratings.append((domain, importance, consistency))
        if not ratings and not self.errors:
            raise ValidationError(_("Rate at least one life domain."))
        cleaned["ratings"] = ratings
        return cleaned


class StatementForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ValueStatement
        fields = ["domain", "text", "rank"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = ValueDomain.objects.filter(practice=practice,
                                                                    is_active=True)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version


class GoalForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("What changed and why"), max_length=500, required=False)

    class Meta:
        model = ValuedGoal
        fields = ["statement", "what", "times", "per", "by_when", "status"]
        widgets = {"by_when": DATE}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].queryset = ValueStatement.objects.filter(
            client=client, archived_at__isnull=True).select_related("domain")
        self.fields["times"].widget.attrs.update({"min": 1, "max": 100})
        if self.instance.pk is None:
            del self.fields["status"]
            del self.fields["note"]
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version


# --- safety -------------------------------------------------------------------------------------


class SafetyForm(DistressMixin, forms.Form):
    distress_fields = ("distress_ceiling", "coping_level")

    distress_ceiling = forms.IntegerField(label=_("Distress ceiling (stop the practice)"))
    coping_level = forms.IntegerField(label=_("Use-my-coping-plan level (optional)"),
                                      required=False)
    exit_strategies = forms.CharField(
        label=_("Exit strategies and escape routes"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, in the order the client will use them."), max_length=6000)
    escalation_plan = forms.CharField(
        label=_("If distress escalates (more support, who to call)"), required=False,
        max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    setback_plan = forms.CharField(
        label=_("After a setback (revised goals, boosters)"), required=False, max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}))
    change_note = forms.CharField(label=_("What changed and why"), required=False,
                                  max_length=500)
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self._scale_help(self.distress_fields)

    def clean(self):
        cleaned = super().clean()
        self._check_distress(cleaned)
        ceiling, coping = cleaned.get("distress_ceiling"), cleaned.get("coping_level")
        if (ceiling is not None and coping is not None and "distress_ceiling" not in self.errors
                and "coping_level" not in self.errors and ceiling <= coping):
            self.add_error("distress_ceiling", _(
                "The distress ceiling (%(ceiling)s) must be above the use-my-coping-plan level "
                "(%(coping)s).") % {"ceiling": ceiling, "coping": coping})
        cleaned["exit_list"] = [line.strip() for line in
                                cleaned.get("exit_strategies", "").splitlines() if line.strip()]
        return cleaned


class CopingSkillForm(forms.Form):
    kind = forms.ChoiceField(label=_("Coping skill"), required=False,
                             choices=[("", "—"), *CopingKind.choices])
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    allowed_during_exposure = forms.BooleanField(
        label=_("Allowed during exposures"), required=False,
        help_text=_("Untick when a calming skill could act as a safety behaviour."))


class SupportContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    relationship = forms.CharField(label=_("Relationship"), max_length=150, required=False)
    contact = forms.CharField(label=_("Phone or other contact"), max_length=150, required=False)


CopingSkillFormSet = forms.formset_factory(CopingSkillForm, extra=2, max_num=20)
SupportContactFormSet = forms.formset_factory(SupportContactForm, extra=2, max_num=20)


class AcknowledgeSafetyForm(forms.ModelForm):
    """Staff record an acknowledgement made in session; only the client records 'portal'."""

    class Meta:
        model = SafetyAcknowledgement
        fields = ["method", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [
            c for c in self.fields["method"].choices
            if c[0] == SafetyAcknowledgement.Method.SESSION]


YES_NO = [("yes", _("Yes")), ("no", _("No"))]

READINESS_LABELS = {
    "imminent_suicide_risk": _("Is there imminent suicide risk?"),
    "recent_self_harm_or_suicidal_behaviour": _(
        "Self-harm or suicidal behaviour in the past two months?"),
    "intoxication_or_unmanaged_substance_use": _(
        "Current intoxication or unmanaged substance use?"),
    "psychosis": _("Psychotic symptoms?"),
    "dissociation": _("Dissociation that would interfere with exposure?"),
    "interoceptive_planned": _("Is interoceptive exposure (body sensations) planned?"),
    "seizures": _("Seizures or epilepsy?"),
    "cardiac": _("A heart condition?"),
    "respiratory": _("A respiratory condition such as asthma?"),
    "neck_or_back": _("Neck or back problems?"),
    "pregnancy": _("Pregnancy?"),
}


class ReadinessForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for name in services.READINESS_FIELDS:
            fields[name] = forms.TypedChoiceField(
                label=READINESS_LABELS.get(name, name), choices=YES_NO,
                coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                error_messages={"required": _("Answer yes or no: an unanswered question is not "
                                              "a no.")},
            )
        fields["note"] = self.fields.pop("note")
        self.fields = fields

    def answers(self):
        return {name: self.cleaned_data[name] for name in services.READINESS_FIELDS}


class ClearanceForm(forms.Form):
    rationale = forms.CharField(
        label=_("Rationale for the clearance"), max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For medical holds, name who gave medical clearance and when."))


# --- plans and rungs ----------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ExposurePlan
        fields = ["title", "description", "approach", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "approach": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]


class RungForm(DistressMixin, forms.ModelForm):
    distress_fields = ("predicted_distress", "own_ceiling")
    feared_likelihood = forms.IntegerField(
        label=_("Likelihood of the feared outcome (%)"), required=False, min_value=0,
        max_value=100, widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
        help_text=_("How likely the client thinks it is, 0 to 100 %."),
        error_messages={
            "min_value": _("The likelihood must be from 0 to 100 percent."),
            "max_value": _("The likelihood must be from 0 to 100 percent."),
        })
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Rung
        fields = ["behaviour", "context_where", "context_when", "context_with", "values",
                  "valued_outcome", "predicted_distress", "feared_outcome", "feared_likelihood",
                  "safety_behaviours", "own_ceiling", "rationale", "status"]
        widgets = {
            "values": forms.CheckboxSelectMultiple,
            "valued_outcome": forms.Textarea(attrs={"rows": 2}),
            "feared_outcome": forms.Textarea(attrs={"rows": 2}),
            "safety_behaviours": forms.Textarea(attrs={"rows": 2}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"safety_behaviours": _("One per line.")}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["values"].queryset = ValueStatement.objects.filter(
            client=client, archived_at__isnull=True).select_related("domain")
        self.fields["values"].label_from_instance = lambda v: f"{v.text} ({v.domain})"
        self._scale_help(self.distress_fields)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["revision"]
        else:
            del self.fields["status"]
            del self.fields["version"]

    def _post_clean(self):
        """Validation is the service's job (it also checks the client's scale)."""

    def clean(self):
        cleaned = super().clean()
        self._check_distress(cleaned)
        return cleaned

    def data_for_service(self):
        return {f: self.cleaned_data[f] for f in self.Meta.fields
                if f in self.cleaned_data and f != "values"}


class WarningAckForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    rung_key = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)
    note = forms.CharField(label=_("Why the ladder stays as it is"), max_length=500,
                           required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("The client's reasons (optional)"), max_length=2000,
                             required=False, widget=forms.Textarea(attrs={"rows": 3}))
    declined_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)


class ResolveDeclineForm(forms.Form):
    alternative_note = forms.CharField(label=_("Alternative offered"), max_length=500)


# --- pace ---------------------------------------------------------------------------------------


class PaceForm(forms.Form):
    chosen = forms.ChoiceField(label=_("The client's choice"), widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("The client's reasons, in their words"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = services.default_pace_options()
        self.fields["chosen"].choices = [(o["key"], o["label"]) for o in self.options]
        for o in self.options:
            key = o["key"]
            self.fields[f"{key}_offered"] = forms.BooleanField(
                label=_("Offer “%(label)s”") % {"label": o["label"]}, required=False,
                initial=True)
            self.fields[f"{key}_sessions"] = forms.IntegerField(
                label=_("%(label)s: sessions per week") % {"label": o["label"]},
                min_value=0, max_value=7, initial=o["sessions_per_week"])
            self.fields[f"{key}_practices"] = forms.IntegerField(
                label=_("%(label)s: practices per week") % {"label": o["label"]},
                min_value=1, max_value=21, initial=o["practices_per_week"])
            self.fields[f"{key}_rungs"] = forms.DecimalField(
                label=_("%(label)s: new rungs per week") % {"label": o["label"]},
                min_value=0.1, max_value=7, decimal_places=1, initial=o["rungs_per_week"],
                widget=forms.NumberInput(attrs={"step": "0.5"}))

    def option_rows(self):
        return [(o, self[f"{o['key']}_offered"], self[f"{o['key']}_sessions"],
                 self[f"{o['key']}_practices"], self[f"{o['key']}_rungs"]) for o in self.options]

    def offered(self):
        result = []
        for o in self.options:
            key = o["key"]
            if self.cleaned_data.get(f"{key}_offered"):
                result.append({"key": key, "label": str(o["label"]),
                               "sessions_per_week": self.cleaned_data[f"{key}_sessions"],
                               "practices_per_week": self.cleaned_data[f"{key}_practices"],
                               "rungs_per_week": float(self.cleaned_data[f"{key}_rungs"])})
        return result


# --- homework -----------------------------------------------------------------------------------


class AssignmentForm(forms.Form):
    frequency_per_week = forms.IntegerField(label=_("Practices per week"), min_value=1,
                                            max_value=21)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    contexts_to_vary = forms.CharField(
        label=_("Contexts to vary"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Places, times or people to vary between practices; one per line."))
    instructions = forms.CharField(label=_("Instructions"), max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    coping_plan = forms.CharField(label=_("Coping and exit plan that applies"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    agreed_with_client = forms.BooleanField(label=_("The client agreed to this practice"),
                                            required=False)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The window ends (%(end)s) before it starts "
                                        "(%(start)s).") % {"end": ends.isoformat(),
                                                           "start": starts.isoformat()})
        return cleaned


class RationaleForm(forms.Form):
    text = forms.CharField(label=_("Rationale"), max_length=6000,
                           widget=forms.Textarea(attrs={"rows": 10}))
    correction_reason = forms.CharField(label=_("Reason for the correction"), max_length=500,
                                        required=False)
    corrects = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        if correcting:
            self.fields["correction_reason"].required = True
        else:
            del self.fields["correction_reason"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=500)
