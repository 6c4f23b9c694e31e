from django import forms
from django.utils.translation import gettext_lazy as _

from bravely.core.forms import IdField
from bravely.records.models import NOTE_TEXT


class DateInput(forms.DateInput):
    input_type = "date"


class NewNoteForm(forms.Form):
    session_date = forms.DateField(label=_("Session date"), widget=DateInput)
    period_start = forms.DateField(
        label=_("Facts since"), required=False, widget=DateInput,
        help_text=_("Leave empty for the day after the last signed note (or a week before)."))


class NoteForm(forms.Form):
    session_date = forms.DateField(label=_("Session date"), widget=DateInput)
    period_start = forms.DateField(label=_("Facts since"), widget=DateInput)
    data = forms.CharField(label=_("Data"), required=False, max_length=NOTE_TEXT,
                           widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("What happened: what the client reported and did, what "
                                       "was observed, what was logged."))
    assessment = forms.CharField(label=_("Assessment"), required=False, max_length=NOTE_TEXT,
                                 widget=forms.Textarea(attrs={"rows": 7}),
                                 help_text=_("Your clinical reading: progress, risk, what it "
                                             "means for the plan."))
    plan = forms.CharField(label=_("Plan"), required=False, max_length=NOTE_TEXT,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("What happens next: rung, homework, pace, next "
                                       "session."))
    version = IdField(min_value=1, required=True)


class AddendumForm(forms.Form):
    text = forms.CharField(label=_("Addendum"), max_length=NOTE_TEXT,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("A correction or addition. It is signed with your name "
                                       "and today's date when you add it."))


class CoSignForm(forms.Form):
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 3}))
