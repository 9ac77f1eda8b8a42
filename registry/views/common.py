"""Pieces the registry's views share."""

from django.core.exceptions import ValidationError

from onegate import scoping

from ..models import Person


def scoped_people(user, action=scoping.VIEW):
    """People the user may see (or act on), merged-away records left out."""
    return scoping.restrict(Person.objects.filter(merged_into__isnull=True), user, action)


def add_service_errors(form, exc: ValidationError):
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
