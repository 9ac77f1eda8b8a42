"""Needs assessment demo data: home visits to some households of Wates and Kranggan (most
submitted, one draft each), so the household and person pages, and later the matching, show needs."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from onegate import demo

HOUSEHOLDS_PER_KELURAHAN = 8
OFFICERS = {"35.76.02.1010": "kel.wates", "35.76.03.1001": "kel.kranggan"}  # Wates, Kranggan

NOTES = {
    "kesehatan": "Kepala keluarga sakit menahun, BPJS PBI tidak aktif.",
    "pendidikan": "Anak usia sekolah terancam putus sekolah karena biaya.",
    "pangan": "Makan dua kali sehari, persediaan beras tidak cukup.",
    "perumahan": "Atap bocor dan dinding retak; layak diusulkan RTLH.",
    "ekonomi": "Penghasilan tidak tetap sebagai buruh harian.",
    "dokumen": "Belum memiliki akta kelahiran anak.",
    "disabilitas": "Membutuhkan kursi roda dan terapi.",
    "perlindungan": "Lansia tinggal sendiri tanpa pendamping.",
    "hukum": "Sengketa tanah warisan, perlu pendampingan hukum.",
    "lainnya": "",
}


@demo.register(order=15, name="assessments")
def seed_assessments(say):
    from ..models import Assessment

    if Assessment.objects.exists():
        say("assessments already there, kept")
        return
    made = _seed(random.Random(2026))
    say(f"{made} needs assessments")


@transaction.atomic
def _seed(rng: random.Random) -> int:
    from onegate.accounts.models import User
    from registry.models import Household

    from .. import services
    from ..models import NeedDomain, NeedLevel

    made = 0
    today = timezone.localdate()
    for region, username in OFFICERS.items():
        officer = User.objects.filter(username=username).first()
        if officer is None:
            continue
        households = Household.objects.filter(region_id=region, members__isnull=False).distinct().order_by("pk")
        for index, household in enumerate(households[:HOUSEHOLDS_PER_KELURAHAN]):
            members = list(household.members.order_by("birth_date"))
            needs = [
                {
                    "person": None,
                    "domain": d,
                    "level": rng.choice([NeedLevel.NEEDED, NeedLevel.URGENT]),
                    "note": NOTES[d],
                }
                for d in rng.sample([d.value for d in NeedDomain if d != NeedDomain.OTHER], 2)
            ]
            if members and rng.random() < 0.6:
                domain = rng.choice([NeedDomain.HEALTH, NeedDomain.EDUCATION, NeedDomain.DISABILITY])
                needs.append(
                    {"person": rng.choice(members), "domain": domain, "level": NeedLevel.URGENT, "note": NOTES[domain]}
                )
            visited = today - datetime.timedelta(days=rng.randint(3, 60))
            data = {"visited_on": visited, "companions": rng.choice(["", "Ketua RT", "Pendamping PKH"])}
            assessment = services.assessment_create(household, data=data, needs=needs, acting_user=officer)
            if index < HOUSEHOLDS_PER_KELURAHAN - 1:  # one draft per kelurahan, the rest submitted
                services.assessment_submit(assessment, acting_user=officer)
            made += 1
    return made
