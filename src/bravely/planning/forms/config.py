"""Forms of practice configuration: value domains, crisis resources, planning settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bravely.clients.forms import region_validator
from bravely.core import forms as core_forms
from bravely.planning.models.config import CrisisResource, PlanningSettings, ValueDomain
from bravely.planning.services.config import SETTINGS_FIELDS


class ValueDomainForm(core_forms.ModelForm):
    class Meta:
        model = ValueDomain
        fields = ["name", "position", "is_active"]


class CrisisResourceForm(core_forms.ModelForm):
    url = forms.URLField(label=_("Web address"), required=False, max_length=200,
                         assume_scheme="https")

    class Meta:
        model = CrisisResource
        fields = ["region", "name", "contact", "url", "notes", "needs_verification", "position",
                  "is_active"]

    def clean_region(self):
        region = self.cleaned_data["region"].strip().upper()
        region_validator(region)
        return region


class PlanningSettingsForm(core_forms.ModelForm):
    class Meta:
        model = PlanningSettings
        fields = list(SETTINGS_FIELDS)
