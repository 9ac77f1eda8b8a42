"""Public pages (no account): the online complaint form and the status check by ticket and phone."""

import hmac
import re

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from . import services
from .models import Complaint

TICKET_SESSION_KEY = "online_complaint_ticket"


def phone_digits(phone: str) -> str:
    """The comparable part of an Indonesian phone number: +62 812…, 62812… and 0812… are the same."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


class StatusCheckForm(forms.Form):
    ticket = forms.CharField(
        label=_("Ticket number"), max_length=20, help_text=_("As on your receipt, e.g. ADU-2026-000123.")
    )
    phone = forms.CharField(
        label=_("Phone number given when reporting"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_ticket(self):
        return self.cleaned_data["ticket"].strip().upper()


def find_public_complaint(ticket: str, phone: str) -> Complaint | None:
    """The complaint when both the ticket and its phone number match; otherwise None, the same
    answer for an unknown ticket and a wrong phone."""
    complaint = Complaint.objects.filter(ticket_number=ticket).select_related("category__parent").first()
    given, recorded = phone_digits(phone), phone_digits(complaint.complainant_phone) if complaint else ""
    matches = hmac.compare_digest(given.encode(), recorded.encode()) and len(recorded) >= 8
    return complaint if complaint and matches else None


@login_not_required
@ratelimit(key="ip", rate=lambda group, request: settings.PUBLIC_STATUS_RATE, method="POST", block=False)
def status_check(request):
    form = StatusCheckForm(request.POST or None)
    context = {"form": form, "complaint": None, "not_found": False}
    if getattr(request, "limited", False):
        return render(request, "complaints/public_status.html", {**context, "limited": True}, status=429)
    if request.method == "POST" and form.is_valid():
        complaint = find_public_complaint(form.cleaned_data["ticket"], form.cleaned_data["phone"])
        if complaint:
            context.update(complaint=complaint, events=complaint.events.filter(is_public=True).order_by("at", "pk"))
        else:
            context["not_found"] = True
    return render(request, "complaints/public_status.html", context)


@login_not_required
@never_cache
@ratelimit(key="ip", rate=lambda group, request: settings.PUBLIC_COMPLAINT_RATE, method="POST", block=False)
def online_complaint(request):
    """Residents' own complaints: the same queue as the desk's, with channel "online"."""
    from .forms import OnlineComplaintForm

    if request.method == "POST" and getattr(request, "limited", False):
        return render(request, "complaints/public_limited.html", status=429)
    form = OnlineComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and form.spend_challenge():
        complaint = services.complaint_create(data=form.complaint_data(), attachments=form.cleaned_data["attachments"])
        request.session[TICKET_SESSION_KEY] = complaint.pk
        return redirect("complaints-public:sent")
    return render(request, "complaints/public_form.html", {"form": form, "office_name": settings.OFFICE_NAME})


@login_not_required
@never_cache
def online_complaint_sent(request):
    complaint = Complaint.objects.filter(pk=request.session.get(TICKET_SESSION_KEY), channel="online").first()
    if complaint is None:
        return redirect("complaints-public:form")
    return render(request, "complaints/public_sent.html", {"complaint": complaint})
