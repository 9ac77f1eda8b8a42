"""The service directory as Open Referral HSDS 3: JSON (the API's page of fully nested services)
and the tabular form (one CSV per HSDS table, zipped with a datapackage.json).

HSDS identifiers are UUIDs. Ours are derived from the row's primary key (UUID5 in a namespace of
this installation), so the same row keeps the same identifier in every export."""

import datetime
import io
import json
import uuid
import zipfile
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from onegate import exports
from onegate.agencies.models import Agency, AgencyKind
from onegate.regions.models import Region

from .models import Contact, Service

HSDS_VERSION = "3.0"

# HSDS 3 table -> (CSV file of the tabular data package, the columns we fill, in order).
TABLES = {
    "organization": (
        "organizations.csv",
        ["id", "name", "alternate_name", "description", "email", "website", "legal_status"],
    ),
    "service": (
        "services.csv",
        [
            "id",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "application_process",
            "fees_description",
            "eligibility_description",
            "assured_date",
        ],
    ),
    "location": (
        "locations.csv",
        ["id", "location_type", "organization_id", "name", "description", "latitude", "longitude"],
    ),
    "address": (
        "addresses.csv",
        [
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
        ],
    ),
    "service_at_location": ("service_at_location.csv", ["id", "service_id", "location_id", "description"]),
    "contact": ("contacts.csv", ["id", "organization_id", "service_id", "name", "title", "department", "email"]),
    "phone": (
        "phones.csv",
        ["id", "location_id", "service_id", "organization_id", "contact_id", "number", "type", "description"],
    ),
    "schedule": (
        "schedules.csv",
        [
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "freq",
            "byday",
            "opens_at",
            "closes_at",
            "timezone",
            "description",
        ],
    ),
    "required_document": ("required_documents.csv", ["id", "service_id", "document"]),
    "service_area": ("service_areas.csv", ["id", "service_id", "name", "description"]),
}

LEGAL_STATUS = {
    AgencyKind.SOCIAL_OFFICE: "government",
    AgencyKind.GOVERNMENT: "government",
    AgencyKind.HEALTH: "government",
    AgencyKind.ZAKAT: "non-governmental statutory body",
    AgencyKind.CSR: "private company",
    AgencyKind.NGO: "non-profit",
}


def _namespace() -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"onegate:{settings.OFFICE_REGION_CODE}:{settings.OFFICE_NAME}")


def hsds_id(kind: str, pk) -> str:
    return str(uuid.uuid5(_namespace(), f"{kind}:{pk}"))


def _row(table: str, **values) -> dict:
    """A row with every column of the table, in order; empty values as None."""
    return {
        column: (values.get(column) if values.get(column) not in ("", None) else None) for column in TABLES[table][1]
    }


