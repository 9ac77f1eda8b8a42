"""Needs assessment demo data: home visits to the poorest households of Wates and Kranggan (and to
those with a member living with a disability): most submitted and verified by the manager, one
awaiting verification and one draft each, so the household and person pages, the matching and the
eligible-but-unserved lists show needs."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from onegate import audit, demo

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

    from .. import services

    made = 0
    today = timezone.localdate()
    manager = User.objects.filter(username="manajer").first()
    for region, username in OFFICERS.items():
        officer = User.objects.filter(username=username).first()
        if officer is None:
            continue
        for index, household in enumerate(_visited(region)):
            members = list(household.members.select_related("disability").order_by("birth_date"))
            needs = _needs(rng, index, members)
            visited = today - datetime.timedelta(days=rng.randint(3, 60))
            data = {"visited_on": visited, "companions": rng.choice(["", "Ketua RT", "Pendamping PKH"])}
            with audit.acting_as(officer):  # the history names who did it
                assessment = services.assessment_create(household, data=data, needs=needs, acting_user=officer)
                if index < HOUSEHOLDS_PER_KELURAHAN - 1:  # one draft per kelurahan
                    services.assessment_submit(assessment, acting_user=officer)
            made += 1
            if manager is not None and index < HOUSEHOLDS_PER_KELURAHAN - 2:  # one left to verify
                with audit.acting_as(manager):
                    services.assessment_verify(assessment, acting_user=manager)
    return made


def _visited(region: str):
    """The households an SLRT officer visits first: a member living with a disability, then the
    lowest welfare decile."""
    from django.db.models import Exists, Min, OuterRef

    from registry.models import DisabilityProfile, Household

    disability = DisabilityProfile.objects.filter(person__household=OuterRef("pk"))
    return (
        Household.objects.filter(region_id=region, members__isnull=False)
        .annotate(decile=Min("members__welfare__decile"), disabled=Exists(disability))
        .order_by("-disabled", "decile", "pk")[:HOUSEHOLDS_PER_KELURAHAN]
    )


def _needs(rng: random.Random, index: int, members: list) -> list[dict]:
    """Two needs of the household, in turn through the domains (so each kelurahan shows each one),
    and a member's own need."""
    from ..models import NeedDomain, NeedLevel

    domains = [d.value for d in NeedDomain if d not in (NeedDomain.OTHER, NeedDomain.DISABILITY)]
    needs = [
        {"person": None, "domain": d, "level": rng.choice([NeedLevel.NEEDED, NeedLevel.URGENT]), "note": NOTES[d]}
        for d in (domains[index % len(domains)], domains[(index + 3) % len(domains)])
    ]
    disabled = [m for m in members if getattr(m, "disability", None) is not None]
    if disabled:  # the member's disability, and the device or therapy they need
        needs.append(
            {
                "person": disabled[0],
                "domain": NeedDomain.DISABILITY,
                "level": NeedLevel.URGENT,
                "note": NOTES[NeedDomain.DISABILITY],
            }
        )
    elif members and rng.random() < 0.6:
        domain = rng.choice([NeedDomain.HEALTH, NeedDomain.EDUCATION])
        needs.append(
            {"person": rng.choice(members), "domain": domain, "level": NeedLevel.URGENT, "note": NOTES[domain]}
        )
    return needs
