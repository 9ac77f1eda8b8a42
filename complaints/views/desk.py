"""The front desk: intake, the receipt, the day's queue and the person lookup used by intake."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import idempotency, scoping
from registry import services as registry_services
from registry.models import Person
from registry.privacy import nik_for
from registry.views.common import add_service_errors

from .. import services
from ..forms import IntakeForm
from ..models import Channel, Complaint
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
                lambda: _record(request, form),
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


@transaction.atomic
def _record(request, form) -> Complaint:
    data = form.complaint_data()
    person_data = form.quick_person_data()
    if person_data:
        try:
            data["subject"] = registry_services.person_quick_register(
                data=person_data, acting_user=request.user, confirm_nik=form.cleaned_data["subject_confirm_nik"]
            )
        except ValidationError as exc:
            # The person's fields carry a subject_ prefix on this form.
            raise ValidationError(
                {f"subject_{k}" if f"subject_{k}" in form.fields else "__all__": v for k, v in exc.message_dict.items()}
            ) from exc
    return services.complaint_create(data=data, acting_user=request.user, attachments=form.cleaned_data["attachments"])


@login_required
def person_search(request):
    """Registry people the user may see, by NIK (exact) or name, for the intake form (htmx)."""
    scoping.ensure_can(request.user, Person, scoping.VIEW)
    query = request.GET.get("subject_query", "").strip()
    people = []
    if len(query) >= 3:
        found = scoping.restrict(Person.objects.filter(merged_into__isnull=True), request.user).select_related("region")
        digits = query.replace(" ", "")
        found = found.filter(nik=digits) if digits.isdigit() else found.filter(full_name__icontains=query)
        people = [(p, nik_for(request.user, p.nik)) for p in found.order_by("full_name")[:10]]
    return render(request, "complaints/_person_results.html", {"people": people, "query": query})


@login_required
def receipt(request, pk):
    complaint = get_complaint(request, pk)
    return render(request, "complaints/receipt.html", _receipt_context(request, complaint))


@login_required
def receipt_pdf(request, pk):
    from weasyprint import HTML

    complaint = get_complaint(request, pk)
    html = render_to_string("complaints/receipt_pdf.html", _receipt_context(request, complaint), request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tanda-terima-{complaint.ticket_number}.pdf"'
    return response


def _receipt_context(request, complaint):
    from django.conf import settings
    from django.urls import reverse

    return {
        "complaint": complaint,
        "sla_state": SlaClock.now().state(complaint),
        "office_name": settings.OFFICE_NAME,
        "status_url": request.build_absolute_uri(reverse("complaints-public:status")),
        "officer": complaint.created_by,
    }


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
