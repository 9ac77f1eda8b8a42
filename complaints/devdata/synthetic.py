"""Synthetic complaints for demos and load tests, about the people already in the registry.

``generate(per_thousand=30)`` writes about 30 complaints per 1,000 registered people, received over
the last 18 months (up to ``now``), in every status and SLA state, each with its timeline: most
about a registry person (region = the person's kelurahan), some about someone not registered.
Whether a complaint is finished, and how late, follows from a planned handling time drawn against
its category's SLA, so old complaints are mostly finished and the open ones are recent (plus a small
forgotten backlog). About a third of those that reached "dirujuk" went through it: they are
returned to ``referrals.synthetic.generate`` which writes their referrals.

Rows are written like registry/synthetic.py (whose COPY helpers this reuses): binary COPY in
batches, each committed on its own with ids from the sequences; ticket numbers are taken from
TicketCounter in the batch's transaction (in the order received), so a real intake afterwards gets
the next number. The same seed, ``now`` and registry give the same complaints, under new ticket
numbers when run again. No model signals: nothing in the audit log.
"""

import datetime
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from onegate.accounts.models import Role, User
from onegate.copying import DictCopyTable, allocate_ids
from onegate.counters import reserve_numbers
from onegate.workdays.models import Holiday
from onegate.workdays.services import add_working_days
from registry.devdata.synthetic import (
    FEMALE_JAVANESE,
    FEMALE_SECOND,
    MALE_JAVANESE,
    MALE_SECOND,
    Weighted,
    in_background,
)
from registry.models import Person

from ..models import Category, Complaint, ComplaintEvent, QueueCounter, TicketCounter
from ..services import TICKET_PREFIX

SPAN_DAYS = 548  # about 18 months
SUBJECT_SHARE = 0.85  # complaints about a registered person
REFERRAL_SHARE = 0.35  # complaints that go through "dirujuk"

CHANNEL = Weighted([("datang", 40), ("telepon", 12), ("pesan", 18), ("online", 15), ("jemput_bola", 8), ("rt_rw", 7)])
URGENCY = Weighted([("biasa", 80), ("mendesak", 15), ("darurat", 5)])
URGENCY_CRISIS = Weighted([("biasa", 20), ("mendesak", 45), ("darurat", 35)])  # categories with a 1-day SLA
RELATION = Weighted(
    [("diri_sendiri", 55), ("keluarga", 25), ("tetangga", 8), ("rt_rw", 5), ("pendamping", 5), ("lainnya", 2)]
)
CATEGORY_WEIGHT = {  # by top category name (complaints/reference.py); others weigh 3
    "Belum terdaftar bantuan sosial/DTKS": 16,
    "Bantuan tidak diterima": 18,
    "Kesehatan/BPJS PBI": 16,
    "Pendidikan": 8,
    "Administrasi kependudukan (KTP/KK/akta)": 10,
    "Disabilitas dan alat bantu": 7,
    "Orang terlantar/ODGJ/pasung": 3,
    "Kekerasan terhadap perempuan dan anak": 2,
    "Rumah tidak layak huni": 8,
    "Pekerjaan dan usaha": 6,
    "Lainnya": 4,
}
DESCRIPTIONS = {
    "Belum terdaftar bantuan sosial/DTKS": [
        "Ibu pelapor meminta keluarganya didaftarkan ke DTKS karena suami sudah tidak bekerja.",
        "Keluarga miskin belum terdata di DTSEN sehingga tidak bisa mengajukan bantuan.",
    ],
    "Bantuan tidak diterima": [
        "Keluarga belum menerima bantuan sejak tiga bulan terakhir, padahal tercatat sebagai penerima.",
        "Bantuan sembako bulan ini tidak diterima; nama tidak ada di daftar penyaluran.",
    ],
    "Kesehatan/BPJS PBI": [
        "Kartu BPJS PBI tidak aktif saat berobat ke puskesmas.",
        "Tidak mampu membayar biaya rawat inap di rumah sakit.",
    ],
    "Pendidikan": [
        "Anak putus sekolah karena biaya; orang tua meminta bantuan pendidikan.",
        "Dana PIP anak belum cair tahun ini.",
    ],
    "Administrasi kependudukan (KTP/KK/akta)": [
        "Belum memiliki KTP-el dan akta kelahiran, sehingga tidak bisa mengurus bantuan.",
        "Kartu Keluarga hilang dan perlu diterbitkan ulang.",
    ],
    "Disabilitas dan alat bantu": [
        "Membutuhkan kursi roda untuk anggota keluarga penyandang disabilitas fisik.",
        "Anak tunarungu membutuhkan alat bantu dengar.",
    ],
    "Orang terlantar/ODGJ/pasung": [
        "Warga melaporkan orang dengan gangguan jiwa dipasung di rumah keluarganya.",
        "Lansia hidup sendiri dan tidak ada yang merawat.",
    ],
    "Kekerasan terhadap perempuan dan anak": [
        "Tetangga melaporkan dugaan kekerasan terhadap anak.",
        "Ibu rumah tangga melaporkan kekerasan oleh suami.",
    ],
    "Rumah tidak layak huni": ["Rumah rusak berat dan atap bocor; mohon program bedah rumah (RTLH)."],
    "Pekerjaan dan usaha": [
        "Meminta pelatihan usaha dan modal untuk berjualan.",
        "Kepala keluarga kena PHK dan mencari pekerjaan.",
    ],
}
OTHER_DESCRIPTIONS = ["Warga meminta informasi dan pendampingan untuk masalah sosial keluarga."]
OUTCOMES = [
    "Bantuan sudah diterima keluarga.",
    "Sudah didaftarkan dan menunggu penetapan.",
    "Layanan sudah diberikan oleh dinas terkait.",
    "Masalah selesai setelah kunjungan rumah.",
]
CLOSING_REASONS = [
    "Pelapor tidak dapat dihubungi setelah tiga kali kunjungan.",
    "Pengaduan ganda: sudah ditangani dengan tiket lain.",
    "Tidak memenuhi kriteria setelah asesmen.",
    "Pelapor mencabut pengaduan.",
]

