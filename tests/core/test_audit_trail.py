"""The audit trail, issue 15: scoped like the records, no identity numbers for administrators, no
crash on array fields, addresses and request ids that cannot be forged, readable entries, a person's
whole history, and view records kept no longer than the retention period."""

import datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from onegate.accounts.models import DeniedAccess, Role
from onegate.audit import acting_as, log_view
from onegate.audit.models import LogEntry
from onegate.audit.retention import purge_old_views
from registry import merging, services
from registry.models import DisabilityProfile, PersonPpks, PpksCategory, Program, ProgramReceipt
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory, UserFactory

MAGERSARI = "35.76.02"  # the kecamatan of Wates; Kranggan lies in another


@pytest.fixture
def kecamatan_manager(users):
    return UserFactory(username="manajer.magersari", role=Role.MANAGER, region_id=MAGERSARI)


@pytest.fixture
def people(users):
    """A person in Wates and one in Kranggan, each created, changed, given a disability profile
    and looked at by their kelurahan's officer."""
    made = {}
    for key, region, officer in (("wates", WATES, "kel.wates"), ("kranggan", KRANGGAN, "kel.kranggan")):
        with acting_as(users[officer]):
            home = HouseholdFactory(region_id=region, kk_number=f"35760{'2' if key == 'wates' else '3'}0101099999")
            person = PersonFactory(
                full_name=f"Warga {key.title()}", region_id=region, household=home, phone=f"0812-{key}-77"
            )
            person.phone = f"0813-{key}-88"
            person.save()
            DisabilityProfile.objects.create(person=person, types=["fisik", "netra"], severity="berat")
            log_view(person)
        made[key] = person
    return made


def secrets_of(person) -> list[str]:
    return [person.nik, person.household.kk_number, person.full_name, person.phone, "0812-kranggan-77"]


