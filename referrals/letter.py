"""The referral letter (*surat rujukan*) as an A4 PDF: the office's letterhead, the yearly letter
number, the person as far as the agency may know them (:mod:`referrals.disclosure`), the reason and
the requested service, a signature block for a wet signature, and a QR code that opens the public
page confirming the letter is genuine.

The letter is one document, whoever downloads it: the office prints it for the agency and the
person carries it. It is written in the office's language (settings.LANGUAGE_CODE), not the
language of the officer's screen."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from onegate import pdf
from onegate.regions.models import Region

from .disclosure import shared_person
from .models import Decision, ReferralStatus


def verification_path(referral) -> str:
    return reverse("referrals-public:verify", args=[referral.verification_token])


def qr_data_uri(text: str) -> str:
    """A PNG QR code as a data URI, so that WeasyPrint embeds it as an image without fetching."""
    return segno.make(text, error="m").png_data_uri(scale=6, border=4)


def office_city() -> str:
    """The place in the date line: "Mojokerto" from the office's region "Kota Mojokerto"."""
    region = Region.objects.filter(code=settings.OFFICE_REGION_CODE).first()
    if region is None:
        return ""
    for prefix in ("Kota ", "Kabupaten ", "Kab. "):
        if region.name.startswith(prefix):
            return region.name[len(prefix) :]
    return region.name


def sender_of(referral):
    """Who sent the referral (for a redirected one: the officer who redirected it)."""
    event = referral.events.filter(to_status=ReferralStatus.SENT).select_related("actor").order_by("at", "pk").first()
    return event.actor if event else referral.created_by


def decision_of(referral) -> dict | None:
    """The manager's approval the letter prints (penetapan layanan), if the referral had one."""
    if referral.decision != Decision.APPROVED or referral.decided_by is None:
        return None
    manager = referral.decided_by
    return {
        "name": manager.get_full_name() or manager.username,
        "role": manager.get_role_display(),
        "at": timezone.localtime(referral.decided_at),
    }


def letter_context(referral, verify_url: str) -> dict:
    sent_on = timezone.localdate(referral.sent_at)
    return {
        **pdf.document_context(),
        "title": gettext("Referral letter %(number)s") % {"number": referral.number},
        "letter_number_css": mark_safe(pdf.css_string(referral.number)),
        "referral": referral,
        "sent_on": sent_on,
        "person_fields": shared_person(referral, today=sent_on),
        "sender": sender_of(referral),
        "decision": decision_of(referral),
        "office_city": office_city(),
        "signer_title": settings.LETTER_SIGNER_TITLE,
        "signer_name": settings.LETTER_SIGNER_NAME,
        "signer_id": settings.LETTER_SIGNER_ID,
        "verify_url": verify_url,
        "qr_code": qr_data_uri(verify_url),
    }


def render_letter(referral, *, verify_url: str) -> bytes:
    """The letter of a sent referral as PDF/UA-1 bytes, on the office's letterhead
    (``templates/pdf/base.html``) and through the same WeasyPrint call as the other printed
    documents (:func:`onegate.pdf.html_to_pdf`); one page, so rendered in the request."""
    if referral.status == ReferralStatus.DRAFT:
        raise ValueError("a draft has no letter number yet")
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("referrals/letter_pdf.html", letter_context(referral, verify_url))
    return pdf.html_to_pdf(html)


def letter_filename(referral) -> str:
    return f"surat-rujukan-{referral.number.replace('/', '-')}.pdf"