COMPLAINT_COLUMNS = (
    "id",
    "ticket_number",
    "channel",
    "received_at",
    "is_anonymous",
    "complainant_name",
    "complainant_phone",
    "complainant_relation",
    "subject_id",
    "subject_name",
    "region_id",
    "category_id",
    "description",
    "urgency",
    "status",
    "closing_reason",
    "due_date",
    "finished_at",
    "assigned_to_id",
    "created_by_id",
    "queue_number",
    "served_at",
    "updated_at",
)
EVENT_COLUMNS = ("complaint_id", "kind", "from_status", "to_status", "note", "is_public", "actor_id", "at")


@dataclass(frozen=True)
class _Person:
    id: int
    name: str
    region: str
    phone: str


@dataclass(frozen=True)
class _Category:
    id: int
    top: str  # the top category's name
    sla: int


class Staff:
    """Active staff user ids by role (and kelurahan officers by their kelurahan); empty lists when
    the database has none, and then the generated rows say "nobody"."""

    def __init__(self):
        self.desk, self.managers, self.kelurahan, self.agency = [], [], {}, {}
        for pk, role, region, agency in (
            User.objects.filter(is_active=True).order_by("pk").values_list("pk", "role", "region_id", "agency_id")
        ):
            if role == Role.FRONT_DESK:
                self.desk.append(pk)
            elif role == Role.MANAGER:
                self.managers.append(pk)
            elif role == Role.KELURAHAN:
                self.kelurahan.setdefault(region, []).append(pk)
            elif role == Role.AGENCY:
                self.agency.setdefault(agency, []).append(pk)

    @staticmethod
    def pick(ids, rng):
        return ids[rng.randrange(len(ids))] if ids else None

    def recorder(self, rng):
        return self.pick(self.desk or self.managers, rng)

    def officer(self, region, rng):
        """Who follows a complaint up: the kelurahan's officer when there is one, else the office."""
        return self.pick(self.kelurahan.get(region) or self.managers or self.desk, rng)


