from django import forms
from django.utils.translation import gettext_lazy as _

from bravely.core import forms as core_forms
from bravely.pacing.models import POLICY_FIELDS, Kind, PacingSettings
from bravely.pacing.services import APPLIES


class DecisionForm(forms.Form):
    """Accept or dismiss one recommendation: the clicked button sets `decision`."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("dismiss", _("Dismiss"))],
                                 widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you accept or dismiss it; kept with the decision."))
    apply = forms.BooleanField(label=_("Apply the change to the ladder now"), required=False,
                               initial=True)
    behaviour = forms.CharField(
        label=_("Behaviour of the new rung"), required=False, max_length=300,
        help_text=_("Optional; you can edit the new rung with the client afterwards."))

    def __init__(self, *args, rec, **kwargs):
        super().__init__(*args, **kwargs)
        self.rec = rec
        if rec.kind not in APPLIES:
            del self.fields["apply"]
        if rec.kind != Kind.SPLIT_RUNG:
            del self.fields["behaviour"]
        if rec.requires_note_to_dismiss:
            self.fields["note"].required = True
            self.fields["note"].help_text = _(
                "Required: what was done about the risk (or why nothing is needed).")
            self.fields["note"].error_messages["required"] = _(
                "A crisis follow-up cannot be closed without a note: write what was done about "
                "the risk (or why nothing is needed).")


class PacingSettingsForm(core_forms.ModelForm):
    class Meta:
        model = PacingSettings
        fields = list(POLICY_FIELDS)