def _utc_offset() -> tuple[str, float]:
    """The office time zone's offset, as a suffix for opening times (+07:00) and in hours (7)."""
    offset = datetime.datetime.now(ZoneInfo(settings.TIME_ZONE)).utcoffset()
    hours = offset.total_seconds() / 3600
    hours = int(hours) if hours.is_integer() else hours
    sign = "+" if hours >= 0 else "-"
    minutes = int(abs(offset.total_seconds()) // 60)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}", hours


def exported_services():
    """Services of active agencies, with everything the export reads, in a fixed number of queries."""
    return (
        Service.objects.filter(agency__is_active=True)
        .select_related("agency__region", "area")
        .prefetch_related(
            "required_documents", "schedules", Prefetch("contacts", queryset=Contact.objects.order_by("pk"))
        )
        .order_by("agency__name", "name")
    )


def _place_names(agencies) -> dict[str, tuple[str, str]]:
    """For each agency's region code: (city or regency name, province name)."""
    codes = {a.region_id for a in agencies}
    wanted = {c[:5] for c in codes} | {c[:2] for c in codes}
    names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
    return {c: (names.get(c[:5], ""), names.get(c[:2], "")) for c in codes}


class Directory:
    """Every HSDS table of the directory, built once from the database."""

    def __init__(self, services=None):
        self.services = list(services if services is not None else exported_services())
        agencies = {s.agency_id: s.agency for s in self.services}
        self.agencies = sorted(agencies.values(), key=lambda a: a.name)
        self.agency_contacts = list(Contact.objects.filter(agency__in=agencies, service__isnull=True).order_by("pk"))
        self.places = _place_names(self.agencies)
        self.time_suffix, self.tz_hours = _utc_offset()
        self.tables = {table: [] for table in TABLES}
        for agency in self.agencies:
            self._add_agency(agency)
        for service in self.services:
            self._add_service(service)

    # Organizations with their one location (the office) and its address.
    def _add_agency(self, a: Agency):
        org, loc = hsds_id("organization", a.pk), hsds_id("location", a.pk)
        city, province = self.places[a.region_id]
        self.tables["organization"].append(
            _row(
                "organization",
                id=org,
                name=a.name,
                alternate_name=a.code,
                description=a.description or a.get_kind_display(),
                email=a.email,
                website=a.website,
                legal_status=LEGAL_STATUS.get(a.kind),
            )
        )
        self.tables["location"].append(
            _row("location", id=loc, location_type="physical", organization_id=org, name=a.name)
        )
        if a.address:
            self.tables["address"].append(
                _row(
                    "address",
                    id=hsds_id("address", a.pk),
                    location_id=loc,
                    address_1=a.address,
                    city=city,
                    region=city,
                    state_province=province,
                    postal_code=a.postal_code,
                    country="ID",
                    address_type="physical",
                )
            )
        if a.phone:
            self.tables["phone"].append(
                _row("phone", id=hsds_id("organization-phone", a.pk), organization_id=org, number=a.phone, type="voice")
            )
        for contact in self.agency_contacts:
            if contact.agency_id == a.pk:
                self._add_contact(contact, organization_id=org)

    def _add_contact(self, c: Contact, **owner):
        contact_id = hsds_id("contact", c.pk)
        self.tables["contact"].append(
            _row("contact", id=contact_id, name=c.name, title=c.title, department=c.department, email=c.email, **owner)
        )
        if c.phone:
            self.tables["phone"].append(
                _row("phone", id=hsds_id("contact-phone", c.pk), contact_id=contact_id, number=c.phone, type="voice")
            )

    def _add_service(self, s: Service):
        service_id, loc = hsds_id("service", s.pk), hsds_id("location", s.agency_id)
        self.tables["service"].append(
            _row(
                "service",
                id=service_id,
                organization_id=hsds_id("organization", s.agency_id),
                name=s.name,
                description=s.description,
                url=s.url,
                email=s.email,
                status=s.status,
                application_process=s.application_process,
                fees_description=s.fees or "Gratis",
                eligibility_description=s.eligibility,
                assured_date=timezone.localdate(s.updated_at).isoformat() if s.updated_at else None,
            )
        )
        self.tables["service_at_location"].append(
            _row("service_at_location", id=hsds_id("service_at_location", s.pk), service_id=service_id, location_id=loc)
        )
        if s.phone:
            self.tables["phone"].append(
                _row("phone", id=hsds_id("service-phone", s.pk), service_id=service_id, number=s.phone, type="voice")
            )
        for c in s.contacts.all():
            self._add_contact(c, organization_id=hsds_id("organization", s.agency_id), service_id=service_id)
        for h in s.schedules.all():
            self.tables["schedule"].append(
                _row(
                    "schedule",
                    id=hsds_id("schedule", h.pk),
                    service_id=service_id,
                    freq="WEEKLY",
                    byday=h.byday,
                    opens_at=f"{h.opens_at:%H:%M}{self.time_suffix}",
                    closes_at=f"{h.closes_at:%H:%M}{self.time_suffix}",
                    timezone=self.tz_hours,
                    description=" · ".join(filter(None, [str(h), h.note])),
                )
            )
        for d in s.required_documents.all():
            self.tables["required_document"].append(
                _row(
                    "required_document",
                    id=hsds_id("required_document", d.pk),
                    service_id=service_id,
                    document=d.document,
                )
            )
        self.tables["service_area"].append(
            _row(
                "service_area",
                id=hsds_id("service_area", s.pk),
                service_id=service_id,
                name=s.area.name,
                description=s.area_note,
            )
        )

    # --- The two output forms --------------------------------------------------------------
    def _where(self, table: str, **match) -> list[dict]:
        return [row for row in self.tables[table] if all(row[k] == v for k, v in match.items())]

    def _phones_of(self, **match) -> list[dict]:
        return self._where("phone", **match)

    def nested_service(self, row: dict) -> dict:
        """One service the way HSDS 3's compiled service.json nests it."""
        sid, oid = row["id"], row["organization_id"]
        organization = next(o for o in self.tables["organization"] if o["id"] == oid)
        at_locations = []
        for sal in self._where("service_at_location", service_id=sid):
            location = next(loc for loc in self.tables["location"] if loc["id"] == sal["location_id"])
            at_locations.append(
                {
                    **sal,
                    "location": {
                        **location,
                        "addresses": self._where("address", location_id=location["id"]),
                        "phones": self._phones_of(location_id=location["id"]),
                    },
                }
            )
        contacts = [
            {**c, "phones": self._phones_of(contact_id=c["id"])} for c in self._where("contact", service_id=sid)
        ]
        return {
            **row,
            "organization": {
                **organization,
                "phones": self._phones_of(organization_id=oid),
                "contacts": [
                    {**c, "phones": self._phones_of(contact_id=c["id"])}
                    for c in self._where("contact", organization_id=oid, service_id=None)
                ],
            },
            "service_at_locations": at_locations,
            "phones": self._phones_of(service_id=sid),
            "schedules": self._where("schedule", service_id=sid),
            "contacts": contacts,
            "required_documents": self._where("required_document", service_id=sid),
            "service_areas": self._where("service_area", service_id=sid),
        }

    def as_json_page(self) -> dict:
        """The whole directory as one page of HSDS 3's ``GET /services`` with full services."""
        contents = [self.nested_service(row) for row in self.tables["service"]]
        return {
            "total_items": len(contents),
            "total_pages": 1,
            "page_number": 1,
            "size": len(contents),
            "first_page": True,
            "last_page": True,
            "empty": not contents,
            "contents": contents,
        }

    def csv_text(self, table: str) -> str:
        """One table as CSV for programs (no BOM); a cell a spreadsheet would run is neutralised all
        the same, as people open these files in one too."""
        columns = TABLES[table][1]
        rows = ([row.get(column) for column in columns] for row in self.tables[table])
        return exports.csv_text(columns, rows, bom=False)

    def as_zip(self) -> bytes:
        """The tabular data package: one CSV per table and a datapackage.json naming them."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            resources = []
            for table, (path, columns) in TABLES.items():
                archive.writestr(path, self.csv_text(table).encode("utf-8"))
                resources.append(
                    {
                        "name": table,
                        "path": path,
                        "format": "csv",
                        "mediatype": "text/csv",
                        "encoding": "utf-8",
                        "profile": "tabular-data-resource",
                        "schema": {"fields": [{"name": c} for c in columns]},
                    }
                )
            package = {
                "name": "onegate-service-directory",
                "title": f"{settings.OFFICE_NAME}: service directory (HSDS {HSDS_VERSION})",
                "profile": "tabular-data-package",
                "resources": resources,
            }
            archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        return buffer.getvalue()
