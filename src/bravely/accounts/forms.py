from django import forms
from django.utils.translation import gettext_lazy as _

from bravely.accounts.models import Membership, Practice, Role
from bravely.clients.models import ConsentItem
from bravely.core import forms as core_forms


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CLINICIAN)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), max_length=128)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), max_length=128)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data


class MembershipForm(core_forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "supervisor", "is_active"]
        labels = {"is_active": _("Active member")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = Membership.objects.filter(
            practice_id=self.instance.practice_id, role=Role.SUPERVISOR, is_active=True
        ).exclude(pk=self.instance.pk).select_related("user")


class PracticeForm(core_forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["name", "require_clinician_2fa", "default_region"]

    def clean_default_region(self):
        return self.cleaned_data["default_region"].strip().upper()


class ConsentItemForm(core_forms.ModelForm):
    class Meta:
        model = ConsentItem
        fields = ["kind", "text", "position", "is_active"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           help_text=_("What the token is for, e.g. 'reporting script'."))


class StaffLanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of your pages"), required=False,
                                 widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The language of my browser")),
                                           *settings.LANGUAGES]
