"""Forms of safety parameters: the parameters, coping skills, support contacts and the
acknowledgement recorded in session."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bravely.core import forms as core_forms
from bravely.planning.forms._common import DistressMixin
from bravely.planning.models.safety import CopingKind, SafetyAcknowledgement


class SafetyForm(DistressMixin, forms.Form):
    distress_fields = ("distress_ceiling", "coping_level")

    distress_ceiling = core_forms.IntegerField(label=_("Distress ceiling (stop the practice)"))
    coping_level = core_forms.IntegerField(label=_("Use-my-coping-plan level (optional)"),
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
    based_on = core_forms.IdField()

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


class AcknowledgeSafetyForm(core_forms.ModelForm):
    """Staff record an acknowledgement made in session; only the client records 'portal'."""

    class Meta:
        model = SafetyAcknowledgement
        fields = ["method", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [
            c for c in self.fields["method"].choices
            if c[0] == SafetyAcknowledgement.Method.SESSION]
