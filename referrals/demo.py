"""Referral demo data: the service directory of the agencies the seed articles name."""

from onegate import demo

CITY = "35.76"  # Kota Mojokerto


@demo.register(order=5, name="referral-directory")
def seed_directory(say):
    from .directory_data import load_directory

    added = load_directory(CITY)
    say(f"directory: {added['agencies']} agencies and {added['services']} services added")
