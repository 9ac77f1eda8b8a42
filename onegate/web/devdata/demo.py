"""Core demo data: Kota Mojokerto's regions, two agencies and one account per role."""

from django.db import transaction

from onegate import demo
from onegate.accounts.models import Role, User
from onegate.agencies.models import Agency, AgencyKind
from onegate.regions.models import Region
from onegate.regions.services import load_demo_regions

CITY = "35.76"  # Kota Mojokerto
MAGERSARI = "35.76.02"  # Kecamatan Magersari (Wates lies in it)
WATES = "35.76.02.1010"
KRANGGAN = "35.76.03.1001"

DEMO_AGENCIES = [
    ("dinsos", "Dinas Sosial P3A Kota Mojokerto", AgencyKind.SOCIAL_OFFICE),
    ("dinkes", "Dinas Kesehatan Kota Mojokerto", AgencyKind.HEALTH),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil Kota Mojokerto", AgencyKind.GOVERNMENT),
]

# username, first name, last name, role, region code, agency code
DEMO_ACCOUNTS = [
    ("admin", "Admin", "OneGate", Role.ADMIN, None, None),
    ("manajer", "Sri", "Wahyuni", Role.MANAGER, CITY, None),
    ("manajer.magersari", "Hendra", "Wijaya", Role.MANAGER, MAGERSARI, None),
    ("loket", "Dewi", "Lestari", Role.FRONT_DESK, CITY, None),
    ("kel.wates", "Agus", "Santoso", Role.KELURAHAN, WATES, None),
    ("kel.kranggan", "Rina", "Kusuma", Role.KELURAHAN, KRANGGAN, None),
    ("dinkes", "Budi", "Prasetyo", Role.AGENCY, None, "dinkes"),
    ("disdukcapil", "Siti", "Aminah", Role.AGENCY, None, "disdukcapil"),
]


@demo.register(order=0, name="core")
@transaction.atomic
def seed_core(say):
    say(f"regions: {load_demo_regions().summary()}")
    city = Region.objects.get(code=CITY)
    agencies = {}
    for code, name, kind in DEMO_AGENCIES:
        agencies[code], _ = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "region": city}
        )
    created = 0
    for username, first, last, role, region, agency in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue  # keep whatever the user changed, their password included
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.onegate.local",
            role=role,
            region_id=region,
            agency=agencies.get(agency),
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.set_password(demo.demo_password())
        user.full_clean()
        user.save()
        created += 1
    say(f"accounts: {created} created, {len(DEMO_ACCOUNTS) - created} already there")
