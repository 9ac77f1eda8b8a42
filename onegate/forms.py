"""Form helpers every capability's views share."""

from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError):
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
