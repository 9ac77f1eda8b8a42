"""The referral letter as PDF, for the staff who may see the referral and for the agency it is
addressed to; every download is in the view log."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from onegate.audit import log_view
from onegate.web.links import absolute_url

from ..letter import letter_filename, render_letter, verification_path
from ..models import ReferralStatus
from .referrals import get_referral


@login_required
def letter_pdf(request, pk):
    referral = get_referral(request, pk)
    if referral.status == ReferralStatus.DRAFT:
        raise Http404("a draft has no letter yet")
    pdf = render_letter(referral, verify_url=absolute_url(verification_path(referral), request))
    log_view(referral)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter_filename(referral)}"'
    return response
