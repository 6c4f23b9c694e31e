"""Forms for maintenance. List fields (warning signs, contacts, ...) are rows of two inputs,
named <list>-<n>-<part>; empty rows are dropped by the service."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from bravely.core.forms import IdField, IntegerField
from bravely.maintenance.models import BoosterOffer
from bravely.practice.forms import distress_widget

ROWS_LIMIT = 30
EXTRA_ROWS = 2
TEXT = {"rows": 3}

# (list name, legend, (part, label), (part, label))
LISTS = (
    ("values_reinforced", _("What each achievement reinforced"),
     ("achievement", _("Achievement")), ("values", _("Values it reinforced"))),
    ("warning_signs", _("Early warning signs of sliding back into avoidance"),
     ("sign", _("Warning sign")), ("action", _("What I will do"))),
    ("contacts", _("Who to contact"), ("name", _("Who")), ("how", _("How, and when"))),
    ("skills", _("Skills I built and when to use them"),
     ("skill", _("Skill")), ("when", _("When to use it"))),
)


def read_rows(data, name: str, parts: tuple[str, str]) -> list[dict]:
    rows = []
    for i in range(ROWS_LIMIT + EXTRA_ROWS + 10):
        row = {p: (data.get(f"{name}-{i}-{p}") or "").strip() for p in parts}
        if any(row.values()):
            rows.append(row)
    return rows


def rows_for_display(entries: list[dict], name: str, parts) -> list[list[tuple]]:
    """Rows of (input name, part, value) for the template: the entries, then empty rows."""
    filled = list(entries) + [{}] * EXTRA_ROWS
    return [[(f"{name}-{i}-{p}", p, row.get(p, "")) for p in parts]
            for i, row in enumerate(filled)]


class PlanForm(forms.Form):
    life_vision = forms.CharField(
        label=_("How this supports the life I want, in my own words"), required=False,
        max_length=3000, widget=forms.Textarea(attrs=TEXT),
        help_text=_("For example parenting, teamwork, creative work: the client's words."))
    lapse_note = forms.CharField(label=_("A lapse and a relapse, in plain words"),
                                 max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    safety_note = forms.CharField(label=_("How my safety parameters carry on"), required=False,
                                  max_length=2000, widget=forms.Textarea(attrs=TEXT))
    change_note = forms.CharField(label=_("What changed and why"), required=False,
                                  max_length=500)
    based_on = IdField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lists = {}
        if self.is_bound:
            for name, _legend, first, second in LISTS:
                self.lists[name] = read_rows(self.data, name, (first[0], second[0]))

    def plan_data(self) -> dict:
        return {**self.cleaned_data, **self.lists}


class ScheduleForm(forms.Form):
    per_week = forms.IntegerField(label=_("Practices a week"), min_value=1, max_value=7,
                                  initial=2)
    weeks = forms.IntegerField(label=_("For how many weeks"), min_value=1, max_value=26,
                               initial=8)
    tolerable = IntegerField(
        label=_("Highest tolerable distress (optional)"), required=False, min_value=0,
        help_text=_("Rungs predicted above it are left out."))
    contexts = forms.CharField(
        label=_("Contexts to vary, one per line"), required=False, max_length=3000,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("Different places, times and people: each practice takes the next one."))

    def context_lines(self):
        return [c.strip() for c in self.cleaned_data.get("contexts", "").splitlines()
                if c.strip()]


class ItemForm(forms.Form):
    planned_on = forms.DateField(label=_("Planned for"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    context = forms.CharField(label=_("Context to vary"), required=False, max_length=200)
    cancel = forms.BooleanField(label=_("Take this practice off the schedule"),
                                required=False)


class PhaseForm(forms.Form):
    started_on = forms.DateField(label=_("Active treatment ended on"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    booster_weeks = forms.CharField(
        label=_("Booster check-ins, in weeks after that day"), required=False, max_length=200,
        help_text=_("Separated by commas, such as 2, 4, 8, 12. Empty: the practice's "
                    "schedule."))
    responded_not_remitted = forms.BooleanField(
        label=_("Responded but did not reach remission (boosters come sooner)"),
        required=False)

    def clean_booster_weeks(self):
        text = self.cleaned_data["booster_weeks"]
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        try:
            return [int(p) for p in parts]
        except ValueError:
            raise forms.ValidationError(_("Enter whole numbers of weeks separated by commas, "
                                          "such as 2, 4, 8, 12.")) from None


class PracticeSettingsForm(PhaseForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["started_on"], self.fields["responded_not_remitted"]
        self.fields["booster_weeks"].required = True
        self.fields["booster_weeks"].help_text = _(
            "Separated by commas. Bravely's default is 2, 4, 8, 12 (expanding intervals).")


class BoosterForm(forms.Form):
    """Re-rate the top rungs and the values; tick the warning signs noticed."""

    note = forms.CharField(label=_("Anything else?"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs=TEXT))
    other_sign = forms.CharField(label=_("Another warning sign, in your words"),
                                 required=False, max_length=500)

    risk = forms.TypedChoiceField(
        label="", choices=[("no", _("No")), ("yes", _("Yes"))], widget=forms.RadioSelect,
        coerce=lambda v: v == "yes", required=False, empty_value=False)

    def __init__(self, *args, client, rungs, statements, signs, question="", **kwargs):
        super().__init__(*args, **kwargs)
        self.rungs, self.statements = rungs, statements
        self.fields["risk"].label = question  # the practice's check-in risk question
        for rung in rungs:
            self.fields[f"rung_{rung.pk}"] = forms.IntegerField(
                label=_("How hard would “%(rung)s” feel now?") % {"rung": rung.behaviour},
                min_value=0, max_value=client.scale_max, widget=distress_widget(
                    client.scale_max, 5 if client.scale_max == 100 else 1))
        for statement in statements:
            self.fields[f"value_{statement.pk}"] = forms.IntegerField(
                label=_("How much did you live “%(value)s” this week (0-10)?") % {
                    "value": statement.text}, min_value=0, max_value=10,
                widget=distress_widget(10))
        self.fields["signs"] = forms.MultipleChoiceField(
            label=_("Have you noticed any of your warning signs?"), required=False,
            choices=[(s, s) for s in signs], widget=forms.CheckboxSelectMultiple)

    def booster_data(self) -> dict:
        data = self.cleaned_data
        signs = list(data.get("signs") or [])
        if data.get("other_sign", "").strip():
            signs.append(data["other_sign"].strip())
        return {"rung_ratings": {r.pk: data[f"rung_{r.pk}"] for r in self.rungs},
                "value_ratings": {s.pk: data[f"value_{s.pk}"] for s in self.statements},
                "warning_signs": signs, "note": data.get("note", ""),
                "risk_answer": bool(data.get("risk"))}


class OfferForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (BoosterOffer.Status.OFFERED, _("A booster session was offered")),
        (BoosterOffer.Status.DISMISSED, _("Not needed now"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs=TEXT))


class LifestyleForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    what = forms.CharField(label=_("What did you face?"), max_length=300,
                           help_text=_("For example: took the crowded train, said no to a "
                                       "request."))
    value = forms.TypedChoiceField(label=_("What did it serve? (optional)"), required=False,
                                   coerce=int, empty_value=None, widget=forms.RadioSelect)
    distress_peak = IntegerField(label=_("Distress at its highest (optional)"),
                                       required=False, min_value=0)

    def __init__(self, *args, client, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = {s.pk: s for s in statements}
        self.fields["value"].choices = [(s.pk, s.text) for s in statements]
        self.fields["distress_peak"].max_value = client.scale_max
        self.fields["distress_peak"].widget = distress_widget(
            client.scale_max, 5 if client.scale_max == 100 else 1)
        self.fields["distress_peak"].validators.append(MaxValueValidator(client.scale_max))

    def lifestyle_data(self) -> dict:
        data = self.cleaned_data
        return {"what": data["what"], "value": self.statements.get(data.get("value")),
                "distress_peak": data.get("distress_peak")}


class GuidanceForm(forms.Form):
    helps = forms.CharField(
        label=_("What helps: how you can reinforce their progress"), max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example: notice and name the effort; join in everyday activities they "
                    "used to avoid; ask how you can help, then let them lead."))
    avoid = forms.CharField(
        label=_("What not to do"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example: do not reassure (“nothing bad will happen”) when asked again "
                    "and again; do not take over the task or do it for them; do not arrange "
                    "things so they can avoid."))
    consent_note = forms.CharField(label=_("How the client agreed to this"), max_length=500)
    client_consents = forms.BooleanField(
        label=_("The client agreed that this person sees this guidance"))


class ReminderForm(forms.Form):
    enabled = forms.BooleanField(label=_("Send me reminders by e-mail"), required=False)
    quiet_from = forms.TypedChoiceField(label=_("No reminders from"), coerce=int,
                                        choices=[(h, f"{h:02d}:00") for h in range(24)])
    quiet_until = forms.TypedChoiceField(label=_("until"), coerce=int,
                                         choices=[(h, f"{h:02d}:00") for h in range(24)])
