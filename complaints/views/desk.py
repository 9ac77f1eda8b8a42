"""The front desk: intake, the receipt, the day's queue and the person lookup used by intake."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import idempotency, scoping
from onegate.forms import add_service_errors
from registry.models import Person
from registry.privacy import nik_for
from registry.selectors import people_matching

from .. import services
from ..forms import IntakeForm
from ..models import Channel, Complaint
from ..receipt import receipt_context, receipt_filename, render_receipt
from ..sla import SlaClock
from .common import get_complaint, scoped_complaints


@login_required
def complaint_create(request):
    scoping.ensure_can(request.user, Complaint, scoping.ADD)
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user)
    if repeat := idempotency.answer_repeat(request):
        return repeat  # sent again: no second complaint
    if request.method == "POST" and form.is_valid():
        try:
            complaint = idempotency.create_once(
                request.user,
                idempotency.key_of(request),
                lambda: services.complaint_intake(
                    data=form.complaint_data(),
                    person_data=form.quick_person_data(),
                    confirm_nik=form.cleaned_data.get("subject_confirm_nik", False),
                    acting_user=request.user,
                    attachments=form.cleaned_data["attachments"],
                    updates_channel=form.updates_channel(),
                ),
                result_url=lambda c: reverse("complaints:receipt", args=[c.pk]),
            )
        except idempotency.Repeated as repeated:
            return idempotency.already_saved(request, repeated.submission)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Complaint %(ticket)s recorded.") % {"ticket": complaint.ticket_number})
            return redirect("complaints:receipt", pk=complaint.pk)
    selected = getattr(form, "cleaned_data", {}).get("subject")
    return render(request, "complaints/intake.html", {"form": form, "selected_person": selected})


@login_required
def person_search(request):
    """Registry people the user may see, by NIK or name as the registry's search finds them, for the
    intake form (htmx)."""
    scoping.ensure_can(request.user, Person, scoping.VIEW)
    query = request.GET.get("subject_query", "").strip()
    people = [(p, nik_for(request.user, p.nik)) for p in people_matching(request.user, query)]
    return render(request, "complaints/_person_results.html", {"people": people, "query": query})


@login_required
def receipt(request, pk):
    complaint = get_complaint(request, pk)
    # Kelurahan officers open receipts of their area's complaints but do not take complaints.
    can_add = scoping.can(request.user, Complaint, scoping.ADD)
    context = {**receipt_context(complaint, _status_url(request)), "can_add": can_add}
    return render(request, "complaints/receipt.html", context)


@login_required
def receipt_pdf(request, pk):
    complaint = get_complaint(request, pk)
    response = HttpResponse(render_receipt(complaint, _status_url(request)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt_filename(complaint)}"'
    return response


def _status_url(request) -> str:
    """Where the resident checks the status (printed on the receipt)."""
    return request.build_absolute_uri(reverse("complaints-public:status"))


@login_required
def desk_queue(request):
    """Today's walk-ins in queue order, waiting or served."""
    scoping.ensure_can(request.user, Complaint, scoping.ADD)
    today = timezone.localdate()
    walk_ins = (
        scoped_complaints(request.user)
        .filter(channel=Channel.WALK_IN, received_at__date=today, queue_number__isnull=False)
        .select_related("category__parent", "created_by")
        .order_by("queue_number")
    )
    clock = SlaClock.now(today)
    for c in walk_ins:
        c.sla_state = clock.state(c)
    waiting = [c for c in walk_ins if c.served_at is None]
    served = [c for c in walk_ins if c.served_at is not None]
    template = "complaints/_queue.html" if request.htmx else "complaints/queue.html"
    return render(request, template, {"waiting": waiting, "served": served, "today": today})
