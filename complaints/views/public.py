"""Public pages (no account): the online complaint form and the status check by ticket and phone."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from notices import services as notices
from onegate.forms import add_service_errors

from .. import services
from ..forms import OnlineComplaintForm, StatusCheckForm
from ..models import Complaint

TICKET_SESSION_KEY = "online_complaint_ticket"


@login_not_required
@ratelimit(key="ip", rate=lambda group, request: settings.PUBLIC_STATUS_RATE, method="POST", block=False)
def status_check(request):
    # The link in the resident's messages fills the ticket in (?tiket=…); the phone is typed.
    initial = {"ticket": request.GET.get("tiket", "")[:20]}
    form = StatusCheckForm(request.POST or None, initial=initial)
    context = {"form": form, "complaint": None, "not_found": False}
    if getattr(request, "limited", False):
        return render(request, "complaints/public_status.html", {**context, "limited": True}, status=429)
    if request.method == "POST" and form.is_valid():
        complaint = services.find_public_complaint(form.cleaned_data["ticket"], form.cleaned_data["phone"])
        if complaint:
            context.update(_status_context(complaint))
        else:
            context["not_found"] = True
    return render(request, "complaints/public_status.html", context)


def _status_context(complaint) -> dict:
    return {
        "complaint": complaint,
        "events": complaint.events.filter(is_public=True).order_by("at", "pk"),
        "updates": notices.subscription("complaint", complaint.pk),
    }


@login_not_required
@require_POST
@ratelimit(key="ip", rate=lambda group, request: settings.PUBLIC_STATUS_RATE, method="POST", block=False)
def stop_updates(request):
    """The status page's "no more messages" button: the ticket and phone are checked again, then the
    phone that agreed to updates is opted out (notices.services.opt_out)."""
    form = StatusCheckForm(request.POST)
    context = {"form": form, "complaint": None, "not_found": False}
    if getattr(request, "limited", False):
        return render(request, "complaints/public_status.html", {**context, "limited": True}, status=429)
    complaint = form.is_valid() and services.find_public_complaint(
        form.cleaned_data["ticket"], form.cleaned_data["phone"]
    )
    if not complaint:
        return render(request, "complaints/public_status.html", {**context, "not_found": True}, status=404)
    notices.opt_out_topic("complaint", complaint.pk, source="halaman status")
    return render(request, "complaints/public_status.html", {**context, **_status_context(complaint), "stopped": True})


@login_not_required
@never_cache
@ratelimit(key="ip", rate=lambda group, request: settings.PUBLIC_COMPLAINT_RATE, method="POST", block=False)
def online_complaint(request):
    """Residents' own complaints: the same queue as the desk's, with channel "online"."""
    if request.method == "POST" and getattr(request, "limited", False):
        return render(request, "complaints/public_limited.html", status=429)
    form = OnlineComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and form.spend_challenge():
        try:
            complaint = services.complaint_create(
                data=form.complaint_data(),
                attachments=form.cleaned_data["attachments"],
                updates_channel=form.updates_channel(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[TICKET_SESSION_KEY] = complaint.pk
            return redirect("complaints-public:sent")
    return render(request, "complaints/public_form.html", {"form": form, "office_name": settings.OFFICE_NAME})


@login_not_required
@never_cache
def online_complaint_sent(request):
    complaint = Complaint.objects.filter(pk=request.session.get(TICKET_SESSION_KEY), channel="online").first()
    if complaint is None:
        return redirect("complaints-public:form")
    updates = notices.subscription("complaint", complaint.pk)
    return render(request, "complaints/public_sent.html", {"complaint": complaint, "updates": updates})
