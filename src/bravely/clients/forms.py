from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from bravely.accounts.models import User
from bravely.accounts.selectors import clinicians_of_practice
from bravely.clients.models import Client, ConsentItem, ConsentRecord, default_time_zone
from bravely.core import forms as core_forms

region_validator = RegexValidator(
    r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$",
    _("Use a country code such as US or GB, optionally with a region: US-CA."),
)


class ClientForm(core_forms.ModelForm):
    care_team = core_forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Care team"),
        help_text=_("The primary clinician is always on the care team."),
    )
    locale = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), required=False,
        choices=lambda: [("", ""), *((z, z) for z in sorted(available_timezones()))],
        help_text=_("The client's own: days (missed practice, homework windows, the agreed "
                    "pace) are counted in it."))

    class Meta:
        model = Client
        fields = [
            "display_name", "pronouns", "date_of_birth", "status", "presenting_concerns",
            "primary_clinician", "care_team", "distress_scale", "locale", "region",
            "time_zone",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "presenting_concerns": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(
            membership__in=clinicians_of_practice(practice.pk)
        ).order_by("full_name", "email")
        self.fields["primary_clinician"].queryset = staff
        self.fields["care_team"].queryset = staff
        if not self.instance.pk:
            self.fields["region"].initial = practice.default_region
        else:
            self.fields["care_team"].initial = list(self.instance.care_team.all())

    def clean_time_zone(self):
        """Left empty: the record's own, or the practice's for a new client."""
        return self.cleaned_data.get("time_zone") or self.instance.time_zone or \
            default_time_zone()

    def clean_region(self):
        region = self.cleaned_data["region"].strip().upper()
        region_validator(region)  # after normalising, so "us-ca" is accepted as "US-CA"
        return region



class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for archiving"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ConsentRecord.Decision.choices, widget=forms.RadioSelect
    )
    items = core_forms.ModelMultipleChoiceField(
        queryset=ConsentItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Benefits and risks discussed"),
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = ConsentItem.objects.filter(
            practice=practice, is_active=True
        )