class Calendar:
    """Working days with the holidays loaded once and every (day, n) worked out once: the exact
    due dates of onegate.workdays at the cost of a dict lookup per row."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.holidays = set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))
        self.cache = {}

    def add(self, day: datetime.date, n: int) -> datetime.date:
        due = self.cache.get((day, n))
        if due is None:
            due = self.cache[day, n] = add_working_days(day, n, self.holidays)
        return due


def invented_name(rng) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(MALE_JAVANESE)} {rng.choice(MALE_SECOND)}"
    return f"{rng.choice(FEMALE_JAVANESE)} {rng.choice(FEMALE_SECOND)}"


def phone(rng) -> str:
    return f"08{rng.choice('1235789')}{rng.randrange(10)}{rng.randrange(10_000_000, 100_000_000)}"


def office_time(day: datetime.date, rng) -> datetime.datetime:
    """A moment of office hours (07:30–15:30 local) on that day."""
    start = datetime.datetime.combine(day, datetime.time(7, 30), tzinfo=timezone.get_current_timezone())
    return start + datetime.timedelta(seconds=rng.randrange(8 * 3600))


def people_count() -> int:
    return Person.objects.filter(merged_into__isnull=True).count()


def sample_people(n: int, rng: random.Random) -> list[_Person]:
    """n living, unmerged people drawn at random (with repeats) by id: a few indexed lookups
    instead of reading millions of rows; the same seed and registry give the same people."""
    bounds = Person.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if n <= 0 or bounds["low"] is None:
        return []
    low, high = bounds["low"], bounds["high"]
    found, tries = [], 0
    while len(found) < n and tries < 200:
        tries += 1
        wanted = [rng.randint(low, high) for _ in range(min(20_000, 2 * (n - len(found)) + 10))]
        with connection.cursor() as cursor:
            # A join with the unnested ids reads them by primary key; "id = ANY(%s)" with a
            # parameter array compared every row of the table with every id (3 s at 200k people).
            cursor.execute(
                f"SELECT p.id, p.full_name, p.region_id, p.phone FROM {Person._meta.db_table} p "
                "JOIN (SELECT DISTINCT unnest(%s::bigint[]) AS id) w ON w.id = p.id "
                "WHERE p.merged_into_id IS NULL AND p.life_status = 'hidup'",
                [wanted],
            )
            rows = {row[0]: _Person(*row) for row in cursor.fetchall()}
        found.extend(rows[pk] for pk in wanted if pk in rows)
    return found[:n]


def _categories() -> Weighted:
    """The active categories, weighted by how common their top category is; a top category with
    sub-categories is mostly recorded under one of them."""
    active = list(Category.objects.filter(is_active=True).select_related("parent").order_by("pk"))
    children = Counter(c.parent_id for c in active if c.parent_id)
    pairs = []
    for category in active:
        top = category.parent or category
        weight = CATEGORY_WEIGHT.get(top.name, 3)
        if category.parent_id:
            weight *= 0.9 / children[category.parent_id]
        elif children[category.pk]:
            weight *= 0.1
        pairs.append((_Category(category.pk, top.name, category.sla_days), weight))
    if not pairs:
        raise ValueError("no active complaint category: run migrate (or seed_demo) first")
    return Weighted(pairs)


class _Generator:
    def __init__(self, *, rng, people, categories, staff, calendar, now):
        self.rng, self.people, self.categories, self.staff, self.calendar, self.now = (
            rng,
            people,
            categories,
            staff,
            calendar,
            now,
        )
        self.reset()

    def reset(self):
        self.complaints, self.events, self.referred = [], [], []

    def batch(self) -> dict[str, list[dict]]:
        return {"complaints": self.complaints, "events": self.events, "referred": self.referred}

    def event(self, complaint, kind, at, actor, *, from_status="", to_status="", note="", public=False):
        self.events.append(
            {
                "complaint_id": complaint,
                "kind": kind,
                "from_status": from_status,
                "to_status": to_status,
                "note": note,
                "is_public": public,
                "actor_id": actor,
                "at": at,
            }
        )

    def complaint(self, received: datetime.datetime) -> None:
        rng, now, i = self.rng, self.now, len(self.complaints)  # i: provisional id, replaced when written
        category = self.categories.pick(rng)
        channel = CHANNEL.pick(rng)
        person = self.people[rng.randrange(len(self.people))]
        subject = person if rng.random() < SUBJECT_SHARE else None
        subject_name = person.name if subject else invented_name(rng)
        relation = RELATION.pick(rng)
        anonymous = channel != "online" and rng.random() < 0.04
        if anonymous:
            complainant, complainant_phone = "", ""
        elif relation == "diri_sendiri":
            complainant, complainant_phone = subject_name, (subject.phone if subject and subject.phone else phone(rng))
        else:
            complainant, complainant_phone = invented_name(rng), phone(rng)
        recorder = None if channel == "online" else self.staff.recorder(rng)
        day = timezone.localdate(received)
        due = self.calendar.add(day, category.sla)

        # The planned handling time: within the SLA for three in four, late for the rest.
        worked = rng.randint(0, category.sla) if rng.random() < 0.75 else category.sla + rng.randint(1, 15)
        finish = office_time(self.calendar.add(day, worked), rng)
        if finish <= received:
            finish = received + datetime.timedelta(minutes=rng.randint(20, 240))
        span = finish - received
        via_referral = rng.random() < REFERRAL_SHARE
        quick = not via_referral and rng.random() < 0.1  # settled at the desk, without an assessment
        if finish <= now and rng.random() >= 0.02:  # 2%: a forgotten backlog, never finished
            status = "selesai" if rng.random() < 0.78 else "ditutup"
            progress = 1.0
        else:
            progress = (now - received) / span if finish > now else 1.0
            status = (
                "baru" if progress < 0.15 or quick else "dirujuk" if via_referral and progress >= 0.4 else "asesmen"
            )
        finished_at = finish if status in ("selesai", "ditutup") else None

        self.event(i, "dibuat", received, recorder, to_status="baru", public=True)
        queue_number, served_at = None, None
        if channel == "datang":
            queue_number = 0  # numbered for the day when written
            served = received + datetime.timedelta(minutes=rng.randint(5, 90))
            if served <= now and (finished_at is None or served <= finished_at):
                served_at = served
                self.event(i, "dilayani", served, recorder)
        officer = None
        assign_at = received + min(span * 0.05, datetime.timedelta(hours=2))
        if rng.random() < 0.7 and assign_at <= now and (finished_at is None or assign_at < finished_at):
            officer = self.staff.officer(person.region, rng)
            if officer is not None:
                self.event(
                    i,
                    "penugasan",
                    assign_at,
                    self.staff.pick(self.staff.managers, rng),
                    note="Ditugaskan kepada petugas.",
                )
        actor = officer or self.staff.pick(self.staff.managers, rng)
        at, current = received, "baru"
        if not quick and progress >= 0.15:
            at = received + span * 0.1
            self.event(
                i,
                "status",
                at,
                actor,
                from_status="baru",
                to_status="asesmen",
                note="Asesmen awal oleh petugas.",
                public=True,
            )
            current = "asesmen"
        if via_referral and progress >= 0.4:
            at = received + span * 0.35
            self.event(
                i,
                "status",
                at,
                actor,
                from_status=current,
                to_status="dirujuk",
                note="Dirujuk ke dinas terkait.",
                public=True,
            )
            current = "dirujuk"
            self.referred.append(
                {
                    "complaint_id": i,
                    "subject_id": subject.id if subject else None,
                    "subject_name": subject_name,
                    "region_id": person.region,
                    "category": category.top,
                    "status": status,
                    "sent_at": at,
                    "finished_at": finished_at,
                    "actor_id": officer or recorder,
                    "complainant": complainant,
                    "relation": relation,
                }
            )
        closing_reason = ""
        if finished_at:
            closing_reason = rng.choice(OUTCOMES if status == "selesai" else CLOSING_REASONS)
            self.event(
                i, "status", finished_at, actor, from_status=current, to_status=status, note=closing_reason, public=True
            )
            at = finished_at

        self.complaints.append(
            {
                "id": i,
                "ticket_number": None,
                "channel": channel,
                "received_at": received,
                "is_anonymous": anonymous,
                "complainant_name": complainant,
                "complainant_phone": complainant_phone,
                "complainant_relation": "" if anonymous else relation,
                "subject_id": subject.id if subject else None,
                "subject_name": subject_name,
                "region_id": person.region,
                "category_id": category.id,
                "description": rng.choice(DESCRIPTIONS.get(category.top, OTHER_DESCRIPTIONS)),
                "urgency": (URGENCY_CRISIS if category.sla <= 1 else URGENCY).pick(rng),
                "status": status,
                "closing_reason": closing_reason,
                "due_date": due,
                "finished_at": finished_at,
                "assigned_to_id": officer,
                "created_by_id": recorder,
                "queue_number": queue_number,
                "served_at": served_at,
                "updated_at": max(at, served_at or at),
                "_day": day,
            }
        )


def received_times(n: int, rng: random.Random, now: datetime.datetime) -> list[datetime.datetime]:
    """n moments spread evenly over the last 18 months, in order: mostly office hours, online any time."""
    today = timezone.localdate(now)
    times = []
    for _ in range(n):
        day = today - datetime.timedelta(days=rng.randrange(SPAN_DAYS))
        if rng.random() < 0.85:
            at = office_time(day, rng)
        else:
            at = datetime.datetime.combine(day, datetime.time(), tzinfo=now.tzinfo) + datetime.timedelta(
                seconds=rng.randrange(86400)
            )
        if at > now:  # later today: yesterday instead
            at -= datetime.timedelta(days=1)
        times.append(at)
    times.sort()
    return times


# --- Database ---------------------------------------------------------------------------------------


def _used_tickets() -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT substr(ticket_number, 5, 4)::int, max(substr(ticket_number, 10)::int) FROM {Complaint._meta.db_table} "
            "WHERE ticket_number ~ %s GROUP BY 1",
            [f"^{TICKET_PREFIX}-[0-9]{{4}}-[0-9]+$"],
        )
        return dict(cursor.fetchall())


def _number_walk_ins(rows: list[dict]) -> None:
    """Queue numbers of the day from QueueCounter, so that today's real walk-ins come after these."""
    walk_ins = Counter(row["_day"] for row in rows if row["queue_number"] is not None)
    following = {day: reserve_numbers(QueueCounter, day, n) for day, n in sorted(walk_ins.items())}
    for row in rows:
        if row["queue_number"] is not None:
            row["queue_number"] = following[row["_day"]]
            following[row["_day"]] += 1


