from django import forms
from django.utils.translation import gettext_lazy as _

from bravely.core.forms import IntegerField
from bravely.planning.forms.values import StatementForm
from bravely.portal.models import SupportPerson
from bravely.practice.forms import PracticeLogForm, distress_widget


class InviteClientForm(forms.Form):
    email = forms.EmailField(label=_("Client's e-mail address"), max_length=254)


class SupportPersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    relationship = forms.CharField(label=_("Relationship to the client"), max_length=60,
                                   help_text=_("For example: partner, parent, friend."))
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    shares = forms.MultipleChoiceField(
        label=_("What the client chose to share"), choices=SupportPerson.Share.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    client_consents = forms.BooleanField(
        label=_("The client consents to sharing this with this person"),
    )
    consent_note = forms.CharField(
        label=_("How the client consented"), max_length=500,
        help_text=_("For example: 'Agreed in session on 3 March, may withdraw at any time.'"),
    )


class JoinForm(forms.Form):
    password1 = forms.CharField(label=_("Choose a password"), max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data


class OwnStatementForm(StatementForm):
    """The value-statement form as the client sees it: addressed to them, not about them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].label = _("Area of life")
        self.fields["domain"].empty_label = _("Choose an area of life")
        self.fields["text"].label = _("In your words")
        self.fields["rank"].label = _("Its place among your values")
        self.fields["rank"].help_text = _("1 is what matters most to you.")


# Practise now: before, during, after -------------------------------------------------------

class PractiseBeforeForm(forms.Form):
    """Just before a practise-now run: the prediction and how strong the fear is now."""

    likelihood_before = forms.IntegerField(min_value=0, max_value=100, required=False)
    distress_now = IntegerField(label=_("How strong is the fear right now?"))

    def __init__(self, *args, client, fear: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        box = distress_widget(client.scale_max)
        self.fields["distress_now"].widget = box
        self.fields["distress_now"].help_text = _(
            "0 is calm, %(max)s is the worst you can imagine.") % {"max": client.scale_max}
        if fear:
            field = self.fields["likelihood_before"]
            field.required = True
            field.label = _("How likely is it that this will happen: “%(fear)s”? (0-100 %%)") % {
                "fear": fear}
            field.widget = distress_widget(100, 5)
        else:
            del self.fields["likelihood_before"]

    def clean_distress_now(self):
        value = self.cleaned_data.get("distress_now")
        if value is not None and not 0 <= value <= self.client.scale_max:
            raise forms.ValidationError(_("Use a whole number from 0 to %(max)s.") % {
                "max": self.client.scale_max})
        return value


class RatingForm(forms.Form):
    value = IntegerField(label=_("How strong is the fear right now?"))

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["value"].widget = distress_widget(client.scale_max)
        self.fields["value"].widget.attrs["class"] = "scale big"
        self.fields["value"].help_text = _("0 is calm, %(max)s is the worst you can imagine.") % {
            "max": client.scale_max}

    def clean_value(self):
        value = self.cleaned_data.get("value")
        if value is not None and not 0 <= value <= self.client.scale_max:
            raise forms.ValidationError(_("Use a whole number from 0 to %(max)s.") % {
                "max": self.client.scale_max})
        return value


class OfflineRunForm(forms.Form):
    """What the phone adds to a run it practised offline: the signed page ticket, when the run
    began by the phone's clock, and the prediction asked before it."""

    ticket = forms.CharField(max_length=1000)
    started_at = forms.DateTimeField()
    likelihood_before = IntegerField(required=False)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def clean_likelihood_before(self):
        value = self.cleaned_data.get("likelihood_before")
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_("Enter how likely it seems, from 0 to 100 %."))
        return value


class ReflectionForm(PracticeLogForm):
    """After a practise-now run. Distress before, at its peak and after come from the ratings
    along the way; the start and the prediction from the run itself."""

    ratings_json = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20000)
    UP_FRONT = ("feared_outcome_happened", "what_happened", "likelihood_after", "learned",
                "value_reflection")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("started_at", "distress_before", "distress_peak", "distress_after",
                     "peak_confirmed"):
            del self.fields[name]
        self.fields["what_happened"].label = _("What actually happened?")
        self.fields["value_reflection"].label = _("How did this practice serve what matters "
                                                  "to you?")

    def clean_ratings_json(self):
        import json

        raw = self.cleaned_data.get("ratings_json") or ""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("The ratings along the way could not be read. "
                                          "Open the practice again.")) from None

    def up_front(self):
        return [self[name] for name in self.UP_FRONT if name in self.fields]

    def more(self):
        names = ("duration_minutes", "surprise", "safety_behaviours_used",
                 "safety_behaviours_other", "coping_used", "body_sensations", "emotions",
                 "catastrophic_prediction", "balanced_appraisal")
        return [self[n] for n in names if n in self.fields and (
            n not in ("safety_behaviours_used", "coping_used") or self.fields[n].choices)]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES
