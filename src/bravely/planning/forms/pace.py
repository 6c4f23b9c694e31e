"""The pace form: the options offered (adjustable) and the client's choice with reasons."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.core import forms as core_forms
from bravely.planning.forms._common import DATE
from bravely.planning.selectors.pace import default_pace_options


class PaceForm(forms.Form):
    chosen = forms.ChoiceField(label=_("The client's choice"), widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("The client's reasons, in their words"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = default_pace_options()
        self.fields["chosen"].choices = [(o["key"], o["label"]) for o in self.options]
        for o in self.options:
            key = o["key"]
            self.fields[f"{key}_offered"] = forms.BooleanField(
                label=_("Offer “%(label)s”") % {"label": o["label"]}, required=False,
                initial=True)
            self.fields[f"{key}_sessions"] = core_forms.IntegerField(
                label=_("%(label)s: sessions per week") % {"label": o["label"]},
                min_value=0, max_value=7, initial=o["sessions_per_week"])
            self.fields[f"{key}_practices"] = core_forms.IntegerField(
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
