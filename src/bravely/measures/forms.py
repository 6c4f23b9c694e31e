from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.measures.models import Schedule


class ImportForm(forms.Form):
    """A practice admin imports wording for an instrument, or a whole instrument."""

    KIND_WORDING, KIND_INSTRUMENT = "wording", "instrument"
    kind = forms.ChoiceField(label=_("What are you importing?"), widget=forms.RadioSelect,
                             choices=[(KIND_WORDING, _("Item wording for an instrument listed "
                                                       "here (a FHIR R4 Questionnaire)")),
                                      (KIND_INSTRUMENT, _("A whole instrument: its definition "
                                                          "(Bravely's JSON) and, optionally, "
                                                          "its wording"))])
    instrument = forms.ChoiceField(label=_("Instrument (for wording)"), required=False)
    definition = forms.FileField(label=_("Definition file (JSON)"), required=False)
    questionnaire = forms.FileField(label=_("FHIR Questionnaire file (JSON)"), required=False)
    licence_note = forms.CharField(
        label=_("Licence or permission"), max_length=3000, widget=forms.Textarea({"rows": 3}),
        help_text=_("Under which licence or permission your practice uses this text. Import "
                    "only wording your practice is entitled to use."))

    def __init__(self, *args, instruments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [("", "—")] + [
            (str(i.pk), f"{i.name} (v{i.version})") for i in instruments]

    def clean(self):
        data = super().clean()
        if data.get("kind") == self.KIND_WORDING:
            if not data.get("instrument"):
                self.add_error("instrument", _("Choose the instrument this wording is for."))
            if not data.get("questionnaire"):
                self.add_error("questionnaire", _("Choose the Questionnaire file."))
        elif data.get("kind") == self.KIND_INSTRUMENT and not data.get("definition"):
            self.add_error("definition", _("Choose the definition file."))
        return data


class ScheduleForm(forms.Form):
    ONCE, REPEAT = "once", "repeat"
    instrument = forms.ChoiceField(label=_("Measure"))
    frequency = forms.ChoiceField(label=_("How often"), widget=forms.RadioSelect,
                                  choices=[(ONCE, _("Once")), (REPEAT, _("Every few weeks"))],
                                  initial=ONCE)
    every_weeks = forms.IntegerField(label=_("Every (weeks)"), min_value=1, max_value=52,
                                     required=False, initial=2)
    starts_on = forms.DateField(label=_("First due on"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    review_after_weeks = forms.IntegerField(
        label=_("Not on track after (weeks)"), min_value=1,
        max_value=52, initial=6,
        help_text=Schedule._meta.get_field("review_after_weeks").help_text)

    def __init__(self, *args, instruments=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(str(i.pk), i.name) for i in instruments]

    def clean(self):
        data = super().clean()
        if data.get("frequency") == self.REPEAT and not data.get("every_weeks"):
            self.add_error("every_weeks", _("Say every how many weeks."))
        return data

    @property
    def every_weeks_value(self):
        data = self.cleaned_data
        return data.get("every_weeks") if data.get("frequency") == self.REPEAT else None


class EntryForm(forms.Form):
    """The clinician enters a completed paper form: one choice per item."""

    completed_on = forms.DateField(label=_("Completed on"),
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, items=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("completed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        for item in items:
            label = (_("%(number)s. %(text)s") % {"number": item["number"], "text": item["text"]}
                     if item["has_wording"] else item["text"])
            self.fields[item["id"]] = forms.TypedChoiceField(
                label=label, coerce=int, widget=forms.RadioSelect,
                choices=[(str(score), str(score) if text == str(score) else
                          _("%(score)s: %(text)s") % {"score": score, "text": text})
                         for score, text in item["options"]])

    def answers(self, items):
        return {item["id"]: self.cleaned_data[item["id"]] for item in items}


class ItemForm(forms.Form):
    """One item per screen in the portal."""

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"] = forms.TypedChoiceField(
            label=item["text"], coerce=int, widget=forms.RadioSelect(attrs={"class": "big"}),
            choices=[(str(score), label) for score, label in item["options"]],
            error_messages={"required": _("Choose one answer."),
                            "invalid_choice": _("Choose one of the answers shown.")})
