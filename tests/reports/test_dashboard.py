"""The home page's figures and charts follow the user's role and scope, and every chart is an SVG
image with a title and a table of its numbers."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from reports.dashboard import dashboard_for

pytestmark = pytest.mark.django_db


def dashboard_in_english(user):
    """The dashboard follows the user's language; these tests read it in English."""
    with translation.override("en"):
        return dashboard_for(user)


def numbers(section) -> dict:
    return {str(label): n for label, n, _note in section["numbers"]}


def chart(section, key):
    return next(c for c in section["charts"] if c.key == key)


def test_a_manager_sees_the_city(users, registry_data):
    section = dashboard_in_english(users["manajer"])
    assert numbers(section)["Registered people"] == 5  # Dedi is deceased
    profiles = chart(section, "home-profiles").table()["rows"]
    assert [values[0] for _label, values in profiles] == [4, 0, 3, 0]  # disability, DTKS, PPKS, programmes
    villages = dict(chart(section, "home-villages").table()["rows"])
    assert villages["Wates"] == [2, 1, 3] and villages["Kranggan"] == [2, 0, 2]  # verified, not yet, total
    assert "Open complaints" in numbers(section) and "Open referrals" in numbers(section)


def test_a_kelurahan_officer_sees_their_kelurahan_only(users, registry_data):
    section = dashboard_in_english(users["kel.wates"])
    assert numbers(section)["Registered people"] == 3
    assert not any(c.key == "home-villages" for c in section["charts"])  # one kelurahan: no chart of kelurahan


def test_an_agency_officer_sees_the_referrals_of_their_agency_and_no_registry(users, registry_data):
    section = dashboard_in_english(users["dinkes"])
    assert list(numbers(section)) == ["Open referrals"]
    assert [c.key for c in section["charts"]] == ["home-referrals", "home-months"]
    assert [s.label for s in chart(section, "home-months").series] == ["Referrals sent"]


def test_an_administrator_has_no_figures(users):
    assert dashboard_for(users["admin"]) is None


def test_the_home_page_shows_the_charts_with_their_tables(users, registry_data, client_for):
    page = client_for(users["manajer"]).get(reverse("home")).text
    assert 'id="dashboard"' in page
    svgs = re.findall(r'<svg [^>]*role="img" aria-labelledby="([\w-]+)-title \1-desc"', page)
    assert {"home-profiles", "home-villages", "home-months"} <= set(svgs)
    assert page.count('<div class="visually-hidden"><table class="caption-top" data-chart-table=') == len(svgs)
    assert "web/home/manager.html" in [t.name for t in client_for(users["manajer"]).get(reverse("home")).templates]
    assert 'id="dashboard"' not in client_for(users["admin"]).get(reverse("home")).text