def trail_pages(client, users, people):
    """Every trail page a reader can reach: the trail, its filters, the user trails, the home page."""
    person_type = ContentType.objects.get_for_model(people["kranggan"])
    profile_type = ContentType.objects.get_for_model(DisabilityProfile)
    urls = [
        reverse("audit:trail"),
        reverse("audit:trail") + f"?content_type={person_type.pk}&object_pk={people['kranggan'].pk}",
        reverse("audit:trail") + f"?object_pk={people['kranggan'].pk}",
        reverse("audit:trail") + f"?content_type={profile_type.pk}",
        reverse("audit:trail") + f"?actor={users['kel.kranggan'].pk}",
        reverse("audit:trail") + "?action=0",
        reverse("audit:user-trail", args=[users["kel.kranggan"].pk]),
        reverse("audit:user-trail", args=[users["kel.wates"].pk]),
        reverse("home"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.content.decode()


def test_a_kecamatan_manager_reads_only_the_entries_of_their_kecamatan(users, people, kecamatan_manager, client_for):
    client = client_for(kecamatan_manager)
    seen_wates = False
    for url, body in trail_pages(client, users, people):
        for secret in secrets_of(people["kranggan"]):
            assert secret not in body, (url, secret)
        seen_wates = seen_wates or people["wates"].full_name in body
    assert seen_wates
    # The person page answers 404; so does their trail: nothing of them in any entry.
    assert client.get(people["kranggan"].get_absolute_url()).status_code == 404


def test_a_moved_persons_old_entries_stay_with_the_region_that_held_them(users, people, kecamatan_manager, client_for):
    person = people["wates"]
    with acting_as(users["manajer"]):
        person.region_id = KRANGGAN
        person.domicile_address = "Jl. Baru 9"
        person.save()
    client = client_for(kecamatan_manager)
    page = client.get(reverse("audit:trail"), {"object_pk": person.pk})
    shown = [(e.content_type.model, e.action) for e in page.context["page"]]
    assert ("person", LogEntry.Action.CREATE) in shown
    assert not any("Jl. Baru 9" in line.after for e in page.context["page"] for line in e.lines)


def test_the_city_wide_manager_reads_entries_placed_nowhere_a_kecamatan_manager_does_not(
    users, people, kecamatan_manager, client_for
):
    with acting_as(users["admin"]):
        users["loket"].phone = "0321-999"
        users["loket"].save()
    about_user = {"content_type": ContentType.objects.get_for_model(users["loket"]).pk, "object_pk": users["loket"].pk}
    assert client_for(users["manajer"]).get(reverse("audit:trail"), about_user).context["page"].paginator.count
    assert not client_for(kecamatan_manager).get(reverse("audit:trail"), about_user).context["page"].paginator.count


def test_denied_accesses_on_the_home_page_are_those_of_the_managers_region(users, kecamatan_manager, client_for):
    DeniedAccess.objects.create(
        user=users["kel.kranggan"], username="kel.kranggan", method="GET", path="/x/", status=404
    )
    DeniedAccess.objects.create(user=users["kel.wates"], username="kel.wates", method="GET", path="/y/", status=404)
    denials = client_for(kecamatan_manager).get(reverse("home")).context["recent_denials"]
    assert [d.username for d in denials] == ["kel.wates"]
    assert len(client_for(users["manajer"]).get(reverse("home")).context["recent_denials"]) == 2


def test_an_administrator_reads_who_did_what_and_when_never_identity_numbers(users, people, client_for):
    client = client_for(users["admin"])
    pages = list(trail_pages(client, users, people))
    entries = LogEntry.objects.order_by("pk")
    admin_pages = [reverse("admin:onegate_audit_logentry_changelist")]
    admin_pages += [reverse("admin:onegate_audit_logentry_change", args=[e.pk]) for e in entries]
    for url in admin_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append((url, response.content.decode()))
    for person in people.values():
        for url, body in pages:
            for secret in (person.nik, person.household.kk_number, person.phone):
                assert secret not in body, (url, secret)
    trail = client.get(reverse("audit:trail"), {"object_pk": people["wates"].pk})
    assert {e.actor.username for e in trail.context["page"]} == {"kel.wates"}  # who did what, and when
    assert all(e.values_hidden and not e.name for e in trail.context["page"])


def test_a_households_name_in_the_trail_carries_no_kk_number(users, people):
    home = people["wates"].household
    entry = LogEntry.objects.get_for_object(home).filter(action=LogEntry.Action.CREATE).get()
    assert home.kk_number not in entry.object_repr


def test_pages_with_a_disability_profile_entry_answer(users, people, client_for):
    """Each of these answered 500 ("unhashable type: 'list'") before."""
    client = client_for(users["manajer"])
    profile_type = ContentType.objects.get_for_model(DisabilityProfile)
    for query in ({}, {"content_type": profile_type.pk}, {"actor": users["kel.wates"].pk}):
        assert client.get(reverse("audit:trail"), query).status_code == 200
    assert client.get(reverse("audit:user-trail", args=[users["kel.wates"].pk])).status_code == 200


@override_settings(PROXY_COUNT=1)
def test_the_client_address_is_the_one_the_proxy_saw_and_the_request_id_the_servers(users, client_for):
    client = client_for(users["admin"])
    response = client.get(
        reverse("admin:agencies_agency_changelist"),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
        HTTP_X_REQUEST_ID="forged-request-0001",
    )
    assert response["X-Request-ID"] != "forged-request-0001"
    agency = users["dinkes"].agency
    data = {
        "code": agency.code,
        "name": "Dinas Kesehatan Baru",
        "kind": agency.kind,
        "region": "35.76",
        "is_active": "on",
    }
    response = client.post(
        reverse("admin:agencies_agency_change", args=[agency.pk]),
        data,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
        HTTP_X_REQUEST_ID="forged-request-0002",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(agency).latest("pk")
    assert entry.remote_addr == "203.0.113.9"
    assert entry.cid == response["X-Request-ID"] != "forged-request-0002"
    assert entry.additional_data == {"client_request_id": "forged-request-0002"}


@override_settings(PROXY_COUNT=1)
def test_the_denied_access_log_records_the_clients_address(users, people, client_for):
    client = client_for(users["kel.wates"])
    response = client.get(
        people["kranggan"].get_absolute_url(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert response.status_code == 404
    assert DeniedAccess.objects.get().ip_address == "203.0.113.9"


@pytest.mark.parametrize(
    "language, expected",
    [
        ("id", ["Jenis disabilitas", "Fisik, Sensorik netra", "Berat"]),
        ("en", ["Disability types", "Physical, Sensory: visual (netra)", "Severe"]),
    ],
)
def test_entries_read_in_the_ui_language(users, people, client_for, language, expected):
    client = client_for(users["manajer"])
    client.cookies["django_language"] = language
    profile_type = ContentType.objects.get_for_model(DisabilityProfile)
    body = client.get(reverse("audit:trail"), {"content_type": profile_type.pk}).content.decode()
    for text in expected:
        assert text in body
    for raw in ("['fisik', 'netra']", "fisik, netra", ".None", "nik_mismatch_confirmed"):
        assert raw not in body
    # A new record's reverse relations ("notifications.Notification.None") are no values to show.
    assert ".None" not in client.get(reverse("audit:trail")).content.decode()


def test_a_persons_history_holds_their_profiles_records_household_and_merge(users, people, client_for):
    person, other = people["wates"], PersonFactory(full_name="Warga Wates Ganda", region_id=WATES)
    officer, manager = users["kel.wates"], users["manajer"]
    with acting_as(officer):
        services.ppks_record_save(
            person,
            data={"category": PpksCategory.objects.get(name="Anak Jalanan"), "status": "aktif"},
            acting_user=officer,
        )
        services.program_receipt_add(person, data={"program": Program.values[0], "year": 2025}, acting_user=officer)
        person.household = None
        person.relationship = ""
        person.save()
    with acting_as(manager):
        merging.merge_people(person, other, acting_user=manager)
    page = client_for(manager).get(person.get_absolute_url())
    kinds = {e.content_type.model for e in page.context["history"]}
    assert {"person", "disabilityprofile", "personppks", "programreceipt"} <= kinds
    assert any("household" in e.changes for e in page.context["history"])
    assert any("merge" in e.changes for e in page.context["history"])
    assert PersonPpks.objects.filter(person=person).exists() and ProgramReceipt.objects.filter(person=person).exists()


@override_settings(AUDIT_VIEW_RETENTION_DAYS=30)
def test_the_retention_job_deletes_old_view_records_only(users, people):
    assert "onegate.audit.tasks.purge_old_views" in {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    old = timezone.now() - datetime.timedelta(days=31)
    LogEntry.objects.update(timestamp=old)
    recent_view = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).first()
    LogEntry.objects.filter(pk=recent_view.pk).update(timestamp=timezone.now())
    changes = LogEntry.objects.exclude(action=LogEntry.Action.ACCESS).count()
    old_views = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() - 1
    assert old_views >= 1
    assert purge_old_views(batch_size=1) == old_views
    assert list(LogEntry.objects.filter(action=LogEntry.Action.ACCESS)) == [recent_view]
    assert LogEntry.objects.exclude(action=LogEntry.Action.ACCESS).count() == changes
