"""The public letter verification page, opened from the QR code on a referral letter: it confirms
the letter is genuine (number, date, agency, status) and shows nothing about the person."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django_ratelimit import ALL
from django_ratelimit.decorators import ratelimit

from .models import Referral, ReferralStatus


@login_not_required
@never_cache
@ratelimit(key="ip", rate=lambda group, request: settings.LETTER_VERIFY_RATE, method=ALL, block=False)
def verify_letter(request, token):
    if getattr(request, "limited", False):
        return render(request, "referrals/verify_limited.html", status=429)
    referral = (
        Referral.objects.exclude(status=ReferralStatus.DRAFT)
        .filter(verification_token=token)
        .select_related("agency")
        .only("number", "sent_at", "status", "agency__name")
        .first()
    )
    if referral is None:
        raise Http404("no letter has this verification code")
    response = render(request, "referrals/verify.html", {"referral": referral, "office_name": settings.OFFICE_NAME})
    response["X-Robots-Tag"] = "noindex"
    return response
