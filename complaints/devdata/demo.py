"""Complaint desk demo data: complaints of the last weeks in every status and SLA state, most of
them about registry people of Kota Mojokerto, and today's walk-in queue, so that `loket` and
`manajer` see real work."""

import datetime
import random

from django.utils import timezone

from onegate import demo

DEMO_COMPLAINTS = 60
TODAY_WALK_INS = 6

DESCRIPTIONS = [
    "Keluarga belum menerima bantuan sejak tiga bulan terakhir, padahal tercatat sebagai penerima.",
    "Ibu pelapor meminta anaknya didaftarkan ke DTKS karena suami sudah tidak bekerja.",
    "Kartu BPJS PBI tidak aktif saat berobat ke puskesmas.",
    "Anak putus sekolah karena biaya; orang tua meminta bantuan pendidikan.",
    "Belum memiliki KTP-el dan akta kelahiran, sehingga tidak bisa mengurus bantuan.",
    "Membutuhkan kursi roda untuk anggota keluarga penyandang disabilitas fisik.",
    "Warga melaporkan orang dengan gangguan jiwa dipasung di rumah keluarganya.",
    "Tetangga melaporkan dugaan kekerasan terhadap anak.",
    "Rumah rusak berat dan atap bocor; mohon program bedah rumah (RTLH).",
    "Meminta pelatihan usaha dan modal untuk berjualan.",
]


@demo.register(order=20, name="complaints")
def seed_complaints(say):
    from ..models import Category, Complaint
    from ..reference import load_categories

    if added := load_categories(Category):
        say(f"{added} complaint categories added")
    if Complaint.objects.exists():
        say("complaints already there, kept")
        return
    counts = _seed(random.Random(2026))
    say(", ".join(f"{n} {name}" for name, n in counts.items()))


def _seed(rng: random.Random) -> dict[str, int]:
    from onegate.accounts.models import User
    from registry.models import Person

    from .. import services
    from ..models import Category, Channel, Status, Urgency

    desk, manager = User.objects.get(username="loket"), User.objects.get(username="manajer")
    wates_officer = User.objects.filter(username="kel.wates").first()
    categories = list(Category.objects.filter(is_active=True))
    people = list(
        Person.objects.filter(region__code__startswith="35.76.", merged_into__isnull=True).select_related("region")[
            :400
        ]
    )
    now = timezone.now()
    statuses = [Status.NEW, Status.ASSESSMENT, Status.REFERRED, Status.RESOLVED, Status.CLOSED]
    made = 0
    for i in range(DEMO_COMPLAINTS + TODAY_WALK_INS):
        today_walk_in = i >= DEMO_COMPLAINTS
        received = (
            now - datetime.timedelta(minutes=rng.randint(5, 240))
            if today_walk_in
            else now - datetime.timedelta(days=rng.randint(1, 28), hours=rng.randint(0, 6))
        )
        person = rng.choice(people)
        data = {
            "channel": Channel.WALK_IN if today_walk_in else rng.choice(Channel.values),
            "received_at": received,
            "complainant_name": person.full_name if i % 3 else f"Tetangga {person.full_name.split()[0]}",
            "complainant_phone": f"0812{rng.randint(10_000_000, 99_999_999)}",
            "complainant_relation": "diri_sendiri" if i % 3 else "tetangga",
            "category": rng.choice(categories),
            "urgency": rng.choice([Urgency.NORMAL] * 4 + [Urgency.URGENT, Urgency.EMERGENCY]),
            "description": rng.choice(DESCRIPTIONS),
        }
        if i % 5:
            data["subject"] = person
        else:
            data.update(subject_name=f"Bapak {person.full_name.split()[-1]}", region=person.region)
        # Every fourth complainant agreed to updates (notices): the complaint pages show their messages.
        updates = ("whatsapp" if i % 8 else "sms") if i % 4 == 0 else ""
        complaint = services.complaint_create(data=data, acting_user=desk, updates_channel=updates)
        made += 1
        if today_walk_in:
            if i % 3 == 0:
                services.complaint_mark_served(complaint, acting_user=desk)
            continue
        _follow_up(complaint, statuses[i % len(statuses)], manager, wates_officer, rng)
    return {"complaints": made, "walk-ins today": TODAY_WALK_INS}


def _follow_up(complaint, target, manager, officer, rng):
    """Walk the complaint to its demo status, finishing some on time and some late."""
    from .. import services
    from ..models import Complaint, Status

    if officer and complaint.region_id.startswith(officer.region_id):
        services.complaint_assign(complaint, officer=officer, acting_user=manager)
    if target == Status.NEW:
        return
    services.complaint_change_status(
        complaint, to_status=Status.ASSESSMENT, note="Asesmen awal oleh petugas.", acting_user=manager
    )
    if target in (Status.REFERRED, Status.RESOLVED):
        services.complaint_change_status(
            complaint, to_status=Status.REFERRED, note="Dirujuk ke dinas terkait.", acting_user=manager
        )
    if target in (Status.RESOLVED, Status.CLOSED):
        note = (
            "Bantuan sudah diterima keluarga."
            if target == Status.RESOLVED
            else "Pelapor tidak dapat dihubungi setelah tiga kali kunjungan."
        )
        services.complaint_change_status(complaint, to_status=target, note=note, acting_user=manager)
        # Finished some days after it came in: before or after the due date.
        finished = complaint.received_at + datetime.timedelta(days=rng.randint(1, 12))
        Complaint.objects.filter(pk=complaint.pk).update(finished_at=min(finished, timezone.now()))
