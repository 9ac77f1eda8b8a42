"""Assessments and their needs in the household's and the person's history, readable: field names
in Indonesian, choice labels, a member's need only in that member's history."""

import datetime

import pytest

from assessments import services
from assessments.models import NeedDomain, NeedLevel
from registry.models import Relationship
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory


@pytest.fixture
def assessed(users):
    household = HouseholdFactory(region_id=WATES)
    head = PersonFactory(household=household, region_id=WATES, relationship=Relationship.HEAD, full_name="Sri Wahyuni")
    child = PersonFactory(household=household, region_id=WATES, relationship=Relationship.CHILD, full_name="Dimas")
    needs = [
        {"person": None, "domain": NeedDomain.FOOD, "level": NeedLevel.URGENT, "note": "beras habis"},
        {"person": child, "domain": NeedDomain.EDUCATION, "level": NeedLevel.NEEDED, "note": "seragam sekolah"},
    ]
    assessment = services.assessment_create(
        household, data={"visited_on": datetime.date(2026, 12, 3)}, needs=needs, acting_user=users["kel.wates"]
    )
    services.assessment_submit(assessment, acting_user=users["kel.wates"])
    services.assessment_verify(assessment, acting_user=users["manajer"])
    return household, head, child, assessment


def history_of(client, url) -> str:
    page = client.get(url).content.decode()
    start = page.index('id="history-title"')
    return page[start : page.index("</section>", start)]


def test_the_household_history_shows_the_assessment_and_every_need_readably(users, client_for, assessed):
    household, _head, _child, _assessment = assessed
    history = history_of(client_for(users["kel.wates"]), household.get_absolute_url())
    assert "Asesmen kebutuhan" in history and "Kebutuhan hasil asesmen" in history
    assert "Tanggal kunjungan" in history and "03/12/2026" in history
    assert "Status verifikasi" in history and "Menunggu verifikasi → Terverifikasi" in history
    assert "Ranah" in history and "Pangan dan kebutuhan dasar" in history and "Mendesak" in history
    assert "beras habis" in history and "seragam sekolah" in history
    assert "Asesmen tanggal 03/12/2026" in history  # the need's assessment, by name
    for raw in ("pangan", "visited_on", "submitted", "domain"):
        assert f">{raw}<" not in history and f": {raw}" not in history


def test_a_persons_history_shows_the_household_needs_and_their_own_only(users, client_for, assessed):
    _household, head, child, _assessment = assessed
    client = client_for(users["kel.wates"])
    head_history = history_of(client, head.get_absolute_url())
    assert "Asesmen kebutuhan" in head_history and "beras habis" in head_history
    assert "seragam sekolah" not in head_history  # the child's need is the child's
    child_history = history_of(client, child.get_absolute_url())
    assert "seragam sekolah" in child_history and "beras habis" in child_history and "Pendidikan" in child_history


def test_the_assessment_history_follows_the_scope_and_the_role(users, client_for, assessed):
    household, head, _child, _assessment = assessed
    assert client_for(users["kel.kranggan"]).get(household.get_absolute_url()).status_code == 404
    # The front desk reads assessments, and so their history; the manager too.
    for name in ("loket", "manajer"):
        assert "beras habis" in history_of(client_for(users[name]), head.get_absolute_url()), name


def test_a_rejection_and_its_reason_show_in_the_history(users, client_for):
    household = HouseholdFactory(region_id=WATES)
    PersonFactory(household=household, region_id=WATES, relationship=Relationship.HEAD)
    assessment = services.assessment_create(
        household, data={"visited_on": datetime.date(2026, 12, 3)}, needs=[], acting_user=users["kel.wates"]
    )
    services.assessment_submit(assessment, acting_user=users["kel.wates"])
    services.assessment_reject(assessment, acting_user=users["manajer"], reason="Foto rumah belum ada.")
    history = history_of(client_for(users["kel.wates"]), household.get_absolute_url())
    assert "Alasan penolakan" in history and "Foto rumah belum ada." in history and "Ditolak" in history
