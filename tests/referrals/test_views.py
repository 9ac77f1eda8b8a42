"""Referral pages: drafting from a complaint and from a person, the agency's inbox and actions,
agency isolation, the minimum personal data an agency sees, documents, and the referral sections
of the person's and the complaint's pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from complaints.models import Status as ComplaintStatus
from referrals import services
from referrals.models import DocumentKind, Referral, ReferralStatus
from tests.complaints.factories import make_complaint
from tests.conftest import KRANGGAN
from tests.factories import PersonFactory
from tests.files import assert_private
from tests.referrals.conftest import draft, sent


def png(name="ktp.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def version_of(referral) -> int:
    """The referral's version as a page loaded now would carry it."""
    return Referral.objects.get(pk=referral.pk).version


def form_post(service, **overrides):
    data = {
        "service": service.pk,
        "reason": "Kartu PBI tidak aktif.",
        "request": "Mohon pengaktifan.",
        "consent_given": "False",
    }
    data.update(overrides)
    return data


def test_the_desk_drafts_a_referral_from_a_complaint_and_sends_it(users, client_for, directory, complaint):
    client = client_for(users["loket"])
    url = reverse("referrals:create") + f"?pengaduan={complaint.pk}"
    page = client.get(url)
    assert page.status_code == 200 and complaint.ticket_number in page.content.decode()
    response = client.post(
        url,
        form_post(
            directory["pbi"],
            documents_provided=["KTP", "SKTM"],
            attachments=[png()],
            consent_given="True",
            consent_by="Sumarni",
            consent_giver="diri_sendiri",
            consent_method="tertulis",
            consent_at="01/01/2026 09:30",
        ),
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert (referral.complaint, referral.status, referral.documents_provided, referral.consent_by) == (
        complaint,
        "draf",
        ["KTP", "SKTM"],
        "Sumarni",
    )
    assert referral.documents.get().kind == DocumentKind.SUPPORTING
    assert client.post(reverse("referrals:send", args=[referral.pk]), {"note": ""}).status_code == 302
    referral.refresh_from_db()
    complaint.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and complaint.status == ComplaintStatus.REFERRED


def test_a_form_with_errors_keeps_what_was_typed(users, client_for, directory, complaint):
    client = client_for(users["loket"])
    response = client.post(
        reverse("referrals:create") + f"?pengaduan={complaint.pk}",
        form_post(directory["pbi"], consent_given="True", reason="Alasan yang panjang."),
    )
    assert response.status_code == 200 and not Referral.objects.exists()
    form = response.context["form"]
    assert {"consent_by", "consent_method", "consent_giver"} <= set(form.errors)
    assert "Alasan yang panjang." in response.content.decode()
    assert response.content.decode().count('name="documents_provided"') == 3  # the chosen service's documents are shown


def test_choosing_a_service_brings_its_documents(users, client_for, directory):
    response = client_for(users["loket"]).get(
        reverse("referrals:service-documents"), {"service": directory["ktp"].pk}, HTTP_HX_REQUEST="true"
    )
    assert "Kartu Keluarga (KK)" in response.content.decode() and "SKTM" not in response.content.decode()


def test_a_kelurahan_officer_refers_from_the_persons_page(users, client_for, directory, wates_person):
    client = client_for(users["kel.wates"])
    person_page = client.get(wates_person.get_absolute_url()).content.decode()
    create = reverse("referrals:create") + f"?orang={wates_person.pk}"
    assert create.replace("&", "&amp;") in person_page or create in person_page
    assert client.post(create, form_post(directory["ktp"])).status_code == 302
    referral = Referral.objects.get()
    assert (referral.person, referral.complaint, referral.created_by) == (wates_person, None, users["kel.wates"])
    assert client_for(users["kel.kranggan"]).get(create).status_code == 404


def test_agencies_and_wrong_roles_cannot_draft(users, client_for, directory, complaint):
    assert (
        client_for(users["dinkes"]).get(reverse("referrals:create") + f"?pengaduan={complaint.pk}").status_code == 403
    )
    assert client_for(users["admin"]).get(reverse("referrals:create") + f"?pengaduan={complaint.pk}").status_code == 403
    assert client_for(users["loket"]).get(reverse("referrals:create")).status_code == 404  # from nowhere


def test_agency_isolation_dinkes_gets_404_on_a_disdukcapil_referral(users, client_for, directory, complaint):
    ktp = sent(users["loket"], directory["ktp"], complaint=complaint, with_consent=True)
    services.referral_add_documents(ktp, uploads=[_checked(png("kk.png"))], acting_user=users["loket"])
    document = ktp.documents.get()
    dinkes = client_for(users["dinkes"])
    assert dinkes.get(ktp.get_absolute_url()).status_code == 404
    assert dinkes.get(reverse("referrals:document", args=[ktp.pk, document.pk])).status_code == 404
    for action, data in (("status", {"to_status": "diterima"}), ("note", {"note": "x"}), ("redirect", {"note": "x"})):
        assert dinkes.post(reverse(f"referrals:{action}", args=[ktp.pk]), data).status_code == 404, action
    ktp.refresh_from_db()
    assert ktp.status == ReferralStatus.SENT and ktp.events.count() == 3
    assert client_for(users["disdukcapil"]).get(ktp.get_absolute_url()).status_code == 200


def test_the_inbox_holds_only_the_agencys_sent_referrals_overdue_first(
    users, client_for, directory, complaint, wates_person
):
    mine = sent(users["loket"], directory["pbi"], complaint=complaint)
    late = sent(users["loket"], directory["pbi"], person=wates_person)
    Referral.objects.filter(pk=late.pk).update(due_date="2020-01-02")
    draft(users["loket"], directory["pbi"], person=wates_person)  # not sent: not theirs yet
    sent(users["loket"], directory["ktp"], person=wates_person)  # another agency's
    response = client_for(users["dinkes"]).get(reverse("referrals:list"))
    assert [r.pk for r in response.context["table"].data] == [late.pk, mine.pk]
    assert "agency" not in response.context["filter"].filters
    assert len(client_for(users["manajer"]).get(reverse("referrals:list")).context["table"].data) == 4
    assert len(client_for(users["kel.kranggan"]).get(reverse("referrals:list")).context["table"].data) == 0


def test_the_staff_list_puts_open_referrals_first_then_drafts_then_finished_ones(
    users, client_for, directory, complaint, wates_person
):
    done = sent(users["loket"], directory["pbi"], person=wates_person)
    Referral.objects.filter(pk=done.pk).update(
        status=ReferralStatus.COMPLETED, outcome="Kartu aktif"
    )  # the rank is PostgreSQL's, kept by any write
    open_ = sent(users["loket"], directory["pbi"], complaint=complaint)
    drafted = draft(users["loket"], directory["pbi"], person=wates_person)
    assert dict(Referral.objects.values_list("pk", "inbox_rank")) == {open_.pk: 0, drafted.pk: 1, done.pk: 2}
    response = client_for(users["manajer"]).get(reverse("referrals:list"))
    assert [r.pk for r in response.context["table"].data] == [open_.pk, drafted.pk, done.pk]


def test_without_consent_the_agency_sees_only_the_minimum(users, client_for, directory, complaint, wates_person):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    services.referral_add_documents(referral, uploads=[_checked(png("kk.png"))], acting_user=users["loket"])
    body = client_for(users["dinkes"]).get(referral.get_absolute_url()).content.decode()
    assert wates_person.full_name in body and "Wates" in body
    for secret in (
        wates_person.nik,
        "Jl. Empunala",
        wates_person.phone,
        "17/05/1960",
        "kk.png",
        complaint.complainant_phone,
    ):
        assert secret not in body, secret
    list_body = client_for(users["dinkes"]).get(reverse("referrals:list")).content.decode()
    assert wates_person.nik not in list_body and "Jl. Empunala" not in list_body
    document = referral.documents.get()
    assert (
        client_for(users["dinkes"]).get(reverse("referrals:document", args=[referral.pk, document.pk])).status_code
        == 404
    )


def test_with_consent_the_agency_sees_what_the_referral_needs(users, client_for, directory, complaint, wates_person):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint, with_consent=True)
    services.referral_add_documents(referral, uploads=[_checked(png("kk.png"))], acting_user=users["loket"])
    client = client_for(users["dinkes"])
    body = client.get(referral.get_absolute_url()).content.decode()
    for shared in (wates_person.nik, "Jl. Empunala No. 7 RT 003/RW 005", wates_person.phone, "17/05/1960", "kk.png"):
        assert shared in body, shared
    assert (
        complaint.complainant_phone not in body and complaint.description not in body
    )  # the complaint itself stays at Dinsos
    document = referral.documents.get()
    assert client.get(reverse("referrals:document", args=[referral.pk, document.pk])).status_code == 200


