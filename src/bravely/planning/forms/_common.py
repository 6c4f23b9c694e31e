"""Shared by the planning forms: the date widget and distress fields on the client's scale."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bravely.planning.selectors.safety import scale_of
from bravely.planning.services.safety import check_distress

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DistressMixin:
    """Checks distress fields against the client's scale with `clinical.scales`."""

    distress_fields: tuple[str, ...] = ()

    def _check_distress(self, cleaned):
        for name in self.distress_fields:
            value = cleaned.get(name)
            if name in self.errors or value is None:
                continue
            try:
                check_distress(self.client, value, name, self.fields[name].label,
                               required=False)
            except ValidationError as error:
                for message in error.message_dict[name]:
                    self.add_error(name, message)

    def _scale_help(self, names):
        scale = scale_of(self.client)
        for name in names:
            self.fields[name].widget.attrs.update({"min": scale.min, "max": scale.max})
            self.fields[name].help_text = _("On the client's scale, %(min)s to %(max)s.") % {
                "min": scale.min, "max": scale.max}
