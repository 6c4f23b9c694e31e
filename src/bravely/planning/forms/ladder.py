"""Forms of exposure plans and their ladders: plans, rungs, acknowledged warnings, declines."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.core import forms as core_forms
from bravely.planning.forms._common import DATE, DistressMixin
from bravely.planning.models.ladder import ExposurePlan, Rung
from bravely.planning.models.values import ValueStatement


class PlanForm(core_forms.ModelForm):
    version = core_forms.IdField()

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


class RungForm(DistressMixin, core_forms.ModelForm):
    distress_fields = ("predicted_distress", "own_ceiling")
    feared_likelihood = core_forms.IntegerField(
        label=_("Likelihood of the feared outcome (%)"), required=False, min_value=0,
        max_value=100, widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
        help_text=_("How likely the client thinks it is, 0 to 100 %."),
        error_messages={
            "min_value": _("The likelihood must be from 0 to 100 percent."),
            "max_value": _("The likelihood must be from 0 to 100 percent."),
        })
    version = core_forms.IdField()
    revision = core_forms.IdField()

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
