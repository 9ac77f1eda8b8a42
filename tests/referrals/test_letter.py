"""The referral letter (surat rujukan) as PDF: its text, the person as far as consent allows, the
QR code that opens the public verification page, who may download it, and the view log."""

import io

import pytest
import zxingcpp
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from onegate.audit.models import LogEntry
from referrals.letter import letter_context, verification_path
from referrals.models import Referral
from tests.referrals.conftest import draft, sent


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def qr_codes(response) -> list[str]:
    """The text of every QR code among the PDF's images."""
    found = []
    for page in PdfReader(io.BytesIO(response.content)).pages:
        for image in page.images:
            found += [barcode.text for barcode in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))]
    return found


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_letter_names_the_number_agency_service_and_person_but_not_the_nik_without_consent(
    users, client_for, directory, complaint, wates_person
):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    response = client_for(users["loket"]).get(reverse("referrals:letter", args=[referral.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'inline; filename="surat-rujukan-{referral.number.replace("/", "-")}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1 and [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [
        595,
        842,
    ]  # one A4 page
    assert reader.metadata.title.endswith(referral.number)
    text = one_line(pdf_text(response))
    for expected in (
        referral.number,
        "Pendaftaran PBI-JK",
        directory["pbi"].agency.name,
        wates_person.full_name,
        "Wates",
        "Kartu PBI tidak aktif.",
        "Mohon pengaktifan PBI-JK.",
        "Dinas Sosial P3A Kota Mojokerto",
    ):
        assert expected in text, expected
    for secret in (wates_person.nik, "Jl. Empunala", wates_person.phone, "17/05/1960"):
        assert secret not in text, secret


def test_with_consent_the_letter_carries_the_nik_and_address(users, client_for, directory, complaint, wates_person):
    referral = sent(
        users["loket"], directory["pbi"], complaint=complaint, with_consent=True, documents_provided=["KTP", "SKTM"]
    )
    text = one_line(pdf_text(client_for(users["dinkes"]).get(reverse("referrals:letter", args=[referral.pk]))))
    for expected in (wates_person.nik, "Jl. Empunala No. 7 RT 003/RW 005", "17/05/1960", "SKTM"):
        assert expected in text, expected


def test_the_qr_code_opens_the_verification_page_which_shows_no_personal_data(
    users, client_for, directory, complaint, wates_person
):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint, with_consent=True)
    client = client_for(users["loket"])
    codes = qr_codes(client.get(reverse("referrals:letter", args=[referral.pk])))
    assert codes == [f"http://testserver/verifikasi-surat/{referral.verification_token}/"]
    assert referral.number not in codes[0]  # the random token, not the guessable number

    client.logout()
    page = client.get(codes[0].removeprefix("http://testserver"))
    body = page.content.decode()
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
    for shown in (
        referral.number,
        directory["pbi"].agency.name,
        timezone.localdate(referral.sent_at).strftime("%d/%m/%Y"),
        'id="letter-genuine"',
    ):
        assert shown in body, shown
    for secret in (
        wates_person.full_name,
        wates_person.nik,
        "Jl. Empunala",
        "Kartu PBI tidak aktif.",
        "Pendaftaran PBI-JK",
    ):
        assert secret not in body, secret


def test_a_wrong_token_or_a_guessed_number_gives_404(users, client, directory, complaint):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    token = referral.verification_token
    wrong = ("y" if token[0] == "x" else "x") + token[1:]  # one character off, never the token itself
    assert client.get(reverse("referrals-public:verify", args=[wrong])).status_code == 404
    assert client.get(f"/verifikasi-surat/{referral.number}/").status_code == 404
    assert client.get(reverse("referrals-public:verify", args=[str(referral.pk)])).status_code == 404


def test_the_verification_page_is_rate_limited_per_address(users, client, directory, complaint, settings):
    settings.LETTER_VERIFY_RATE = "3/h"
    url = verification_path(sent(users["loket"], directory["pbi"], complaint=complaint))
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(url).status_code == 429
    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200  # another address


def test_the_letter_links_to_the_configured_public_address(users, directory, complaint, settings):
    settings.PORTAL_URL = "https://onegate.example.go.id/"
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    from onegate.web.links import absolute_url

    url = absolute_url(verification_path(referral))
    assert url == f"https://onegate.example.go.id/verifikasi-surat/{referral.verification_token}/"
    assert letter_context(referral, url)["qr_code"].startswith("data:image/png;base64,")


@pytest.mark.parametrize(
    "username, status",
    [
        ("manajer", 200),
        ("kel.wates", 200),
        ("dinkes", 200),
        ("disdukcapil", 404),
        ("kel.kranggan", 404),
        ("admin", 404),
    ],
)
def test_who_may_download_the_letter(users, client_for, directory, complaint, username, status):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    assert client_for(users[username]).get(reverse("referrals:letter", args=[referral.pk])).status_code == status


def test_a_draft_has_no_letter_and_every_download_is_logged(users, client_for, directory, complaint):
    unsent = draft(users["loket"], directory["pbi"], complaint=complaint)
    client = client_for(users["loket"])
    assert client.get(reverse("referrals:letter", args=[unsent.pk])).status_code == 404
    assert 'id="letter-download"' not in client.get(unsent.get_absolute_url()).content.decode()

    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    assert 'id="letter-download"' in client.get(referral.get_absolute_url()).content.decode()
    views = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Referral),
        object_pk=str(referral.pk),
        action=LogEntry.Action.ACCESS,
    )
    before = views.count()
    client_for(users["dinkes"]).get(reverse("referrals:letter", args=[referral.pk]))
    assert views.count() == before + 1 and views.latest("timestamp").actor == users["dinkes"]


def test_the_letter_is_a_tagged_pdf_on_the_same_letterhead_as_the_reports(
    users, client_for, directory, complaint, settings
):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    reader = PdfReader(
        io.BytesIO(client_for(users["loket"]).get(reverse("referrals:letter", args=[referral.pk])).content)
    )
    root = reader.trailer["/Root"]
    assert root["/Lang"] == settings.LANGUAGE_CODE
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    assert reader.metadata.title == f"Surat rujukan {referral.number}"
    text = reader.pages[0].extract_text()
    assert settings.OFFICE_NAME.upper() in text and settings.OFFICE_ADDRESS in text  # templates/pdf/_letterhead.html
    assert "Halaman 1 dari 1" in text  # the footer of templates/pdf/base.html
    assert referral.number in one_line(text)
