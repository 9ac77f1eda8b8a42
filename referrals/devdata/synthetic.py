"""Synthetic referrals for demos and load tests, after complaints.synthetic.

``generate(referred)`` writes a referral for each complaint that complaints.synthetic sent through
"dirujuk" (about a third of those that reached dirujuk/selesai/ditutup; sent when the complaint
moved to dirujuk, finished before the complaint was), plus about 30% as many referrals straight
from registry people, to the active services of the directory that fit the complaint's category.
Every status appears: drafts (recent direct ones), open ones (some overdue, left for the morning
job to notice: ``escalation_level`` stays 0 and no notification is written), completed, rejected,
and redirected ones with their linked referral to another agency. Each has its timeline, copied
onto the complaint's timeline as the services do (the "ready to close" notification excepted).

Written like complaints.synthetic: binary COPY per batch, ids from the sequence, letter numbers
taken from LetterCounter in the batch's transaction (in the order sent), so a real send afterwards
gets the next number. Verification tokens are random (secrets), never from the seed: they guard
the public letter check, and a second run with the same seed must not repeat them.
"""

import datetime
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from complaints.devdata.synthetic import (
    EVENT_COLUMNS as COMPLAINT_EVENT_COLUMNS,
)
from complaints.devdata.synthetic import (
    SPAN_DAYS,
    Calendar,
    Staff,
    office_time,
    received_times,
    sample_people,
)
from complaints.models import ComplaintEvent
from onegate.copying import DictCopyTable, allocate_ids
from onegate.counters import reserve_numbers
from onegate.notifications.services import office_language
from registry.devdata.synthetic import Weighted, in_background

from ..models import LetterCounter, Referral, ReferralEvent, ReferralEventKind, ReferralStatus, Service, ServiceStatus
from ..services import ROMAN_MONTHS
from .demo import WHY

DIRECT_SHARE = 0.3  # referrals straight from a person, per referral from a complaint
# The directory's service categories that fit each top complaint category (complaints/reference.py).
FITTING = {
    "Belum terdaftar bantuan sosial/DTKS": ("bansos",),
    "Bantuan tidak diterima": ("bansos",),
    "Kesehatan/BPJS PBI": ("kesehatan",),
    "Pendidikan": ("pendidikan",),
    "Administrasi kependudukan (KTP/KK/akta)": ("adminduk",),
    "Disabilitas dan alat bantu": ("disabilitas", "rehabilitasi"),
    "Orang terlantar/ODGJ/pasung": ("kesehatan", "rehabilitasi"),
    "Kekerasan terhadap perempuan dan anak": ("perlindungan",),
    "Rumah tidak layak huni": ("perumahan",),
    "Pekerjaan dan usaha": ("ekonomi",),
}
ENDING = Weighted([("selesai", 75), ("ditolak", 15), ("dialihkan", 10)])
CONSENT_METHOD = Weighted([("tertulis", 60), ("lisan", 30), ("telepon", 10)])
RESULTS = [
    "Layanan sudah diberikan dan diterima keluarga.",
    "Kepesertaan sudah aktif.",
    "Dokumen sudah diterbitkan dan diserahkan.",
    "Sudah masuk daftar penerima tahap berikutnya.",
]
REJECTIONS = [
    "Tidak memenuhi syarat: sudah terdaftar sebagai penerima.",
    "Dokumen tidak lengkap setelah dua kali diminta.",
    "Orang yang dirujuk tidak dapat ditemui di alamat.",
]
REDIRECTS = ["Belum memiliki KTP-el: perlu perekaman lebih dulu.", "Lebih tepat ditangani oleh instansi lain."]

