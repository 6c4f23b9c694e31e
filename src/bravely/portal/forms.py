from django import forms
from django.utils.translation import gettext_lazy as _

from bravely.planning.forms.values import StatementForm
from bravely.portal.models import SupportPerson


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
