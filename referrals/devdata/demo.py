"""Referral demo data: the service directory of the agencies the seed articles name, and referrals
of the last weeks in every state, from the demo complaints and registry people to Dinkes,
Disdukcapil and the other agencies, some of them overdue, so that `dinkes`, `disdukcapil` and
`manajer` see real work and notifications."""

import datetime

from django.utils import timezone

from onegate import demo

from . import decisions  # noqa: F401  (registers the service decision's demo step)

CITY = "35.76"  # Kota Mojokerto
WATES = "35.76.02.1010"

# (agency, service, days since it was sent, what the agency did, days it took to finish).
# Only Dinkes and Disdukcapil have demo accounts: the other agencies' referrals stay sent.
DEMO_REFERRALS = [
    ("disnaker", "Pelatihan kerja berbasis kompetensi", 27, "", None),
    ("dinkes", "Reaktivasi kepesertaan PBI-JK", 22, "complete", 2),
    ("baznas", "Bantuan konsumtif fakir miskin", 20, "", None),
    ("disdukcapil", "Penerbitan Kartu Keluarga", 17, "complete", 1),
    ("dinkes", "Pendaftaran PBI-JK daerah", 15, "complete", 4),
    ("disdukcapil", "Akta kelahiran", 13, "progress", None),
    ("dinkes", "Reaktivasi kepesertaan PBI-JK", 12, "accept", None),
    ("forum-csr", "Bedah rumah tidak layak huni", 11, "", None),
    ("dinkes", "Pendaftaran PBI-JK daerah", 10, "reject", 2),
    ("dinkes", "Pendaftaran PBI-JK daerah", 9, "redirect", 1),
    ("disdukcapil", "Perekaman KTP-el", 8, "", None),
    ("puskesmas-kedundung", "Kunjungan rumah perawatan kesehatan masyarakat", 8, "", None),
    ("dinkes", "Layanan kesehatan jiwa dan bebas pasung", 7, "complete", 3),
    ("disdukcapil", "Perekaman KTP-el", 6, "reject", 1),
    ("dinsos", "Bantuan alat bantu disabilitas", 5, "", None),
    ("dinkes", "Pendaftaran PBI-JK daerah", 4, "progress", None),
    ("disdik", "Program Indonesia Pintar (PIP) dan beasiswa daerah", 3, "", None),
    ("disdukcapil", "Penerbitan Kartu Keluarga", 2, "accept", None),
    ("dinkes", "Pendaftaran PBI-JK daerah", 1, "", None),
    ("rsud", "Rawat inap pasien PBI atau SKTM", 1, "", None),
    ("dinkes", "Pendaftaran PBI-JK daerah", 0, "draft", None),
    ("disdukcapil", "Akta kelahiran", 0, "draft", None),
]
REDIRECT_TO = ("disdukcapil", "Perekaman KTP-el")

WHY = {
    "kesehatan": (
        "Kartu BPJS PBI tidak aktif saat berobat; keluarga tidak mampu membayar iuran.",
        "Mohon pendaftaran atau pengaktifan kembali PBI-JK.",
    ),
    "adminduk": (
        "Belum memiliki dokumen kependudukan, sehingga tidak bisa mengurus bantuan.",
        "Mohon penerbitan dokumen, dengan layanan jemput bola bila perlu.",
    ),
    "ekonomi": (
        "Kepala keluarga kehilangan pekerjaan dan ingin bekerja kembali.",
        "Mohon diikutkan pelatihan kerja dan informasi penempatan.",
    ),
    "bansos": ("Keluarga miskin belum menerima bantuan kebutuhan dasar.", "Mohon asesmen dan penyaluran bantuan."),
    "perumahan": ("Rumah rusak berat: atap bocor dan dinding retak.", "Mohon dimasukkan ke program bedah rumah."),
    "pendidikan": ("Anak terancam putus sekolah karena biaya.", "Mohon bantuan PIP atau beasiswa daerah."),
    "disabilitas": (
        "Penyandang disabilitas fisik membutuhkan kursi roda untuk beraktivitas.",
        "Mohon bantuan alat bantu disabilitas.",
    ),
}
OUTCOME = {
    "complete": "Layanan sudah diberikan dan diterima keluarga.",
    "reject": "Tidak memenuhi syarat: sudah terdaftar sebagai penerima.",
    "redirect": "Belum memiliki KTP-el: perlu perekaman lebih dulu.",
}


@demo.register(order=5, name="referral-directory")
def seed_directory(say):
    from .directory import load_directory

    added = load_directory(CITY)
    say(f"directory: {added['agencies']} agencies and {added['services']} services added")


@demo.register(order=25, name="referrals")
def seed_referrals(say):
    from ..models import Referral

    if Referral.objects.exists():
        say("referrals already there, kept")
        return
    made = _seed()
    from ..followup import check_overdue_referrals

    done = check_overdue_referrals()
    say(
        f"{made} referrals; {done['overdue']} overdue, {done['escalated']} escalated, {done['notifications']} overdue notifications"
    )


