"""Printed documents: the office's letterhead and HTML → PDF with WeasyPrint, shared by reports and
letters (the core imports no capability, so both can use it).

Every PDF is A4, tagged for accessibility (PDF/UA-1: it needs ``<title>`` and ``lang``, which
``templates/pdf/base.html`` provides) and fetches nothing: images come as data URIs, so a name or an
address typed by a user can never make the renderer open a file or a URL.
"""

import base64
import mimetypes
from pathlib import Path

from django.conf import settings

PDF_VARIANT = "pdf/ua-1"


def logo_data_uri() -> str | None:
    """settings.OFFICE_LOGO (PNG, JPEG or SVG) as a data URI; None when the file is missing."""
    path = Path(settings.OFFICE_LOGO)
    if not path.is_file():
        return None
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{content_type};base64,{base64.b64encode(path.read_bytes()).decode()}"


def letterhead() -> dict:
    """What ``templates/pdf/_letterhead.html`` shows."""
    return {
        "office_name": settings.OFFICE_NAME,
        "office_address": settings.OFFICE_ADDRESS,
        "office_phone": settings.OFFICE_PHONE,
        "office_logo": logo_data_uri(),
    }


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for generated content such as page footers)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;-/()" else f"\\{ord(ch):x} " for ch in str(text))
    return f'"{escaped}"'


def page_x_of_y_css(total: int | None = None) -> str:
    """The CSS ``content`` value that writes "Page X of Y" (translated) with the page counter; Y is
    WeasyPrint's page count, or ``total`` for the head of a document rendered in parts."""
    from django.utils.translation import gettext

    pattern = gettext("Page %(page)s of %(pages)s")
    before, rest = pattern.split("%(page)s", 1)
    middle, after = rest.split("%(pages)s", 1)
    pages = "counter(pages)" if total is None else css_string(str(total))
    pieces = [css_string(before), "counter(page)", css_string(middle), pages, css_string(after)]
    return " ".join(p for p in pieces if p != '""')


def page_x_of_y(page: int, pages: int) -> str:
    """ "Page X of Y" as text, for documents numbered outside WeasyPrint (merged parts)."""
    from django.utils.translation import gettext

    return gettext("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}


def document_context() -> dict:
    """What ``templates/pdf/base.html`` needs besides the document's own content."""
    from django.utils.safestring import mark_safe

    return {**letterhead(), "page_x_of_y_css": mark_safe(page_x_of_y_css())}


def url_fetcher():
    """A fetcher that only reads data: URIs."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def html_to_pdf(html: str) -> bytes:
    """Render a small document in this process (a letter, a receipt). Big reports are rendered
    in child processes instead (reports.rendering), because WeasyPrint's memory is only returned
    when its process ends."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf(pdf_variant=PDF_VARIANT)