def test_the_agency_works_the_referral_from_its_page(users, client_for, directory, complaint):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    client = client_for(users["dinkes"])
    status = reverse("referrals:status", args=[referral.pk])
    assert client.post(status, {"to_status": "diterima", "version": version_of(referral)}).status_code == 302
    assert (
        client.post(reverse("referrals:note", args=[referral.pk]), {"note": "Dijadwalkan verifikasi."}).status_code
        == 302
    )
    assert (
        client.post(reverse("referrals:documents", args=[referral.pk]), {"attachments": [png("hasil.png")]}).status_code
        == 302
    )
    bad = client.post(status, {"to_status": "selesai", "note": "", "version": version_of(referral)})
    assert bad.status_code == 400 and "note" in bad.context["form"].errors
    assert (
        client.post(
            status, {"to_status": "selesai", "note": "PBI-JK aktif.", "version": version_of(referral)}
        ).status_code
        == 302
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (ReferralStatus.COMPLETED, "PBI-JK aktif.")
    result = referral.documents.get(kind=DocumentKind.RESULT)
    assert (
        client_for(users["loket"]).get(reverse("referrals:document", args=[referral.pk, result.pk])).status_code == 200
    )
    # Staff cannot change the agency's status.
    assert (
        client_for(users["manajer"])
        .post(reverse("referrals:status", args=[referral.pk]), {"to_status": "diproses"})
        .status_code
        == 403
    )


def test_the_complaint_page_shows_the_outcomes_and_prompts_to_close(users, client_for, directory, complaint):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    client = client_for(users["loket"])
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert referral.number in page and 'id="close-prompt"' not in page
    services.referral_change_status(referral, to_status="diterima", note="", acting_user=users["dinkes"])
    services.referral_change_status(
        referral, to_status="selesai", note="PBI-JK aktif mulai Desember.", acting_user=users["dinkes"]
    )
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert 'id="close-prompt"' in page and "PBI-JK aktif mulai Desember." in page
    response = client.post(
        reverse("complaints:status", args=[complaint.pk]),
        {"to_status": "selesai", "note": "Dinas Kesehatan: PBI-JK aktif mulai Desember.", "is_public": "on"}
        | {"version": type(complaint).objects.get(pk=complaint.pk).version},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED and "PBI-JK aktif" in complaint.closing_reason
    assert 'id="close-prompt"' not in client.get(complaint.get_absolute_url()).content.decode()


def test_the_persons_page_shows_referrals_with_their_timeline(users, client_for, directory, complaint, wates_person):
    referral = sent(users["loket"], directory["ktp"], complaint=complaint)
    services.referral_change_status(
        referral, to_status="ditolak", note="Sudah memiliki KTP-el.", acting_user=users["disdukcapil"]
    )
    page = client_for(users["kel.wates"]).get(wates_person.get_absolute_url()).content.decode()
    assert referral.number in page and "Sudah memiliki KTP-el." in page
    other = PersonFactory(region_id=KRANGGAN)
    sent(users["loket"], directory["ktp"], complaint=make_complaint(users["loket"], subject=other))
    assert Referral.objects.count() == 2


def test_only_drafts_can_be_edited_through_the_form(users, client_for, directory, complaint):
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    client = client_for(users["loket"])
    assert client.get(reverse("referrals:edit", args=[referral.pk])).status_code == 200
    assert (
        client.post(
            reverse("referrals:edit", args=[referral.pk]),
            form_post(directory["ktp"], reason="KTP hilang.", version=referral.version),
        ).status_code
        == 302
    )
    referral.refresh_from_db()
    assert (referral.service, referral.reason) == (directory["ktp"], "KTP hilang.")
    services.referral_send(referral, acting_user=users["loket"])
    assert client.get(reverse("referrals:edit", args=[referral.pk])).status_code == 302


@pytest.mark.parametrize(
    "username, status",
    [
        ("manajer", 200),
        ("loket", 200),
        ("kel.wates", 200),
        ("kel.kranggan", 404),
        ("dinkes", 200),
        ("disdukcapil", 404),
        ("admin", 404),
    ],
)
def test_who_sees_a_sent_referral(users, client_for, directory, complaint, username, status):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    assert client_for(users[username]).get(referral.get_absolute_url()).status_code == status


def _checked(upload):
    upload.checked_content_type = "image/png"
    return upload


def test_a_document_is_stored_for_the_portal_user_only(users, directory, complaint, private_root):
    ktp = sent(users["loket"], directory["ktp"], complaint=complaint, with_consent=True)
    services.referral_add_documents(ktp, uploads=[_checked(png("kk.png"))], acting_user=users["loket"])
    assert_private(ktp.documents.get().file.path, private_root)