REFERRAL_COLUMNS = (
    "id",
    "number",
    "verification_token",
    "complaint_id",
    "person_id",
    "person_name",
    "region_id",
    "agency_id",
    "service_id",
    "reason",
    "request",
    "documents_provided",
    "consent_given",
    "consent_by",
    "consent_giver",
    "consent_method",
    "consent_at",
    "status",
    "due_date",
    "sent_at",
    "accepted_at",
    "finished_at",
    "outcome",
    "escalation_level",
    "redirected_from_id",
    "created_by_id",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS = ("referral_id", "kind", "from_status", "to_status", "note", "actor_id", "at")
OWN, OTHER = (
    "{own}",
    "{other}",
)  # in a note: the referral's letter number, the other's (a redirect), filled when written


@dataclass(frozen=True)
class _Service:
    id: int
    name: str
    agency: int
    agency_name: str
    category: str
    sla: int
    documents: tuple[str, ...]


# Criteria the benchmark's directory gets on services that have none (beside the demo directory's),
# so that the eligible-but-unserved lists have realistic rows at scale: needs found by home visits
# (assessments.devdata.synthetic), deciles, an age band.
SYNTHETIC_CRITERIA = {
    ("baznas", "Bantuan konsumtif fakir miskin"): {"max_decile": 2, "need_domains": ["pangan"]},
    ("forum-csr", "Bedah rumah tidak layak huni"): {"max_decile": 4, "need_domains": ["perumahan"]},
    ("disdik", "Kembali bersekolah"): {"min_age": 7, "max_age": 18, "need_domains": ["pendidikan"]},
}


def add_criteria() -> int:
    """The SYNTHETIC_CRITERIA on the directory's services that have no criteria yet; returns how many."""
    from ..models import ServiceCriteria

    added = 0
    for (agency, name), fields in SYNTHETIC_CRITERIA.items():
        service = Service.objects.filter(agency__code=agency, name=name, criteria__isnull=True).first()
        if service is None:
            continue
        ServiceCriteria.objects.create(service=service, **fields)
        added += 1
    return added


def active_services() -> list[_Service]:
    services = Service.objects.filter(status=ServiceStatus.ACTIVE, agency__is_active=True).select_related("agency")
    return [
        _Service(
            s.pk,
            s.name,
            s.agency_id,
            s.agency.name,
            s.category,
            s.sla_working_days,
            tuple(d.document for d in s.required_documents.all()),
        )
        for s in services.prefetch_related("required_documents").order_by("pk")
    ]


def _labels() -> dict[str, str]:
    """What the services write on a complaint's timeline, in the office's language."""
    with office_language():
        labels = {s.value: str(s.label) for s in ReferralStatus}
        labels["dibuat"] = str(ReferralEventKind.CREATED.label)
        labels["_draft"] = gettext("Draft referral")
        labels["_loop"] = gettext("All referrals are finished: close the complaint with the outcome.")
    return labels


class _Generator:
    def __init__(self, *, rng, services, staff, calendar, now):
        self.rng, self.services, self.staff, self.calendar, self.now = rng, services, staff, calendar, now
        self.fitting, self.agencies = {}, len({s.agency for s in services})
        for service in services:
            self.fitting.setdefault(service.category, []).append(service)
        self.labels = _labels()
        self.reset()

    def reset(self):
        self.referrals, self.events, self.complaint_events = [], [], []

    def batch(self):
        return {"referrals": self.referrals, "events": self.events, "complaint_events": self.complaint_events}

    def service_for(self, category: str | None) -> _Service:
        fitting = [s for c in FITTING.get(category, ()) for s in self.fitting.get(c, ())]
        pool = fitting if fitting and self.rng.random() < 0.9 else self.services
        return pool[self.rng.randrange(len(pool))]

    def event(self, ref: dict, kind, at, actor, *, from_status="", to_status="", note="", other=None):
        """A line on the referral's timeline, and its copy on the complaint's (as timeline.record_event).
        ``other``: the referral whose number the note names (a redirect)."""
        marks = {"_own": ref["id"], "_other": other}
        self.events.append(
            {
                "referral_id": ref["id"],
                "kind": kind,
                "from_status": from_status,
                "to_status": to_status,
                "note": note,
                "actor_id": actor,
                "at": at,
                **marks,
            }
        )
        if ref["complaint_id"] is not None:
            summary = f"{OWN if ref['sent_at'] else self.labels['_draft']} · {ref['_agency']}: {self.labels[to_status or kind]}"
            self.complaint_events.append(
                {
                    "complaint_id": ref["complaint_id"],
                    "kind": "rujukan",
                    "from_status": "",
                    "to_status": "",
                    "is_public": False,
                    "note": f"{summary}\n{note}" if note else summary,
                    "actor_id": actor,
                    "at": at,
                    **marks,
                }
            )

    def consent(self, source, name, drafted) -> dict:
        rng = self.rng
        if rng.random() >= 0.85:
            return {
                "consent_given": False,
                "consent_by": "",
                "consent_giver": "",
                "consent_method": "",
                "consent_at": None,
            }
        if source["relation"] in ("diri_sendiri", None) or not source["complainant"]:
            by, giver = name, "diri_sendiri"
        else:
            by, giver = source["complainant"], "keluarga" if source["relation"] == "keluarga" else "pendamping"
        return {
            "consent_given": True,
            "consent_by": by,
            "consent_giver": giver,
            "consent_method": CONSENT_METHOD.pick(rng),
            "consent_at": drafted - datetime.timedelta(minutes=rng.randint(0, 120)),
        }

    def referral(self, source: dict, *, service=None, sent=None, end=None, origin=None) -> dict:
        """One referral and its story; ``origin`` is the referral it was redirected from."""
        rng, now = self.rng, self.now
        service = service or self.service_for(source["category"])
        sent = sent or source["sent_at"]
        creator = self.staff.pick(self.staff.agency.get(origin["agency_id"]), rng) if origin else source["actor_id"]
        drafted = sent if origin else sent - datetime.timedelta(minutes=rng.randint(10, 180))
        draft = (
            not origin
            and source["complaint_id"] is None
            and now - sent < datetime.timedelta(days=30)
            and rng.random() < 0.5
        )
        reason, request = WHY.get(service.category, WHY["bansos"])
        ref = {
            "id": len(self.referrals),
            "number": None,
            "verification_token": None,
            "complaint_id": source["complaint_id"],
            "person_id": source["subject_id"],
            "person_name": source["subject_name"],
            "region_id": source["region_id"],
            "agency_id": service.agency,
            "service_id": service.id,
            "reason": reason,
            "request": request,
            "documents_provided": [d for d in service.documents if rng.random() < 0.75],
            "status": "draf",
            "due_date": None,
            "sent_at": None,
            "accepted_at": None,
            "finished_at": None,
            "outcome": "",
            "escalation_level": 0,
            "redirected_from_id": None,
            "created_by_id": creator,
            "created_at": drafted,
            "updated_at": drafted,
            "_agency": service.agency_name,
        }
        if origin:
            documents = set(service.documents)
            ref.update(
                {
                    k: origin[k]
                    for k in ("reason", "consent_given", "consent_by", "consent_giver", "consent_method", "consent_at")
                }
            )
            ref.update(
                request=f"{origin['request']}\n\nDialihkan oleh {origin['_agency']}: {origin['outcome']}",
                documents_provided=[d for d in origin["documents_provided"] if d in documents],
                redirected_from_id=origin["id"],
            )
        else:
            ref.update(self.consent(source, source["subject_name"], drafted))
        self.referrals.append(ref)
        if not origin:
            self.event(ref, "dibuat", drafted, creator, note=service.name)
        if draft:
            return ref

        # When the agency finishes: before the complaint is finished, else after a time drawn
        # against the service's SLA; 3% are never taken up (they stay "sent", overdue).
        if end is None:
            if source["finished_at"]:
                end = sent + (source["finished_at"] - sent) * rng.uniform(0.5, 0.95)
            elif rng.random() < 0.03:
                end = now + datetime.timedelta(days=1000)
            else:
                worked = rng.randint(1, service.sla) if rng.random() < 0.7 else service.sla + rng.randint(1, 20)
                end = max(
                    office_time(self.calendar.add(timezone.localdate(sent), worked), rng),
                    sent + datetime.timedelta(hours=2),
                )
        officer = self.staff.pick(self.staff.agency.get(service.agency), rng)
        ref.update(sent_at=sent, status="dikirim", due_date=self.calendar.add(timezone.localdate(sent), service.sla))
        note = f"Dialihkan dari {OTHER} ({origin['_agency']})." if origin else ""
        self.event(
            ref,
            "status",
            sent,
            creator,
            from_status="draf",
            to_status="dikirim",
            note=note,
            other=origin["id"] if origin else None,
        )
        span = end - sent
        if end <= now:
            ending = ENDING.pick(rng)
            if ending == "dialihkan" and (origin or self.agencies < 2):  # redirected once at most
                ending = "selesai"
            path = {
                "selesai": ["diterima", "diproses"] if rng.random() < 0.7 else ["diterima"],
                "ditolak": ["diterima"] if rng.random() < 0.5 else [],
                "dialihkan": ["diterima"],
            }[ending] + [ending]
        else:
            progress = (now - sent) / span
            path = [] if progress < 0.25 else ["diterima"] if progress < 0.5 else ["diterima", "diproses"]
        at = {"diterima": sent + span * 0.2, "diproses": sent + span * 0.45}
        current = "dikirim"
        for status in path:
            when = at.get(status, end)
            if status == "diterima":
                ref["accepted_at"] = when
            if status in ("selesai", "ditolak", "dialihkan"):
                ref["outcome"] = rng.choice({"selesai": RESULTS, "ditolak": REJECTIONS, "dialihkan": REDIRECTS}[status])
                ref["finished_at"] = when
            if status == "dialihkan":
                ref.update(status=status, updated_at=when)
                linked_end = None
                if source["finished_at"]:
                    linked_end = end + (source["finished_at"] - end) * rng.uniform(0.5, 0.95)
                linked = self.referral(
                    source, service=self.other_service(service), sent=end, end=linked_end, origin=ref
                )
                self.event(
                    ref,
                    "status",
                    when,
                    officer,
                    from_status=current,
                    to_status=status,
                    note=f"{ref['outcome']}\n→ {OTHER} · {linked['_agency']}",
                    other=linked["id"],
                )
                return ref
            note = (
                ref["outcome"]
                if status in ("selesai", "ditolak")
                else ("Data sedang diverifikasi." if status == "diproses" else "")
            )
            self.event(ref, "status", when, officer, from_status=current, to_status=status, note=note)
            current = status
        ref.update(status=current, updated_at=ref["finished_at"] or at.get(current, sent))
        if ref["finished_at"] and source["complaint_id"] is not None:
            # The complaint's last referral finished while it was open: services._close_the_loop.
            self.complaint_events.append(
                {
                    "complaint_id": source["complaint_id"],
                    "kind": "rujukan",
                    "from_status": "",
                    "to_status": "",
                    "is_public": False,
                    "note": self.labels["_loop"],
                    "actor_id": officer,
                    "at": ref["finished_at"],
                }
            )
        return ref

    def other_service(self, service: _Service) -> _Service:
        others = [s for s in self.services if s.agency != service.agency]
        fitting = [s for s in others if s.category == service.category]
        pool = fitting or others
        return pool[self.rng.randrange(len(pool))]


# --- Database ---------------------------------------------------------------------------------------


def _used_letters() -> dict[int, int]:
    """The highest number of each year among the letters already sent (``460/0123/417.302/XI/2026``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m[2]::int, max(m[1]::int) FROM (SELECT regexp_match(number, '^[^/]+/([0-9]+)/.*/([0-9]{4})$') AS m "
            f"FROM {Referral._meta.db_table} WHERE number IS NOT NULL) AS t WHERE m IS NOT NULL GROUP BY 1"
        )
        return dict(cursor.fetchall())


@transaction.atomic
def _write_batch(batch, tables, used_letters) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")  # generated data: see complaints.synthetic
    refs = batch["referrals"]
    ids = allocate_ids(Referral, len(refs))
    sent = sorted((ref for ref in refs if ref["sent_at"]), key=lambda ref: ref["sent_at"])
    days = {ref["id"]: timezone.localdate(ref["sent_at"]) for ref in sent}
    years = Counter(day.year for day in days.values())
    following = {
        year: reserve_numbers(LetterCounter, year, n, used_letters.get(year, 0)) for year, n in sorted(years.items())
    }
    code, unit = settings.LETTER_CLASSIFICATION_CODE, settings.OFFICE_UNIT_CODE
    for ref in sent:
        day = days[ref["id"]]
        ref["number"] = f"{code}/{following[day.year]:04d}/{unit}/{ROMAN_MONTHS[day.month - 1]}/{day.year}"
        ref["verification_token"] = secrets.token_urlsafe(24)  # as services._dispatch
        following[day.year] += 1
    for ref in refs:
        if ref["redirected_from_id"] is not None:
            ref["redirected_from_id"] = ids[ref["redirected_from_id"]]
    for event in (*batch["events"], *batch["complaint_events"]):
        own, other = event.pop("_own", None), event.pop("_other", None)
        if own is not None:
            event["note"] = event["note"].replace(OWN, refs[own]["number"] or "")
        if other is not None:
            event["note"] = event["note"].replace(OTHER, refs[other]["number"])
    for event in batch["events"]:
        event["referral_id"] = ids[event["referral_id"]]
    for ref, pk in zip(refs, ids, strict=True):
        ref["id"] = pk
    tables["referrals"].write(refs)
    tables["events"].write(batch["events"])
    tables["complaint_events"].write(batch["complaint_events"])


def generate(
    referred: list[dict],
    *,
    seed: int = 1,
    batch_size: int = 5000,
    now: datetime.datetime | None = None,
    progress: Callable[[dict], None] | None = None,
) -> dict:
    """Referrals for the ``referred`` complaints (from complaints.synthetic.generate, with their
    real ids) and about 30% more from registry people, in batches of ``batch_size``. Returns the
    counts: referrals, events (the referrals'), complaint_events (their copies)."""
    services = active_services()
    if not services:
        raise ValueError("no active service in the directory: run seed_demo (or add services) first")
    now = timezone.localtime(now or timezone.now())
    rng = random.Random(f"referrals-{seed}")
    staff = Staff()
    direct = sample_people(round(len(referred) * DIRECT_SHARE), rng)
    sources = list(referred)
    for person, sent in zip(direct, received_times(len(direct), rng, now), strict=True):
        sources.append(
            {
                "complaint_id": None,
                "subject_id": person.id,
                "subject_name": person.name,
                "region_id": person.region,
                "category": None,
                "status": None,
                "sent_at": sent,
                "finished_at": None,
                "actor_id": staff.officer(person.region, rng),
                "complainant": "",
                "relation": None,
            }
        )
    sources.sort(key=lambda source: source["sent_at"])
    today = timezone.localdate(now)
    generator = _Generator(
        rng=rng,
        services=services,
        staff=staff,
        now=now,
        calendar=Calendar(today - datetime.timedelta(days=SPAN_DAYS + 1), today + datetime.timedelta(days=200)),
    )

    def batches():
        for first in range(0, len(sources), batch_size):
            generator.reset()
            for source in sources[first : first + batch_size]:
                generator.referral(source)
            yield generator.batch()

    tables = {
        "referrals": DictCopyTable(Referral, REFERRAL_COLUMNS),
        "events": DictCopyTable(ReferralEvent, EVENT_COLUMNS),
        "complaint_events": DictCopyTable(ComplaintEvent, COMPLAINT_EVENT_COLUMNS),
    }
    used = _used_letters()
    counts = {"referrals": 0, "referral_events": 0, "complaint_events": 0}
    started, done = time.monotonic(), 0
    for batch in in_background(batches()):
        done = min(done + batch_size, len(sources))
        _write_batch(batch, tables, used)
        for key, rows in (
            ("referrals", "referrals"),
            ("referral_events", "events"),
            ("complaint_events", "complaint_events"),
        ):
            counts[key] += len(batch[rows])
        if progress:
            progress({**counts, "done": done, "total": len(sources), "seconds": time.monotonic() - started})
    return counts
