"""Registry demo data: a few hundred synthetic households across Kota Mojokerto's 18 kelurahan,
with profiles, records waiting for verification and a few likely duplicates."""

from onegate import demo

from ..models import Household

DEMO_HOUSEHOLDS = 360
DEMO_DUPLICATES = 8


@demo.register(order=10, name="registry")
def seed_registry(say):
    from ..reference import ensure_ppks_categories

    if added := ensure_ppks_categories():
        say(f"{added} PPKS categories added")
    if Household.objects.filter(region__code__startswith="35.76.").exists():
        say("households already there, kept")
        return
    from .synthetic import generate

    counts = generate(households=DEMO_HOUSEHOLDS, seed=2026, duplicates=DEMO_DUPLICATES, workers=1)
    say(", ".join(f"{n} {name}" for name, n in counts.items()))


@demo.register(order=11, name="registry-duplicates")
def find_demo_duplicates(say):
    from ..merging import refresh_duplicate_pairs

    say(f"{refresh_duplicate_pairs()} likely duplicate pairs found or confirmed")
