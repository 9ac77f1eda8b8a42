"""The complaint receipt: the page the desk prints and its PDF, on the office's letterhead through
onegate.pdf like every printed document (nothing fetched while rendering)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from onegate import pdf

from .sla import SlaClock


def receipt_context(complaint, status_url: str) -> dict:
    return {
        "complaint": complaint,
        "sla_state": SlaClock.now().state(complaint),
        "office_name": settings.OFFICE_NAME,
        "status_url": status_url,
        "officer": complaint.created_by,
    }


def render_receipt(complaint, status_url: str) -> bytes:
    receipt = _("Complaint receipt")
    context = {
        **pdf.document_context(),
        **receipt_context(complaint, status_url),
        "title": f"{receipt} {complaint.ticket_number}",
    }
    return pdf.html_to_pdf(render_to_string("complaints/receipt_pdf.html", context))


def receipt_filename(complaint) -> str:
    return f"tanda-terima-{complaint.ticket_number}.pdf"
