"""Response headers of pages and files with personal data: a Content-Security-Policy that runs no
inline script, and `Cache-Control: no-store` so that no browser or proxy keeps a copy; templates
hold no inline script, event handler or style for the policy to refuse."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Attachment, Complaint
from tests.complaints.test_views import intake_post, png_bytes
from tests.conftest import WATES
from tests.factories import PersonFactory


def directives(response) -> dict[str, set[str]]:
    policy = response["Content-Security-Policy"]
    return {name: set(values) for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.parametrize("url", ["/akun/masuk/", "/lapor/pengaduan/", "/lapor/pengaduan/status/"])
def test_public_pages_have_the_content_security_policy(db, client, url):
    policy = directives(client.get(url))
    assert policy["script-src"] == {"'self'"}  # no inline script, no eval
    assert policy["default-src"] == {"'self'"} and policy["object-src"] == {"'none'"}
    assert policy["frame-ancestors"] == {"'none'"} and policy["form-action"] == {"'self'"}
    assert policy["base-uri"] == {"'self'"} and policy["img-src"] == {"'self'", "data:"}
    assert policy["style-src"] == {"'self'"}


def test_signed_in_pages_have_the_policy_and_are_not_stored(users, client_for):
    response = client_for(users["kel.wates"]).get(reverse("registry:person-list"))
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_exports_reports_and_attachments_are_not_stored(users, client_for, private_root):
    PersonFactory(region_id=WATES)
    client = client_for(users["kel.wates"])
    assert no_store(client.get(reverse("registry:person-export", args=["csv"])))
    assert no_store(client.get(reverse("registry:person-export", args=["xlsx"])))
    desk = client_for(users["loket"])
    photo = SimpleUploadedFile("kartu.png", png_bytes(), content_type="image/png")
    desk.post(reverse("complaints:create"), intake_post(subject=PersonFactory(region_id=WATES).pk, attachments=[photo]))
    complaint, attachment = Complaint.objects.get(), Attachment.objects.get()
    assert no_store(desk.get(reverse("complaints:attachment", args=[complaint.pk, attachment.pk])))
    receipt_pdf = desk.get(reverse("complaints:receipt-pdf", args=[complaint.pk]))
    assert receipt_pdf["Content-Type"] == "application/pdf" and no_store(receipt_pdf)
    # A browser shows a PDF in its own viewer, whose inline styles a policy would break.
    assert "Content-Security-Policy" not in receipt_pdf


def test_login_and_public_status_pages_are_not_stored(db, client):
    assert no_store(client.get(reverse("login")))
    assert no_store(client.post("/lapor/pengaduan/status/", {"ticket": "ADU-2026-000001", "phone": "0812"}))


def test_static_files_keep_their_caching(client):
    response = client.get(settings.STATIC_URL + "css/onegate.css")
    assert response.status_code == 200 and not no_store(response)


# Templates of pages (not the PDFs WeasyPrint renders, which no browser policy governs).
PAGE_TEMPLATES = [
    path
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
    if "pdf" not in path.parts and not path.name.endswith("_pdf.html")
]
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_page_templates_hold_nothing_the_policy_refuses(template):
    text = template.read_text(encoding="utf-8")
    assert {kind for kind, pattern in INLINE.items() if pattern.search(text)} == set()
