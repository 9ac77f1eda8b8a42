"""Demo of the service decision (penetapan layanan): the office's setting turned on, and
recommendations by the Wates officer in every state: waiting for `manajer` (also in the queue of
`manajer.magersari`, whose kecamatan holds Wates), approved and sent (its letter prints the
decision), and not approved. The referrals seeded before were sent before the office turned the
setting on. Runs once: a second run, or an administrator's choice to turn the setting off, is kept."""

from onegate import demo

WATES = "35.76.02.1010"

# (agency, service, why, what is asked, the manager's decision, its note)
RECOMMENDATIONS = [
    (
        "dinkes",
        "Pendaftaran PBI-JK daerah",
        "Hasil asesmen: keluarga berdesil rendah dan belum menerima PBI-JK tahun ini; berobat rutin ke puskesmas.",
        "Mohon pendaftaran sebagai peserta PBI-JK daerah.",
        "",
        "",
    ),
    (
        "dinsos",
        "Bantuan alat bantu disabilitas",
        "Disabilitas fisik tingkat sedang; kursi roda lama rusak sehingga sulit ke luar rumah.",
        "Mohon bantuan kursi roda.",
        "",
        "",
    ),
    (
        "disdik",
        "Program Indonesia Pintar (PIP) dan beasiswa daerah",
        "Anak usia sekolah dari keluarga miskin; terancam putus sekolah karena biaya.",
        "Mohon pengusulan PIP atau beasiswa daerah.",
        "ditetapkan",
        "Sesuai hasil kunjungan rumah.",
    ),
    (
        "baznas",
        "Bantuan konsumtif fakir miskin",
        "Kebutuhan pangan keluarga belum tercukupi.",
        "Mohon bantuan konsumtif.",
        "tidak_ditetapkan",
        "Keluarga sudah menerima BPNT bulan ini; dinilai ulang setelah asesmen berikutnya.",
    ),
]


@demo.register(order=26, name="referral-decisions")
def seed_decisions(say):
    from ..models import ReferralEvent, ReferralEventKind, ReferralSettings

    decided = (ReferralEventKind.APPROVED, ReferralEventKind.REJECTED)
    if ReferralEvent.objects.filter(kind__in=decided).exists():
        say("service decisions already there, kept")
        return
    ReferralSettings.objects.update_or_create(pk=1, defaults={"decision_required": True})
    made = _seed()
    say(f"the manager's decision turned on; {made} recommendations by kel.wates")


def _seed() -> int:
    from django.utils import timezone

    from onegate.accounts.models import User
    from registry.models import Person

    from .. import decisions, services
    from ..eligibility import eligible_q
    from ..models import Service

    users = {u.username: u for u in User.objects.filter(username__in=["kel.wates", "manajer"])}
    if len(users) < 2:
        return 0
    candidates = Person.objects.filter(
        region_id=WATES, merged_into__isnull=True, nik__isnull=False, referrals__isnull=True
    ).order_by("pk")
    today = timezone.localdate()
    made = 0
    for agency, name, why, ask, decision, note in RECOMMENDATIONS:
        service = Service.objects.filter(agency__code=agency, name=name).select_related("criteria").first()
        if service is None:
            continue  # an administrator removed it
        # Someone the service's criteria hold, so that the manager sees them met.
        criteria = getattr(service, "criteria", None)
        person = candidates.filter(eligible_q(criteria, today)).first() or candidates.first()
        if person is None:
            break
        referral = services.referral_create(
            data={"service": service, "reason": why, "request": ask, "consent_given": False},
            acting_user=users["kel.wates"],
            person=person,
        )
        made += 1
        if decision:
            decisions.referral_decide(referral, decision=decision, note=note, acting_user=users["manajer"])
        if decision == "ditetapkan":
            services.referral_send(referral, acting_user=users["kel.wates"])
    return made