def _seed() -> int:
    from complaints.models import Complaint
    from complaints.models import Status as ComplaintStatus
    from onegate.accounts.models import User
    from registry.models import Person

    from ..models import Service

    users = {
        u.username: u
        for u in User.objects.filter(username__in=["loket", "manajer", "kel.wates", "dinkes", "disdukcapil"])
    }
    complaints = list(
        Complaint.objects.filter(status=ComplaintStatus.REFERRED, subject__isnull=False)
        .select_related("subject")
        .order_by("received_at")
    )
    subjects = {c.subject_id for c in complaints}
    with_nik = (
        Person.objects.filter(merged_into__isnull=True, nik__isnull=False).exclude(pk__in=subjects).order_by("pk")
    )
    people = list(with_nik.filter(region_id=WATES)[:4]) + list(
        with_nik.filter(region__code__startswith=CITY + ".").exclude(region_id=WATES)[:8]
    )
    services = {
        (s.agency.code, s.name): s
        for s in Service.objects.select_related("agency").prefetch_related("required_documents")
    }
    now = timezone.now()
    made = 0
    for i, (agency, name, days_ago, action, took) in enumerate(DEMO_REFERRALS):
        service = services.get((agency, name))
        if service is None:
            continue  # an administrator removed it
        sent = now - datetime.timedelta(days=days_ago, hours=2 + i % 5)
        # A complaint received before the referral was sent (every third referral starts from a person).
        complaint = (
            next((c for c in complaints if c.received_at < sent - datetime.timedelta(hours=3)), None)
            if i % 3 != 2
            else None
        )
        if complaint:
            complaints.remove(complaint)
        person = None if complaint else people.pop(0)
        _refer(service, complaint, person, i, sent, action, took, users, services)
        made += 1
    return made


def _refer(service, complaint, person, i, sent, action, took, users, services):
    from .. import services as referral_services

    desk = users["loket"] if complaint else users["kel.wates"] if person.region_id == WATES else users["manajer"]
    reason, request = WHY.get(service.category, WHY["bansos"])
    documents = [d.document for d in service.required_documents.all()][:2]
    data = {
        "service": service,
        "reason": reason,
        "request": request,
        "documents_provided": documents,
        "consent_given": i % 2 == 0,
    }
    if i % 2 == 0:
        name = complaint.subject_display if complaint else person.full_name
        data.update(
            consent_by=name,
            consent_giver="diri_sendiri",
            consent_method="tertulis",
            consent_at=sent - datetime.timedelta(hours=3),
        )
    walk_started = timezone.now()
    referral = referral_services.referral_create(data=data, acting_user=desk, complaint=complaint, person=person)
    if action == "draft":
        return
    referral = referral_services.referral_send(referral, acting_user=desk)
    officer = users.get(service.agency.code)
    if officer is not None and action:
        _agency_work(referral, action, officer, services)
    _backdate(referral, sent, took, walk_started)


def _agency_work(referral, action, officer, services):
    from .. import services as referral_services

    steps = {
        "accept": ["diterima"],
        "progress": ["diterima", "diproses"],
        "complete": ["diterima", "diproses", "selesai"],
        "reject": ["ditolak"],
    }
    if action == "redirect":
        referral_services.referral_change_status(referral, to_status="diterima", note="", acting_user=officer)
        referral_services.referral_redirect(
            referral, to_service=services[REDIRECT_TO], note=OUTCOME["redirect"], acting_user=officer
        )
        return
    for status in steps[action]:
        note = (
            OUTCOME[action]
            if status in ("selesai", "ditolak")
            else ("Data sedang diverifikasi." if status == "diproses" else "")
        )
        referral_services.referral_change_status(referral, to_status=status, note=note, acting_user=officer)


def _backdate(referral, sent, took, walk_started):
    """Move the referral's story into the past: drafted two hours before it was sent, accepted and
    worked on in the following days, finished ``took`` days after sending (a redirect's linked
    referral is sent when the first one ends). The complaint's copies of the timeline, the prompt
    to close and its notification move with it."""
    from complaints.models import ComplaintEvent, EventKind
    from onegate.notifications.models import Notification
    from onegate.workdays.services import add_working_days

    from ..followup import KIND_READY_TO_CLOSE
    from ..models import Referral

    now = timezone.now()
    finished = min(sent + datetime.timedelta(days=took), now) if took is not None else None
    span = (finished or now) - sent
    at = {
        "": sent - datetime.timedelta(hours=2),
        "dikirim": sent,
        "diterima": sent + span / 4,
        "diproses": sent + span / 2,
    }
    stories = [(referral, at)]
    for linked in referral.redirects.all():
        stories.append((linked, {"": finished, "dikirim": finished}))
    for story, times in stories:
        story.refresh_from_db()
        for event in story.events.all():
            new_at = times.get(event.to_status) or finished
            ComplaintEvent.objects.filter(complaint_id=story.complaint_id, kind=EventKind.REFERRAL, at=event.at).update(
                at=new_at
            )
            type(event).objects.filter(pk=event.pk).update(at=new_at)
        sent_at = times["dikirim"]
        Referral.objects.filter(pk=story.pk).update(
            created_at=times[""],
            sent_at=sent_at,
            due_date=add_working_days(timezone.localdate(sent_at), story.service.sla_working_days),
            accepted_at=times["diterima"] if story.accepted_at else None,
            finished_at=finished if story.finished_at else None,
        )
    if referral.complaint_id and finished:
        ComplaintEvent.objects.filter(
            complaint_id=referral.complaint_id, kind=EventKind.REFERRAL, at__gte=walk_started
        ).update(at=finished)
        Notification.objects.filter(
            kind=KIND_READY_TO_CLOSE, subject_id=referral.complaint_id, created_at__gte=walk_started
        ).update(created_at=finished)


@demo.register(order=90, name="unserved-counts")
def count_unserved(say):
    """The counts of /rujukan/kelayakan/ (beat keeps them current when the portal runs)."""
    from .. import unserved

    say(f"eligible-but-unserved counted for {unserved.refresh_counts()} services")