@transaction.atomic
def _write_batch(batch, tables, used_tickets) -> None:
    with connection.cursor() as cursor:
        # Generated data: losing the last batch in a crash is harmless, waiting for the disk is not.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
    rows = batch["complaints"]
    ids = allocate_ids(Complaint, len(rows))
    years = Counter(row["_day"].year for row in rows)
    following = {
        year: reserve_numbers(TicketCounter, year, n, used_tickets.get(year, 0)) for year, n in sorted(years.items())
    }
    for row, pk in zip(rows, ids, strict=True):  # rows are in the order received
        row["id"] = pk
        year = row["_day"].year
        row["ticket_number"] = f"{TICKET_PREFIX}-{year}-{following[year]:06d}"
        following[year] += 1
    _number_walk_ins(rows)
    for row in batch["events"]:
        row["complaint_id"] = ids[row["complaint_id"]]
    for row in batch["referred"]:
        row["complaint_id"] = ids[row["complaint_id"]]
    tables["complaints"].write(rows)
    tables["events"].write(batch["events"])


def generate(
    *,
    per_thousand: float = 30,
    seed: int = 1,
    batch_size: int = 5000,
    now: datetime.datetime | None = None,
    progress: Callable[[dict], None] | None = None,
) -> tuple[dict, list[dict]]:
    """About ``per_thousand`` complaints per 1,000 people in the registry, received in the 18
    months before ``now`` (default: now), in batches of ``batch_size``. Returns the counts
    (complaints, events) and the complaints that were referred, for referrals.synthetic."""
    if per_thousand < 0 or batch_size < 1:
        raise ValueError("per_thousand cannot be negative and batch_size must be at least 1")
    now = timezone.localtime(now or timezone.now())
    rng = random.Random(seed)
    total = round(people_count() * per_thousand / 1000)
    counts, referred = {"complaints": 0, "events": 0}, []
    people = sample_people(total, rng)
    if not people:
        return counts, referred
    today = timezone.localdate(now)
    generator = _Generator(
        rng=rng,
        people=people,
        categories=_categories(),
        staff=Staff(),
        calendar=Calendar(today - datetime.timedelta(days=SPAN_DAYS + 1), today + datetime.timedelta(days=120)),
        now=now,
    )
    times = received_times(total, rng, now)

    def batches():
        for first in range(0, total, batch_size):
            generator.reset()
            for received in times[first : first + batch_size]:
                generator.complaint(received)
            yield generator.batch()

    tables = {
        "complaints": DictCopyTable(Complaint, COMPLAINT_COLUMNS),
        "events": DictCopyTable(ComplaintEvent, EVENT_COLUMNS),
    }
    used = _used_tickets()
    started = time.monotonic()
    for batch in in_background(batches()):
        _write_batch(batch, tables, used)
        counts["complaints"] += len(batch["complaints"])
        counts["events"] += len(batch["events"])
        referred.extend(batch["referred"])
        if progress:
            progress({**counts, "done": counts["complaints"], "total": total, "seconds": time.monotonic() - started})
    return counts, referred
