from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field, else above the form
    (also for a hidden field such as a version, which the person cannot see or change)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            visible = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if visible else None, errors)
    else:
        form.add_error(None, error.messages)
