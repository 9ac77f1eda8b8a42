"""A person's PPKS records and program receipts: added, changed, closed and removed from the
person's page by the officers who may change that person."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onegate import scoping
from onegate.forms import add_service_errors
from onegate.versioning import EditConflict

from .. import services
from ..forms import PpksRecordForm, ProgramReceiptForm
from ..models import PersonPpks, ProgramReceipt
from ..selectors import people_visible_to


def _person_to_change(request, pk):
    return scoping.get_scoped_object(request.user, people_visible_to(request.user), scoping.CHANGE, pk=pk)


@login_required
def ppks_record_edit(request, pk, record_pk=None):
    person = _person_to_change(request, pk)
    record = get_object_or_404(PersonPpks, pk=record_pk, person=person) if record_pk else None
    form = PpksRecordForm(request.POST or None, instance=record)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "category" or record is None}
        try:
            services.ppks_record_save(
                person, data=data, acting_user=request.user, record=record, expected_version=form.expected_version
            )
        except EditConflict as exc:
            conflict = form.show_conflict(exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("PPKS record saved."))
            return redirect(person)
    title = _("Change PPKS record") if record else _("Add PPKS record")
    return render(
        request, "registry/profile_form.html", {"form": form, "person": person, "title": title, "conflict": conflict}
    )


@login_required
@require_POST
def ppks_record_mark_handled(request, pk, record_pk):
    person = _person_to_change(request, pk)
    record = get_object_or_404(PersonPpks, pk=record_pk, person=person)
    services.ppks_record_mark_handled(record, acting_user=request.user)
    messages.success(request, _("PPKS record marked as handled."))
    return redirect(person)


@login_required
def program_receipt_add(request, pk):
    person = _person_to_change(request, pk)
    form = ProgramReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_receipt_add(person, data=form.cleaned_data, acting_user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Program saved."))
            return redirect(person)
    return render(
        request, "registry/profile_form.html", {"form": form, "person": person, "title": _("Add program received")}
    )


@login_required
@require_POST
def program_receipt_remove(request, pk, receipt_pk):
    person = _person_to_change(request, pk)
    receipt = get_object_or_404(ProgramReceipt, pk=receipt_pk, person=person)
    services.program_receipt_remove(receipt, acting_user=request.user)
    messages.success(request, _("Program removed."))
    return redirect(person)
