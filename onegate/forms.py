"""Form helpers every capability's views share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onegate.versioning import EditConflict, conflict_before_validating


def add_service_errors(form, exc: ValidationError):
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def run_action(request, record, form_class, run, *, success: str, template: str, form_kwargs=None):
    """One action form on ``record`` (a complaint's status, a referral's note…), posted: when the
    form is valid, ``run(record, cleaned_data, expected_version)`` calls the service; then a success
    message and back to the record's page. Otherwise ``template`` shows the form again (with the
    record under its model's name) with the service's errors (400), or with what changed meanwhile
    when the record was saved by someone else since the form was loaded (409)."""
    form = form_class(request.POST, request.FILES or None, **(form_kwargs or {}))
    conflict = conflict_before_validating(form, record)
    if conflict is None and form.is_valid():
        try:
            run(record, form.cleaned_data, getattr(form, "expected_version", None))
        except EditConflict as exc:
            conflict = form.show_conflict(exc)
            record.refresh_from_db()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(record)
    if conflict is None:
        messages.error(request, _("Not saved: see the form below."))
    context = {record._meta.model_name: record, "form": form, "conflict": conflict}
    return render(request, template, context, status=409 if conflict else 400)
