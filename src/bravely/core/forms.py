from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Model

from bravely.core.params import MAX_ID, MAX_INT, parse_id


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field, else above the form
    (also for a hidden field such as a version, which the person cannot see or change)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            visible = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if visible else None, errors)
    else:
        form.add_error(None, error.messages)


# Form fields with the bounds of core.params: a value that cannot be an id is "not a valid
# choice", never a query (SQLite raises OverflowError comparing a 20-digit number).


def _is_id(value) -> bool:
    return value in (None, "") or parse_id(value) is not None or isinstance(value, Model)


class ModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses anything that is not an id before the query."""

    def to_python(self, value):
        if self.to_field_name is None and not _is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses anything that is not an id before the query."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value if isinstance(value, list | tuple | set) else [value]:
                if not _is_id(pk):
                    raise ValidationError(self.error_messages["invalid_pk_value"],
                                          code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


class IntegerField(forms.IntegerField):
    """An IntegerField that an ordinary integer column can hold (max MAX_INT unless told)."""

    def __init__(self, *, max_value=None, min_value=None, **kwargs):
        super().__init__(max_value=MAX_INT if max_value is None else max_value,
                         min_value=-MAX_INT - 1 if min_value is None else min_value, **kwargs)


class IdField(forms.IntegerField):
    """A hidden id or version number: 1 (0 for a version) to MAX_ID."""

    def __init__(self, *, min_value=0, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("required", False)
        super().__init__(min_value=min_value, max_value=MAX_ID, **kwargs)


def bounded_formfield(db_field, **kwargs):
    """ModelForm's formfield_callback: foreign keys and many-to-many fields get the bounded choice
    fields above, integer fields the bounds of their column (see ModelForm)."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    elif isinstance(db_field, models.IntegerField) and not db_field.choices:
        # the narrowest range any of our databases gives the column (PostgreSQL's)
        low, high = BaseDatabaseOperations.integer_field_ranges.get(
            db_field.get_internal_type(), (-MAX_ID - 1, MAX_ID))
        kwargs.setdefault("max_value", high)
        kwargs.setdefault("min_value", low)
    return db_field.formfield(**kwargs)


class _BoundedModelFormMetaclass(forms.models.ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and getattr(meta, "formfield_callback", None) is None:
            meta.formfield_callback = staticmethod(bounded_formfield)
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=_BoundedModelFormMetaclass):
    """Every ModelForm of Bravely's: its foreign-key and many-to-many fields refuse values that
    are not ids (tests/test_tampered_input.py checks that every form uses these fields)."""
