"""The referral lifecycle through its services: drafting, sending with a letter number and due
date, the agency's work, redirect and rejection, the closed loop back to the complaint, consent
rules and who may do what."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from complaints.models import ComplaintEvent, EventKind
from complaints.models import Status as ComplaintStatus
from complaints.services import complaint_change_status
from onegate.workdays.services import add_working_days
from referrals import services
from referrals.models import (
    LetterCounter,
    Referral,
    ReferralEventKind,
    ReferralStatus,
    ServiceStatus,
)
from referrals.services import ROMAN_MONTHS, next_letter_number
from tests.complaints.factories import make_complaint
from tests.factories import PersonFactory
from tests.referrals.conftest import consent, draft, sent


def test_a_referral_goes_from_draft_to_completed_and_every_step_is_on_the_timelines(users, directory, complaint):
    loket, dinkes = users["loket"], users["dinkes"]
    referral = draft(loket, directory["pbi"], complaint=complaint, documents_provided=["SKTM", "KTP"])
    assert (referral.status, referral.number, referral.agency, referral.person, referral.region_id) == (
        ReferralStatus.DRAFT,
        None,
        directory["pbi"].agency,
        complaint.subject,
        complaint.region_id,
    )
    assert referral.documents_provided == ["KTP", "SKTM"]  # in the service's order

    referral = services.referral_send(referral, acting_user=loket, note="Mohon segera.")
    today = timezone.localdate()
    assert referral.status == ReferralStatus.SENT
    assert referral.number == f"460/0001/417.302/{ROMAN_MONTHS[today.month - 1]}/{today.year}"
    assert referral.due_date == add_working_days(today, 5)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.REFERRED

    for to_status, note in (
        (ReferralStatus.ACCEPTED, ""),
        (ReferralStatus.IN_PROGRESS, "Data diverifikasi."),
        (ReferralStatus.COMPLETED, "PBI-JK aktif mulai bulan depan."),
    ):
        referral = services.referral_change_status(referral, to_status=to_status, note=note, acting_user=dinkes)
    assert referral.outcome == "PBI-JK aktif mulai bulan depan." and referral.finished_at and referral.accepted_at
    events = list(referral.events.order_by("at", "pk"))
    assert [(e.kind, e.to_status, e.actor.username) for e in events] == [
        (ReferralEventKind.CREATED, "", "loket"),
        (ReferralEventKind.STATUS, ReferralStatus.SENT, "loket"),
        (ReferralEventKind.STATUS, ReferralStatus.ACCEPTED, "dinkes"),
        (ReferralEventKind.STATUS, ReferralStatus.IN_PROGRESS, "dinkes"),
        (ReferralEventKind.STATUS, ReferralStatus.COMPLETED, "dinkes"),
    ]
    assert events[1].note == "Mohon segera."
    # The complaint's timeline follows every step, inside the office only.
    referral_lines = ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.REFERRAL).order_by("at", "pk")
    assert referral_lines.count() == 6  # five steps and the prompt to close
    assert not referral_lines.filter(is_public=True).exists()
    assert "PBI-JK aktif mulai bulan depan." in referral_lines[4].note
    assert (
        referral_lines[5].note == "Semua rujukan sudah selesai: tutup pengaduan dengan hasilnya."
    )  # (Indonesian by default)


def test_closed_loop_the_complaint_is_ready_to_close_only_when_every_referral_is_finished(users, directory, complaint):
    loket, dinkes, disdukcapil = users["loket"], users["dinkes"], users["disdukcapil"]
    health = sent(loket, directory["pbi"], complaint=complaint)
    ktp = sent(loket, directory["ktp"], complaint=complaint)
    assert not services.complaint_referrals_finished(complaint)
    services.referral_change_status(health, to_status=ReferralStatus.ACCEPTED, note="", acting_user=dinkes)
    services.referral_change_status(health, to_status=ReferralStatus.COMPLETED, note="PBI aktif.", acting_user=dinkes)
    assert not services.complaint_referrals_finished(complaint)
    services.referral_change_status(
        ktp, to_status=ReferralStatus.REJECTED, note="Sudah punya KTP-el.", acting_user=disdukcapil
    )
    complaint.refresh_from_db()
    assert services.complaint_referrals_finished(complaint) and complaint.status == ComplaintStatus.REFERRED
    complaint_change_status(
        complaint, to_status=ComplaintStatus.RESOLVED, note="PBI aktif; KTP sudah ada.", acting_user=loket
    )
    complaint.refresh_from_db()
    assert not services.complaint_referrals_finished(complaint)  # finished complaints are not prompted


def test_rejection_needs_the_reason_and_finishes_the_referral(users, directory, complaint):
    referral = sent(users["loket"], directory["ktp"], complaint=complaint)
    with pytest.raises(ValidationError) as error:
        services.referral_change_status(
            referral, to_status=ReferralStatus.REJECTED, note="  ", acting_user=users["disdukcapil"]
        )
    assert "note" in error.value.message_dict
    referral = services.referral_change_status(
        referral, to_status=ReferralStatus.REJECTED, note="NIK sudah terekam.", acting_user=users["disdukcapil"]
    )
    assert (referral.status, referral.outcome) == (ReferralStatus.REJECTED, "NIK sudah terekam.")
    with pytest.raises(ValidationError):
        services.referral_change_status(
            referral, to_status=ReferralStatus.ACCEPTED, note="", acting_user=users["disdukcapil"]
        )


def test_completing_needs_the_outcome_and_the_agency_accepts_first(users, directory, complaint):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    with pytest.raises(ValidationError):
        services.referral_change_status(
            referral, to_status=ReferralStatus.COMPLETED, note="Selesai.", acting_user=users["dinkes"]
        )
    services.referral_change_status(referral, to_status=ReferralStatus.ACCEPTED, note="", acting_user=users["dinkes"])
    with pytest.raises(ValidationError):
        services.referral_change_status(
            referral, to_status=ReferralStatus.COMPLETED, note="", acting_user=users["dinkes"]
        )


def test_a_redirect_ends_the_referral_and_sends_a_linked_one_to_the_other_agency(users, directory, complaint):
    loket, dinkes = users["loket"], users["dinkes"]
    original = sent(
        loket,
        directory["pbi"],
        complaint=complaint,
        with_consent=True,
        documents_provided=["Kartu Keluarga (KK)", "SKTM"],
    )
    services.referral_change_status(original, to_status=ReferralStatus.ACCEPTED, note="", acting_user=dinkes)
    linked = services.referral_redirect(
        original, to_service=directory["ktp"], note="Belum punya NIK: perlu KTP-el dulu.", acting_user=dinkes
    )
    original.refresh_from_db()
    assert (original.status, original.outcome) == (ReferralStatus.REDIRECTED, "Belum punya NIK: perlu KTP-el dulu.")
    assert (linked.status, linked.agency, linked.redirected_from, linked.complaint, linked.person) == (
        ReferralStatus.SENT,
        directory["ktp"].agency,
        original,
        complaint,
        complaint.subject,
    )
    assert linked.number.split("/")[1] == "0002" and linked.due_date == add_working_days(timezone.localdate(), 3)
    assert linked.consent_given and linked.consent_by == original.consent_by
    assert linked.documents_provided == ["Kartu Keluarga (KK)"]  # what the new service asks for
    assert "Belum punya NIK" in linked.request
    last = original.events.order_by("-pk").first()
    assert (last.to_status, last.actor) == (ReferralStatus.REDIRECTED, dinkes) and linked.number in last.note
    # The new agency sees it, the old one does not; the complaint waits for the new referral.
    assert Referral.objects.filter(pk=linked.pk).exists()
    from onegate import scoping

    assert list(scoping.restrict(Referral.objects.all(), users["disdukcapil"])) == [linked]
    assert list(scoping.restrict(Referral.objects.all(), dinkes)) == [original]
    assert not services.complaint_referrals_finished(complaint)


def test_who_may_redirect_and_where(users, directory, complaint):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    with pytest.raises(PermissionDenied):
        services.referral_redirect(referral, to_service=directory["ktp"], note="x", acting_user=users["loket"])
    with pytest.raises(ValidationError):
        services.referral_redirect(
            referral, to_service=directory["pbi"], note="x", acting_user=users["manajer"]
        )  # same agency
    with pytest.raises(ValidationError):
        services.referral_redirect(referral, to_service=directory["ktp"], note="", acting_user=users["manajer"])
    linked = services.referral_redirect(
        referral, to_service=directory["ktp"], note="Salah alamat.", acting_user=users["manajer"]
    )
    assert linked.created_by == users["manajer"]


def test_only_the_addressed_agency_works_the_referral(users, directory, complaint):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    for username in ("disdukcapil", "loket", "manajer"):
        with pytest.raises(PermissionDenied):
            services.referral_change_status(
                referral, to_status=ReferralStatus.ACCEPTED, note="", acting_user=users[username]
            )
    with pytest.raises(PermissionDenied):
        services.referral_add_note(referral, note="Bukan urusan kami.", acting_user=users["disdukcapil"])


def test_agencies_never_see_drafts(users, directory, complaint):
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    from onegate import scoping

    assert not scoping.restrict(Referral.objects.all(), users["dinkes"]).exists()
    with pytest.raises(PermissionDenied):
        services.referral_add_note(referral, note="?", acting_user=users["dinkes"])


def test_consent_is_recorded_with_who_how_and_when(users, directory, complaint):
    loket, service = users["loket"], directory["pbi"]
    with pytest.raises(ValidationError) as error:
        draft(loket, service, complaint=complaint, **consent(consent_by="", consent_method=""))
    assert {"consent_by", "consent_method"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        draft(loket, service, complaint=complaint, **consent(consent_at=timezone.now() + datetime.timedelta(days=1)))
    assert "consent_at" in error.value.message_dict
    without = draft(loket, service, complaint=complaint, consent_by="Tetangga", consent_method="lisan")
    assert (without.consent_given, without.consent_by, without.consent_method, without.consent_at) == (
        False,
        "",
        "",
        None,
    )
    given = draft(loket, service, complaint=complaint, with_consent=True)
    assert (given.consent_by, given.consent_giver, given.consent_method) == ("Sumarni", "diri_sendiri", "tertulis")


def test_drafting_rules(users, directory, complaint, wates_person):
    loket = users["loket"]
    with pytest.raises(ValidationError):
        draft(loket, directory["pbi"], complaint=complaint, documents_provided=["Paspor"])
    directory["ktp"].status = ServiceStatus.TEMPORARILY_CLOSED
    directory["ktp"].save()
    with pytest.raises(ValidationError):
        draft(loket, directory["ktp"], complaint=complaint)
    complaint_change_status(complaint, to_status=ComplaintStatus.CLOSED, note="Pelapor pindah.", acting_user=loket)
    complaint.refresh_from_db()
    with pytest.raises(ValidationError):
        draft(loket, directory["pbi"], complaint=complaint)
    from_registry = draft(users["kel.wates"], directory["pbi"], person=wates_person)
    assert (from_registry.complaint, from_registry.person, from_registry.region_id) == (
        None,
        wates_person,
        wates_person.region_id,
    )
    for outsider in ("dinkes", "kel.kranggan"):  # an agency; an officer of another kelurahan
        with pytest.raises(PermissionDenied):
            draft(users[outsider], directory["pbi"], person=wates_person)


def test_only_drafts_change_and_a_draft_is_sent_once(users, directory, complaint):
    loket = users["loket"]
    referral = draft(loket, directory["pbi"], complaint=complaint)
    referral = services.referral_update_draft(
        referral,
        data={"service": directory["ktp"], "reason": "KTP hilang.", "request": "Cetak ulang.", "consent_given": False},
        acting_user=loket,
    )
    assert (referral.agency, referral.service, referral.reason) == (
        directory["ktp"].agency,
        directory["ktp"],
        "KTP hilang.",
    )
    services.referral_send(referral, acting_user=loket)
    with pytest.raises(ValidationError):
        services.referral_send(referral, acting_user=loket)
    with pytest.raises(ValidationError):
        services.referral_update_draft(
            referral, data={"service": directory["pbi"], "reason": "x", "request": "y"}, acting_user=loket
        )


def test_letter_numbers_run_per_year_and_a_rolled_back_send_leaves_no_gap(users, directory, complaint):
    assert next_letter_number(datetime.date(2026, 11, 30)) == "460/0001/417.302/XI/2026"
    assert next_letter_number(datetime.date(2026, 12, 31)) == "460/0002/417.302/XII/2026"
    assert next_letter_number(datetime.date(2027, 1, 2)) == "460/0001/417.302/I/2027"
    LetterCounter.objects.all().delete()
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.referral_send(referral, acting_user=users["loket"])
        raise RuntimeError("the office's connection dropped")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert services.referral_send(referral, acting_user=users["loket"]).number.split("/")[1] == "0001"


@pytest.mark.django_db(transaction=True)
def test_officers_sending_at_the_same_moment_get_distinct_gapless_numbers(users, directory):
    people = [PersonFactory() for _ in range(12)]
    drafts = [
        draft(users["loket"], directory["pbi"], complaint=make_complaint(users["loket"], subject=p)) for p in people
    ]
    barrier, errors = threading.Barrier(4), []

    def officer(chunk):
        try:
            barrier.wait()
            for referral in chunk:
                services.referral_send(referral, acting_user=users["loket"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=officer, args=(drafts[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(int(n.split("/")[1]) for n in Referral.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 13))
