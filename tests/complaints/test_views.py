"""Complaint pages: intake by the desk with its receipt, quick registration, attachments, the queue,
follow-up actions, and who sees what on every page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from complaints.models import Attachment, Channel, Complaint, EventKind, Status
from registry.models import Person, VerificationStatus
from tests.complaints.factories import category, make_complaint
from tests.conftest import KRANGGAN, WATES
from tests.factories import PersonFactory
from tests.files import assert_private


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def intake_post(**overrides):
    data = {
        "channel": Channel.WALK_IN,
        "complainant_name": "Siti Aminah",
        "complainant_phone": "081234567890",
        "complainant_relation": "keluarga",
        "category": category().pk,
        "urgency": "biasa",
        "description": "Kartu BPJS tidak aktif saat berobat.",
        "register_subject": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def wates_person(users):
    return PersonFactory(full_name="Sutrisno Wates", region_id=WATES)


def test_the_desk_records_a_walk_in_for_a_registry_person_and_gets_the_receipt(users, client_for, wates_person):
    client = client_for(users["loket"])
    photo = SimpleUploadedFile("kartu.png", png_bytes(), content_type="image/png")
    response = client.post(reverse("complaints:create"), intake_post(subject=wates_person.pk, attachments=[photo]))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("complaints:receipt", args=[complaint.pk])
    assert (complaint.subject, complaint.region_id, complaint.queue_number, complaint.created_by) == (
        wates_person,
        WATES,
        1,
        users["loket"],
    )
    assert complaint.attachments.get().content_type == "image/png"
    receipt = client.get(response["Location"]).content.decode()
    assert (
        complaint.ticket_number in receipt and timezone.localdate(complaint.received_at).strftime("%d/%m/%Y") in receipt
    )
    assert "Loket" in receipt or users["loket"].username in receipt
    assert reverse("complaints-public:status") in receipt
    pdf = client.get(reverse("complaints:receipt-pdf", args=[complaint.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_quick_registration_puts_the_person_in_the_kelurahan_verification_queue(users, client_for):
    client = client_for(users["loket"])
    response = client.post(
        reverse("complaints:create"),
        intake_post(subject_name="Paijo Gelandangan", subject_region=KRANGGAN, subject_sex="L"),
    )
    assert response.status_code == 302
    person = Person.objects.get(full_name="Paijo Gelandangan")
    assert (person.status, person.region_id, person.needs_civil_documents, person.created_by) == (
        VerificationStatus.DRAFT,
        KRANGGAN,
        True,
        users["loket"],
    )
    assert Complaint.objects.get().subject == person
    queue = client_for(users["kel.kranggan"]).get(reverse("registry:verification-queue"))
    assert person in queue.context["people"]


def test_a_disagreeing_nik_at_quick_registration_must_be_confirmed(users, client_for):
    client = client_for(users["loket"])
    data = intake_post(
        subject_name="Sri Rahayu", subject_region=WATES, subject_sex="L", subject_nik="3576024101900001"
    )  # a woman's NIK
    response = client.post(reverse("complaints:create"), data)
    assert (
        response.status_code == 200
        and not Complaint.objects.exists()
        and not Person.objects.filter(full_name="Sri Rahayu").exists()
    )
    assert "subject_sex" in response.context["form"].errors
    assert client.post(reverse("complaints:create"), {**data, "subject_confirm_nik": "on"}).status_code == 302
    assert Person.objects.get(full_name="Sri Rahayu").nik_mismatch_confirmed


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("foto.jpg", b"MZ\x90\x00" + b"\x00" * 200, "not a photo"),  # an executable renamed .jpg
        ("surat.pdf", png_bytes(), "not a photo"),  # a PNG calling itself PDF
        ("rusak.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "damaged"),
    ],
)
def test_a_rejected_file_gives_a_clear_error_and_keeps_the_form(
    users, client_for, wates_person, settings, name, content, reason
):
    settings.LANGUAGE_CODE = "en"
    client = client_for(users["loket"])
    client.cookies["django_language"] = "en"
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("complaints:create"), intake_post(subject=wates_person.pk, attachments=[upload]))
    assert response.status_code == 200 and not Complaint.objects.exists()
    errors = " ".join(response.context["form"].errors["attachments"])
    assert name in errors and reason in errors
    page = response.content.decode()
    assert "Kartu BPJS tidak aktif saat berobat." in page and 'value="Siti Aminah"' in page
    assert f'value="{wates_person.pk}" id="subject-{wates_person.pk}" checked' in page


def test_a_file_over_the_limit_is_refused(users, client_for, wates_person, settings):
    settings.ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("besar.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10))
    response = client_for(users["loket"]).post(
        reverse("complaints:create"), intake_post(subject=wates_person.pk, attachments=[big])
    )
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "besar.pdf" in " ".join(response.context["form"].errors["attachments"])


def test_attachments_are_served_only_to_users_who_see_the_complaint(
    users, client_for, wates_person, settings, tmp_path
):
    client = client_for(users["loket"])
    client.post(
        reverse("complaints:create"),
        intake_post(subject=wates_person.pk, attachments=[SimpleUploadedFile("kartu.png", png_bytes())]),
    )
    complaint, attachment = Complaint.objects.get(), Attachment.objects.get()
    assert not str(attachment.file.path).startswith(str(settings.STATIC_ROOT or "/nonexistent"))
    url = reverse("complaints:attachment", args=[complaint.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert client_for(users["kel.wates"]).get(url).status_code == 200
    for outsider in ("kel.kranggan", "dinkes", "admin"):
        assert client_for(users[outsider]).get(url).status_code == 404


@pytest.fixture
def two_complaints(users):
    wates = make_complaint(users["loket"], subject=PersonFactory(region_id=WATES))
    kranggan = make_complaint(users["loket"], subject=PersonFactory(region_id=KRANGGAN))
    return {"wates": wates, "kranggan": kranggan}


@pytest.mark.parametrize(
    "username, visible",
    [
        ("manajer", {"wates", "kranggan"}),
        ("loket", {"wates", "kranggan"}),
        ("kel.wates", {"wates"}),
        ("kel.kranggan", {"kranggan"}),
    ],
)
def test_each_role_sees_its_own_complaints_on_every_page(users, client_for, two_complaints, username, visible):
    client = client_for(users[username])
    listed = {row.record.pk for row in client.get(reverse("complaints:list")).context["table"].page.object_list}
    assert listed == {two_complaints[k].pk for k in visible}
    for key, complaint in two_complaints.items():
        expected = 200 if key in visible else 404
        for name in ("complaints:detail", "complaints:receipt", "complaints:receipt-pdf"):
            assert client.get(reverse(name, args=[complaint.pk])).status_code == expected, (name, key)


@pytest.mark.parametrize("username", ["dinkes", "admin"])
def test_agencies_and_administrators_see_no_complaints(users, client_for, two_complaints, username):
    client = client_for(users[username])
    assert client.get(reverse("complaints:list")).status_code == 403
    assert client.get(reverse("complaints:create")).status_code == 403
    assert client.get(reverse("complaints:queue")).status_code == 403
    assert client.get(reverse("complaints:detail", args=[two_complaints["wates"].pk])).status_code == 404
    assert client.post(reverse("complaints:note", args=[two_complaints["wates"].pk]), {"note": "x"}).status_code == 404


def test_kelurahan_officers_cannot_record_complaints_or_reassign(users, client_for, two_complaints):
    client = client_for(users["kel.wates"])
    assert client.get(reverse("complaints:create")).status_code == 403
    complaint = two_complaints["wates"]
    assert (
        client.post(reverse("complaints:assign", args=[complaint.pk]), {"officer": users["kel.wates"].pk}).status_code
        == 403
    )
    assert (
        client.post(reverse("complaints:note", args=[complaint.pk]), {"note": "Sudah dikunjungi."}).status_code == 302
    )
    assert (
        client.post(reverse("complaints:note", args=[two_complaints["kranggan"].pk]), {"note": "x"}).status_code == 404
    )


def test_another_kelurahans_officer_gets_404_on_every_action(users, client_for, two_complaints):
    """kel.kranggan may change complaints, but the Wates one does not exist for them: no status
    change, no serving, no attachment, and nothing recorded."""
    complaint = two_complaints["wates"]
    client = client_for(users["kel.kranggan"])
    photo = SimpleUploadedFile("bukti.png", png_bytes(), content_type="image/png")
    posts = {
        "complaints:status": {"to_status": Status.ASSESSMENT, "note": "Kunjungan rumah", "version": 1},
        "complaints:served": {"next": "queue"},
        "complaints:attachment-add": {"attachments": [photo]},
    }
    for name, data in posts.items():
        assert client.post(reverse(name, args=[complaint.pk]), data).status_code == 404, name
    complaint.refresh_from_db()
    assert (complaint.status, complaint.served_at) == (Status.NEW, None)
    assert not complaint.attachments.exists()
    assert list(complaint.events.values_list("kind", flat=True)) == [EventKind.CREATED]
    # The same actions by the complaint's own kelurahan officer go through.
    own = client_for(users["kel.wates"])
    assert own.post(reverse("complaints:status", args=[complaint.pk]), posts["complaints:status"]).status_code == 302
    assert own.post(reverse("complaints:served", args=[complaint.pk]), posts["complaints:served"]).status_code == 302
    photo.seek(0)
    assert (
        own.post(reverse("complaints:attachment-add", args=[complaint.pk]), {"attachments": [photo]}).status_code == 302
    )
    complaint.refresh_from_db()
    assert (
        complaint.status == Status.ASSESSMENT and complaint.served_at is not None and complaint.attachments.count() == 1
    )


def test_a_manager_of_another_region_cannot_reassign(users, client_for, two_complaints):
    from onegate.accounts.models import Role
    from tests.factories import UserFactory

    # A manager over Kecamatan Prajurit Kulon (Kranggan's), not Magersari (Wates's).
    other = UserFactory(username="manajer.prajuritkulon", role=Role.MANAGER, region_id=KRANGGAN.rsplit(".", 1)[0])
    wates, kranggan = two_complaints["wates"], two_complaints["kranggan"]
    client = client_for(other)
    assert client.post(reverse("complaints:assign", args=[wates.pk]), {"officer": other.pk}).status_code == 404
    assert client.get(reverse("complaints:detail", args=[wates.pk])).status_code == 404
    wates.refresh_from_db()
    assert wates.assigned_to is None and not wates.events.filter(kind=EventKind.ASSIGNED).exists()
    # Within their own region they reassign, but only to staff whose area covers the complaint.
    assert (
        client.post(
            reverse("complaints:assign", args=[kranggan.pk]), {"officer": users["kel.wates"].pk, "version": 1}
        ).status_code
        == 400
    )
    assert (
        client.post(
            reverse("complaints:assign", args=[kranggan.pk]), {"officer": users["kel.kranggan"].pk, "version": 1}
        ).status_code
        == 302
    )
    kranggan.refresh_from_db()
    assert kranggan.assigned_to == users["kel.kranggan"]


def test_the_manager_follows_up_status_assignment_and_notes(users, client_for, two_complaints):
    client = client_for(users["manajer"])
    complaint = two_complaints["wates"]
    assert (
        client.post(
            reverse("complaints:assign", args=[complaint.pk]), {"officer": users["kel.wates"].pk, "version": 1}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("complaints:status", args=[complaint.pk]), {"to_status": Status.CLOSED, "note": "", "version": 2}
        ).status_code
        == 400
    )
    assert (
        client.post(
            reverse("complaints:status", args=[complaint.pk]),
            {"to_status": Status.ASSESSMENT, "note": "Kunjungan rumah", "is_public": "on", "version": 2},
        ).status_code
        == 302
    )
    assert client.post(reverse("complaints:note", args=[complaint.pk]), {"note": "Catatan internal"}).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.assigned_to) == (Status.ASSESSMENT, users["kel.wates"])
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.ASSIGNED, EventKind.STATUS, EventKind.NOTE]
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "Kunjungan rumah" in page and "Catatan internal" in page


def test_filters_by_status_sla_category_region_channel_and_date(users, client_for, two_complaints):
    client = client_for(users["manajer"])

    def tickets(query):
        return {
            row.record.pk for row in client.get(reverse("complaints:list") + query).context["table"].page.object_list
        }

    wates, kranggan = two_complaints["wates"], two_complaints["kranggan"]
    assert tickets(f"?region={WATES}") == {wates.pk}
    assert tickets(f"?category={category().pk}") == {wates.pk, kranggan.pk}
    assert tickets("?status=ditutup") == set()
    assert tickets("?channel=datang&sla=tepat_waktu") == {wates.pk, kranggan.pk}
    assert tickets(f"?q={wates.ticket_number}") == {wates.pk}
    today = timezone.localdate(wates.received_at).strftime("%d/%m/%Y")  # the office's day, not UTC's
    assert tickets(f"?received_from={today}&received_to={today}") == {wates.pk, kranggan.pk}


def test_the_days_queue_lists_walk_ins_waiting_and_served(users, client_for, two_complaints):
    client = client_for(users["loket"])
    phone = make_complaint(users["loket"], channel=Channel.PHONE)
    response = client.get(reverse("complaints:queue"))
    assert [c.queue_number for c in response.context["waiting"]] == [1, 2] and phone not in response.context["waiting"]
    client.post(reverse("complaints:served", args=[two_complaints["wates"].pk]), {"next": "queue"})
    response = client.get(reverse("complaints:queue"))
    assert [c.pk for c in response.context["served"]] == [two_complaints["wates"].pk]
    assert [c.pk for c in response.context["waiting"]] == [two_complaints["kranggan"].pk]


def test_person_search_only_finds_people_in_scope(users, client_for):
    PersonFactory(full_name="Rahayu Wates", region_id=WATES)
    PersonFactory(full_name="Rahayu Kranggan", region_id=KRANGGAN)
    found = client_for(users["loket"]).get(reverse("complaints:person-search"), {"subject_query": "rahayu"})
    assert {p.full_name for p, _ in found.context["people"]} == {"Rahayu Wates", "Rahayu Kranggan"}
    officer = client_for(users["kel.wates"]).get(reverse("complaints:person-search"), {"subject_query": "rahayu"})
    assert {p.full_name for p, _ in officer.context["people"]} == {"Rahayu Wates"}
    assert (
        client_for(users["dinkes"]).get(reverse("complaints:person-search"), {"subject_query": "rahayu"}).status_code
        == 403
    )


def test_the_person_page_lists_their_complaints_within_scope(users, client_for, wates_person):
    complaint = make_complaint(users["loket"], subject=wates_person)
    page = client_for(users["kel.wates"]).get(wates_person.get_absolute_url()).content.decode()
    assert complaint.ticket_number in page and complaint.get_absolute_url() in page
    # The person's page itself stays out of an agency's reach, complaints included.
    assert client_for(users["dinkes"]).get(wates_person.get_absolute_url()).status_code == 404


def test_administrators_manage_the_category_tree_and_holidays(users, client_for):
    client = client_for(users["admin"])
    top = category()
    assert client.get(reverse("admin:complaints_category_changelist")).status_code == 200
    assert client.get(reverse("admin:complaints_category_change", args=[top.pk])).status_code == 200
    assert client.get(reverse("admin:workdays_holiday_add")).status_code == 200
    response = client.post(reverse("admin:workdays_holiday_add"), {"date": "17/08/2027", "name": "HUT RI"})
    assert response.status_code == 302


def test_the_queue_and_the_receipt_show_the_sla_state_with_the_lists_badge(users, client_for, two_complaints):
    import datetime

    from django.utils import timezone

    from complaints.templatetags.complaints_sla import sla_badge

    wates, kranggan = two_complaints["wates"], two_complaints["kranggan"]
    late_due = timezone.localdate() - datetime.timedelta(days=1)
    Complaint.objects.filter(pk=kranggan.pk).update(due_date=late_due)  # as if the category's SLA had already run out
    client = client_for(users["loket"])

    on_time, late = sla_badge("tepat_waktu"), sla_badge("terlambat")
    assert "Tepat waktu" in on_time and "Terlambat" in late
    response = client.get(reverse("complaints:queue"))
    assert {c.pk: c.sla_state for c in response.context["waiting"]} == {
        wates.pk: "tepat_waktu",
        kranggan.pk: "terlambat",
    }
    queue = response.content.decode()
    assert on_time in queue and late in queue and late_due.strftime("%d/%m/%Y") in queue
    client.post(reverse("complaints:served", args=[kranggan.pk]), {"next": "queue"})
    served = client.get(reverse("complaints:queue"), HTTP_HX_REQUEST="true").content.decode()  # the part htmx refreshes
    assert served.count(late) == 1 and served.count(on_time) == 1
    # The list shows the very same badge.
    listing = client.get(reverse("complaints:list")).content.decode()
    assert on_time in listing and late in listing

    receipt = client.get(reverse("complaints:receipt", args=[kranggan.pk])).content.decode()
    assert 'id="receipt-status"' in receipt and late in receipt and late_due.strftime("%d/%m/%Y") in receipt
    assert '<span class="badge og-complaint-baru">Baru</span>' in receipt  # the status, in Indonesian
    assert on_time in client.get(reverse("complaints:receipt", args=[wates.pk])).content.decode()


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Siti Nurhayati Wijaksono", "Siti Nurhayati Widjaksono"),  # the old spelling: a letter more
        ("Bambang Sutrisna", "Bambang Sutrisno"),
        ("sutrisno", "Bambang Sutrisno"),  # a family name typed alone
        ("bambang", "Bambang Sutrisno"),
    ],
)
def test_the_desks_person_search_finds_names_typed_with_a_letter_off_as_the_registry_does(
    users, client_for, typed, expected
):
    PersonFactory(full_name="Siti Nurhayati Widjaksono", sex="P", region_id=WATES)
    PersonFactory(full_name="Bambang Sutrisno", region_id=KRANGGAN)
    PersonFactory(full_name="Rahayu Kranggan", region_id=KRANGGAN)
    client = client_for(users["loket"])
    desk = client.get(reverse("complaints:person-search"), {"subject_query": typed})
    registry = client.get(reverse("registry:person-list"), {"q": typed})
    assert [p.full_name for p, _masked in desk.context["people"]] == [expected]
    assert [row.record.full_name for row in registry.context["table"].page.object_list] == [expected]


def test_the_desks_person_search_finds_a_nik_and_shows_it_masked(users, client_for):
    person = PersonFactory(full_name="Bambang Sutrisno", region_id=KRANGGAN)
    found = client_for(users["loket"]).get(reverse("complaints:person-search"), {"subject_query": person.nik})
    assert found.context["people"] == [(person, f"{person.nik[:4]}********{person.nik[12:]}")]
    assert person.nik not in found.content.decode()


def test_a_picked_registry_person_makes_the_intake_ignore_the_new_person_fields(users, client_for, wates_person):
    """The desk typed a name and a half NIK before finding the person in the registry: the complaint
    is about the person picked, and nothing of what was typed for a new person is checked or saved."""
    people_before = Person.objects.count()
    response = client_for(users["loket"]).post(
        reverse("complaints:create"),
        intake_post(subject=wates_person.pk, subject_name="Sutris", subject_nik="3576", subject_sex=""),
    )
    assert response.status_code == 302, response.context["form"].errors
    complaint = Complaint.objects.get()
    assert complaint.subject == wates_person and complaint.region_id == WATES
    assert Person.objects.count() == people_before


def test_the_intake_page_loads_its_script_from_a_static_file(users, client_for):
    page = client_for(users["loket"]).get(reverse("complaints:create")).content.decode()
    assert "js/desk-intake.js" in page
    assert "<script>" not in page and "onclick" not in page


def test_an_attachment_is_stored_for_the_portal_user_only(users, client_for, wates_person, private_root):
    photo = SimpleUploadedFile("kartu.png", png_bytes(), content_type="image/png")
    client_for(users["loket"]).post(
        reverse("complaints:create"), intake_post(subject=wates_person.pk, attachments=[photo])
    )
    assert_private(Attachment.objects.get().file.path, private_root)


def test_the_receipt_pdf_is_printed_on_the_offices_letterhead_like_every_pdf(
    users, client_for, two_complaints, settings
):
    from pypdf import PdfReader

    complaint = two_complaints["wates"]
    response = client_for(users["manajer"]).get(reverse("complaints:receipt-pdf", args=[complaint.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert settings.OFFICE_ADDRESS in text and settings.OFFICE_PHONE in text  # the letterhead
    assert complaint.ticket_number in text and complaint.ticket_number in reader.metadata.title
    assert len(reader.pages) == 1
