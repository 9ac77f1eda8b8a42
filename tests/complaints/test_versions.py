"""Versioned complaint follow-up: a status change or an assignment made from an older complaint
page is refused with what changed meanwhile, the officer's note kept (issue 16, lost update)."""

import pytest
from django.test import Client
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, Status
from onegate import versioning
from tests.complaints.factories import make_complaint
from tests.conftest import WATES
from tests.factories import PersonFactory


@pytest.fixture
def complaint(users):
    return make_complaint(users["loket"], subject=PersonFactory(region_id=WATES))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="onegate.accounts.backends.ModelBackend")
    return client


def version_on(page, form_name) -> int:
    return page.context[form_name]["version"].value()


def test_a_status_change_from_an_older_page_is_refused_and_keeps_the_note(users, complaint):
    detail = complaint.get_absolute_url()
    officer, manager = signed_in(users["kel.wates"]), signed_in(users["manajer"])
    officer_page, manager_page = officer.get(detail), manager.get(detail)

    assert officer.post(reverse("complaints:status", args=[complaint.pk]), {
        "to_status": Status.RESOLVED, "note": "Bantuan sudah diterima.", "version": version_on(officer_page, "status_form"),
    }).status_code == 302  # fmt: skip
    page = manager.post(reverse("complaints:status", args=[complaint.pk]), {
        "to_status": Status.CLOSED, "note": "Ditutup: tidak bisa dihubungi.", "version": version_on(manager_page, "status_form"),
    })  # fmt: skip

    assert page.status_code == 409
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.status, stored.closing_reason) == (Status.RESOLVED, "Bantuan sudah diterima.")
    rows = {f.name: (f.new, change.actor) for f, change, typed in page.context["conflict"].label_rows}
    assert rows["status"] == ("Selesai", "kel.wates")
    body = page.content.decode()
    assert "Ditutup: tidak bisa dihubungi." in body  # the manager's note is kept
    assert f'name="version" value="{stored.version}"' in body
    assert "Orang lain menyimpan data ini setelah Anda membukanya" in body


def test_an_assignment_from_an_older_page_is_refused(users, complaint):
    detail = complaint.get_absolute_url()
    manager, other_tab = signed_in(users["manajer"]), signed_in(users["manajer"])
    first, second = manager.get(detail), other_tab.get(detail)
    url = reverse("complaints:assign", args=[complaint.pk])
    assert (
        manager.post(url, {"officer": users["kel.wates"].pk, "version": version_on(first, "assign_form")}).status_code
        == 302
    )
    page = other_tab.post(url, {"officer": users["loket"].pk, "version": version_on(second, "assign_form")})
    assert page.status_code == 409
    assert Complaint.objects.get(pk=complaint.pk).assigned_to == users["kel.wates"]
    [(field, change, typed)] = page.context["conflict"].label_rows
    assert field.name == "assigned_to" and typed.endswith("(Petugas loket)")


def test_the_services_check_the_version(users, complaint):
    stale = Complaint.objects.get(pk=complaint.pk)
    services.complaint_assign(complaint, officer=users["kel.wates"], acting_user=users["manajer"])
    with pytest.raises(versioning.EditConflict):
        services.complaint_change_status(
            stale, to_status=Status.ASSESSMENT, note="", acting_user=users["manajer"], expected_version=1
        )
    with pytest.raises(versioning.EditConflict):
        services.complaint_assign(stale, officer=None, acting_user=users["manajer"])
    assert Complaint.objects.get(pk=complaint.pk).version == 2
