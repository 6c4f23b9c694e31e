"""Forms of homework: the assignment, its signed rationale, cancelling."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bravely.core import forms as core_forms
from bravely.planning.forms._common import DATE


class AssignmentForm(forms.Form):
    frequency_per_week = core_forms.IntegerField(label=_("Practices per week"), min_value=1,
                                            max_value=21)
    rating_every_minutes = forms.IntegerField(
        label=_("Ask for a rating every (minutes)"), min_value=1, max_value=30, initial=3,
        required=False,
        help_text=_("During practise-now the client rates how strong the fear is at this "
                    "interval. Bravely default: 3 minutes."))
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
    override_reason = forms.CharField(
        label=_("Reason for assigning it anyway"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when a check above advises against this homework; it is "
                    "recorded and shown in the rationale."))

    def __init__(self, *args, needs_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_override:
            del self.fields["override_reason"]

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
    corrects = core_forms.IdField()

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        if correcting:
            self.fields["correction_reason"].required = True
        else:
            del self.fields["correction_reason"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=500)
