"""Forms of readiness: the screen (every question answered yes or no) and a clearance."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bravely.planning.selectors.readiness import READINESS_FIELDS

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
        for name in READINESS_FIELDS:
            fields[name] = forms.TypedChoiceField(
                label=READINESS_LABELS.get(name, name), choices=YES_NO,
                coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                error_messages={"required": _("Answer yes or no: an unanswered question is not "
                                              "a no.")},
            )
        fields["note"] = self.fields.pop("note")
        self.fields = fields

    def answers(self):
        return {name: self.cleaned_data[name] for name in READINESS_FIELDS}


class ClearanceForm(forms.Form):
    rationale = forms.CharField(
        label=_("Rationale for the clearance"), max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For medical holds, name who gave medical clearance and when."))
