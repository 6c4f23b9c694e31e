from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.core import forms as core_forms
from bravely.planning.selectors.safety import skill_label
from bravely.practice.models import CheckInSettings, PracticeLog

TEXT = {"rows": 3}


def distress_widget(scale_max: int, step: int = 1):
    """A number box people can type into; portal.js adds a large slider beside it."""
    return forms.NumberInput(attrs={
        "min": 0, "max": scale_max, "step": step, "inputmode": "numeric", "class": "scale",
        "data-slider": "on",
    })


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def answered_risk(form, name: str) -> bool:
    """Whether a submitted form said yes to the risk question, even if the form is invalid."""
    try:
        return bool(form.fields[name].clean(form.data.get(name)))
    except forms.ValidationError:
        return False


class PracticeLogForm(forms.Form):
    """One practice, as the client lived it. Distress is on the client's own scale."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    started_at = forms.DateTimeField(
        label=_("When did you start?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    duration_minutes = core_forms.IntegerField(label=_("How long did it last (minutes)?"),
                                          min_value=1, max_value=1440)
    distress_before = core_forms.IntegerField(label=_("Distress just before"))
    distress_peak = core_forms.IntegerField(label=_("Distress at its highest"))
    distress_after = core_forms.IntegerField(label=_("Distress at the end"))
    peak_confirmed = forms.BooleanField(
        label=_("Yes, the peak really was lower than before or after"), required=False)
    likelihood_after = core_forms.IntegerField(
        label=_("How likely does it seem now (0-100 %)?"), min_value=0, max_value=100,
        required=False, widget=distress_widget(100, 5))
    feared_outcome_happened = forms.ChoiceField(
        label=_("Did what you feared happen?"), required=False, widget=forms.RadioSelect,
        choices=PracticeLog.Happened.choices)
    what_happened = forms.CharField(label=_("What actually happened?"), required=False,
                                    max_length=3000, widget=forms.Textarea(attrs=TEXT))
    surprise = core_forms.IntegerField(
        label=_("How surprised were you (0-10)?"), min_value=0, max_value=10, required=False,
        widget=distress_widget(10))
    safety_behaviours_used = forms.MultipleChoiceField(
        label=_("Safety behaviours you used"), required=False,
        widget=forms.CheckboxSelectMultiple)
    safety_behaviours_other = forms.CharField(label=_("Other safety behaviours"),
                                              required=False, max_length=500)
    stopped_early = forms.BooleanField(label=_("I stopped early"), required=False)
    stopped_early_reason = forms.CharField(label=_("Why did you stop?"), required=False,
                                           max_length=2000, widget=forms.Textarea(attrs=TEXT))
    coping_used = forms.MultipleChoiceField(label=_("Coping you used"), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    body_sensations = forms.CharField(label=_("Body sensations you noticed"), required=False,
                                      max_length=2000, widget=forms.Textarea(attrs=TEXT))
    emotions = forms.CharField(label=_("Emotions, in your own words"), required=False,
                               max_length=2000, widget=forms.Textarea(attrs=TEXT))
    catastrophic_prediction = forms.CharField(
        label=_("The scary prediction your mind made"), required=False, max_length=2000,
        widget=forms.Textarea(attrs=TEXT))
    balanced_appraisal = forms.CharField(label=_("A more balanced way to see it"),
                                         required=False, max_length=2000,
                                         widget=forms.Textarea(attrs=TEXT))
    learned = forms.CharField(label=_("What did you learn?"), required=False, max_length=3000,
                              widget=forms.Textarea(attrs=TEXT))
    value_reflection = forms.CharField(label=_("How did this serve what matters to you?"),
                                       required=False, max_length=3000,
                                       widget=forms.Textarea(attrs=TEXT))
    risk_flag = forms.BooleanField(
        label=_("I had thoughts of harming myself"), required=False,
        help_text=_("If you tick this, your care team is told so they can check in with you."))

    def __init__(self, *args, client, rung, safety, **kwargs):
        super().__init__(*args, **kwargs)
        scale_max = client.scale_max
        for name in ("distress_before", "distress_peak", "distress_after"):
            field = self.fields[name]
            field.min_value, field.max_value = 0, scale_max
            field.widget = distress_widget(scale_max)
            field.validators = []
            field.help_text = _("0 is calm, %(max)s is the worst you can imagine.") % {
                "max": scale_max}
        self.fields["safety_behaviours_used"].choices = [
            (b, b) for b in lines(rung.safety_behaviours)]
        allowed = [skill_label(s) for s in (safety.allowed_skills() if safety else [])]
        self.fields["coping_used"].choices = [(label, label) for label in allowed if label]
        if not self.is_bound:
            self.initial.setdefault("started_at", timezone.localtime().replace(second=0,
                                                                              microsecond=0))
        if not rung.feared_outcome:
            del self.fields["likelihood_after"]
            del self.fields["feared_outcome_happened"]

    def clean_distress(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not 0 <= value <= self.fields[name].max_value:
            raise forms.ValidationError(
                _("Use a whole number from 0 to %(max)s.") % {"max": self.fields[name].max_value})
        return value

    def clean_distress_before(self):
        return self.clean_distress("distress_before")

    def clean_distress_peak(self):
        return self.clean_distress("distress_peak")

    def clean_distress_after(self):
        return self.clean_distress("distress_after")

    def log_data(self) -> dict:
        data = dict(self.cleaned_data)
        other = data.pop("safety_behaviours_other", "")
        data["safety_behaviours_used"] = list(data.get("safety_behaviours_used") or []) + (
            [other] if other else [])
        data["coping_used"] = list(data.get("coping_used") or [])
        data.pop("idempotency_key", None)
        return data


class CheckInForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    risk = forms.TypedChoiceField(
        label="", choices=[("no", _("No")), ("yes", _("Yes"))], widget=forms.RadioSelect,
        coerce=lambda v: v == "yes")
    tolerable_distress = core_forms.IntegerField(label=_("The most distress you could handle in "
                                                    "practice this week"), required=False)
    note = forms.CharField(label=_("Anything you want your clinician to know?"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, client, question, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].label = question
        self.fields["tolerable_distress"] = core_forms.IntegerField(
            label=self.fields["tolerable_distress"].label, required=False, min_value=0,
            max_value=client.scale_max, widget=distress_widget(client.scale_max))
        self.statements = statements
        for statement in statements:
            self.fields[f"value_{statement.pk}"] = core_forms.IntegerField(
                label=_("This week, how much did you live by: “%(value)s” (0-10)?") % {
                    "value": statement.text},
                min_value=0, max_value=10, required=False,
                widget=distress_widget(10))

    def check_in_data(self) -> dict:
        data = self.cleaned_data
        return {
            "risk": data["risk"],
            "tolerable_distress": data.get("tolerable_distress"),
            "note": data.get("note", ""),
            "value_ratings": [
                {"statement_id": s.pk, "rating": data[f"value_{s.pk}"]}
                for s in self.statements if data.get(f"value_{s.pk}") is not None
            ],
        }


class JournalForm(forms.Form):
    text = forms.CharField(label=_("What do you want to note?"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    value = core_forms.ModelChoiceField(label=_("Which of your values is it about? (optional)"),
                                   queryset=None, required=False)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].queryset = client.value_statements.filter(archived_at__isnull=True)
        self.fields["value"].empty_label = _("None in particular")


class CloseAlertForm(forms.Form):
    note = forms.CharField(label=_("What was done (required to close)"), max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class CheckInSettingsForm(core_forms.ModelForm):
    class Meta:
        model = CheckInSettings
        fields = ["risk_question", "every_days"]
        help_texts = {
            "risk_question": _("Asked at every check-in, answered yes or no. A yes shows the "
                               "client crisis resources at once and raises a risk alert."),
        }


class ClientCheckInForm(forms.Form):
    every_days = core_forms.IntegerField(
        label=_("This client checks in every (days)"), min_value=1, max_value=60, required=False,
        help_text=_("Leave empty to use the practice's default."))
