"""Forms of values: the assessment, value statements and valued goals."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.core import forms as core_forms
from bravely.planning.forms._common import DATE
from bravely.planning.models.config import ValueDomain
from bravely.planning.models.values import ValuedGoal, ValuesAssessment, ValueStatement


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    source = forms.ChoiceField(label=_("Completed"), choices=ValuesAssessment.Source.choices,
                               initial=ValuesAssessment.Source.SESSION)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = list(domains)
        for domain in self.domains:
            for kind, label in (("importance", _("importance")),
                                ("consistency", _("consistency"))):
                self.fields[f"{kind}_{domain.pk}"] = core_forms.IntegerField(
                    label=f"{domain.name}: {label} (1-10)", required=False,
                    min_value=1, max_value=10,
                    error_messages={
                        "min_value": _("Rate from 1 to 10."),
                        "max_value": _("Rate from 1 to 10."),
                        "invalid": _("Rate with a whole number from 1 to 10."),
                    },
                    widget=forms.NumberInput(attrs={"min": 1, "max": 10, "inputmode": "numeric"}),
                )

    def domain_rows(self):
        return [(d, self[f"importance_{d.pk}"], self[f"consistency_{d.pk}"])
                for d in self.domains]

    def clean(self):
        cleaned = super().clean()
        ratings = []
        for domain in self.domains:
            imp_name, con_name = f"importance_{domain.pk}", f"consistency_{domain.pk}"
            if imp_name in self.errors or con_name in self.errors:
                continue
            importance, consistency = cleaned.get(imp_name), cleaned.get(con_name)
            if importance is None and consistency is None:
                continue
            if importance is None:
                self.add_error(imp_name, _("Rate importance too, or leave both empty."))
            elif consistency is None:
                self.add_error(con_name, _("Rate consistency too, or leave both empty."))
            else:
                ratings.append((domain, importance, consistency))
        if not ratings and not self.errors:
            raise ValidationError(_("Rate at least one life domain."))
        cleaned["ratings"] = ratings
        return cleaned


class StatementForm(core_forms.ModelForm):
    version = core_forms.IdField()

    class Meta:
        model = ValueStatement
        fields = ["domain", "text", "rank"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = ValueDomain.objects.filter(practice=practice,
                                                                    is_active=True)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version


class GoalForm(core_forms.ModelForm):
    version = core_forms.IdField()
    note = forms.CharField(label=_("What changed and why"), max_length=500, required=False)

    class Meta:
        model = ValuedGoal
        fields = ["statement", "what", "times", "per", "by_when", "status"]
        widgets = {"by_when": DATE}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].queryset = ValueStatement.objects.filter(
            client=client, archived_at__isnull=True).select_related("domain")
        self.fields["times"].widget.attrs.update({"min": 1, "max": 100})
        if self.instance.pk is None:
            del self.fields["status"]
            del self.fields["note"]
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
