from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onegate import scoping

from .. import services
from ..forms import RejectForm
from ..models import Household, Person, SelfReport, SelfReportStatus, VerificationStatus
from ..selectors import people_visible_to


@login_required
def verification_queue(request):
    scoping.ensure_can(request.user, Household, scoping.VIEW)
    households = (
        scoping.restrict(Household.objects.select_related("region"), request.user)
        .filter(status__in=[VerificationStatus.SUBMITTED, VerificationStatus.DRAFT, VerificationStatus.REJECTED])
        .order_by("status", "-updated_at")
    )
    people = (
        people_visible_to(request.user)
        .filter(
            household__isnull=True,
            status__in=[VerificationStatus.SUBMITTED, VerificationStatus.DRAFT, VerificationStatus.REJECTED],
        )
        .select_related("region")
    )
    self_reports = (
        scoping.restrict(SelfReport.objects.select_related("region"), request.user)
        .filter(status=SelfReportStatus.NEW)
        .order_by("created_at")
    )
    return render(
        request,
        "registry/verification_queue.html",
        {
            "households": households[:200],
            "people": people[:200],
            "self_reports": self_reports[:200],
            "can_verify": scoping.can(request.user, Household, "verify"),
        },
    )


def _workflow_target(request, kind, pk, action):
    model = Household if kind == "keluarga" else Person
    return scoping.get_scoped_object(request.user, model, action, pk=pk)


@login_required
@require_POST
def record_submit(request, kind, pk):
    record = _workflow_target(request, kind, pk, scoping.CHANGE)
    _run(request, services.record_submit, record, _("Submitted for verification."))
    return redirect(record)


@login_required
@require_POST
def record_verify(request, kind, pk):
    record = _workflow_target(request, kind, pk, "verify")
    _run(request, services.record_verify, record, _("Verified."))
    return redirect(record)


@login_required
def record_reject(request, kind, pk):
    record = _workflow_target(request, kind, pk, "verify")
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            services.record_reject,
            record,
            _("Rejected; the officer sees the reason."),
            reason=form.cleaned_data["reason"],
        ):
            return redirect(record)
    return render(request, "registry/reject_form.html", {"form": form, "record": record})


def _run(request, action, record, success, **kwargs) -> bool:
    try:
        action(record, acting_user=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True
