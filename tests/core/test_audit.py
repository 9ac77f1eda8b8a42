import pytest
from django.db import transaction
from django.urls import reverse

from onegate.agencies.models import Agency
from onegate.audit import acting_as, log_view
from onegate.audit.models import LogEntry
from tests.factories import AgencyFactory


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def test_create_update_delete_each_write_an_entry_with_before_and_after(users):
    with acting_as(users["admin"], request_id="req-test-0001"):
        agency = AgencyFactory(code="baznas", name="BAZNAS")
        agency.phone = "0321-123"
        agency.save()
        pk = agency.pk
        agency.delete()
    entries = list(LogEntry.objects.filter(content_type__model="agency", object_pk=str(pk)).order_by("pk"))
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE]
    assert entries[1].changes == {"phone": ["", "0321-123"]}
    assert all(e.actor == users["admin"] and e.cid == "req-test-0001" for e in entries)


def test_the_entry_shares_the_transaction_of_the_change(users):
    before = LogEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), acting_as(users["admin"]):
        AgencyFactory(code="rolled-back")
        assert LogEntry.objects.count() == before + 1
        raise RuntimeError("the change fails after the save")
    assert not Agency.objects.filter(code="rolled-back").exists()
    assert LogEntry.objects.count() == before


def test_a_change_through_a_page_records_user_address_and_request_id(users, client_for):
    client = client_for(users["admin"])
    agency = Agency.objects.get(code="dinkes")
    data = {"code": "dinkes", "name": "Dinas Kesehatan Kota", "kind": agency.kind, "region": "35.76", "is_active": "on"}
    response = client.post(reverse("admin:agencies_agency_change", args=[agency.pk]), data)
    assert response.status_code == 302
    entry = entries_for(agency).last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes["name"] == ["Dinas Kesehatan", "Dinas Kesehatan Kota"]
    assert entry.actor == users["admin"]
    assert entry.remote_addr == "127.0.0.1"
    assert entry.cid == response["X-Request-ID"]


def test_user_records_are_audited_without_the_password(users):
    user = users["loket"]
    with acting_as(users["admin"]):
        user.set_password("kata-sandi-baru-2026")
        user.phone = "08123"
        user.save()
    entry = entries_for(user).last()
    assert "phone" in entry.changes and "password" not in entry.changes


def test_opening_a_sensitive_page_is_logged(users):
    agency = Agency.objects.get(code="dinkes")
    with acting_as(users["manajer"]):
        log_view(agency)
    entry = entries_for(agency).last()
    assert entry.action == LogEntry.Action.ACCESS and entry.actor == users["manajer"]


def test_trail_pages_filter_by_object_and_by_user(users, client_for):
    with acting_as(users["admin"]):
        agency = AgencyFactory(code="rsud", name="RSUD dr. Wahidin")
    with acting_as(users["manajer"]):
        log_view(agency)
    client = client_for(users["manajer"])
    ct = entries_for(agency).first().content_type_id
    page = client.get(reverse("audit:trail"), {"content_type": ct, "object_pk": agency.pk})
    assert page.status_code == 200
    assert [e.object_pk for e in page.context["page"]] == [str(agency.pk), str(agency.pk)]
    mine = client.get(reverse("audit:user-trail", args=[users["manajer"].pk]))
    # What the manager did (looked at the agency), then what was done to their account (created).
    assert [e.action for e in mine.context["page"]] == [LogEntry.Action.ACCESS, LogEntry.Action.CREATE]


def test_a_bad_filter_value_gives_a_clear_error_not_a_crash(users, client_for):
    page = client_for(users["manajer"]).get(reverse("audit:trail"), {"date_from": "31/31/2026"})
    assert page.status_code == 200
    assert page.context["filter"].form.errors["date_from"]
