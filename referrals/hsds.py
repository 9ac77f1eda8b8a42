"""The service directory as Open Referral HSDS 3: JSON (the API's page of fully nested services)
and the tabular form (one CSV per HSDS table, zipped with a datapackage.json).

HSDS identifiers are UUIDs. Ours are derived from the row's primary key (UUID5 in a namespace of
this installation), so the same row keeps the same identifier in every export.

A service's eligibility criteria (``ServiceCriteria``) go where HSDS 3 can hold them: the age range
in ``service.minimum_age``/``maximum_age``; every criterion, readable, at the end of
``eligibility_description``; a residence requirement as one more ``service_area``; and each other
criterion as an ``attribute`` of the service (``link_type`` "eligibility") whose taxonomy term is
the criterion (a taxonomy of this installation: "onegate-eligibility") and whose value is the
machine value (a code, a number, true/false), with its label."""

import datetime
import io
import json
import uuid
import zipfile
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, gettext_lazy

from assessments.models import NeedDomain
from onegate import exports
from onegate.agencies.models import Agency, AgencyKind
from onegate.regions.models import Region
from registry.models import DisabilityType, DtksStatus, Program, Severity, Sex

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
            "minimum_age",
            "maximum_age",
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
    "taxonomy": ("taxonomies.csv", ["id", "name", "description", "uri", "version"]),
    "taxonomy_term": (
        "taxonomy_terms.csv",
        ["id", "code", "name", "description", "taxonomy", "taxonomy_id", "language"],
    ),
    "attribute": (
        "attributes.csv",
        ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value", "label"],
    ),
}

ELIGIBILITY_TAXONOMY = "onegate-eligibility"
# The criteria that become attributes (the age range has HSDS fields of its own), in the order of
# referrals/eligibility.py, with the labels it shows.
ELIGIBILITY_TERMS = {
    "sex": gettext_lazy("Sex"),
    "lives_in": gettext_lazy("Lives in"),
    "dtks_status": gettext_lazy("DTKS/DTSEN status"),
    "max_decile": gettext_lazy("Highest welfare decile"),
    "disability_required": gettext_lazy("Has a disability"),
    "disability_type": gettext_lazy("Disability types"),
    "min_severity": gettext_lazy("Lowest disability severity"),
    "device_needed": gettext_lazy("Needs an assistive device"),
    "ppks_category": gettext_lazy("PPKS categories"),
    "need_domain": gettext_lazy("Assessed needs"),
    "has_nik": gettext_lazy("NIK"),
    "not_receiving_program": gettext_lazy("Not already receiving"),
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
        .select_related("agency__region", "area", "criteria__area")
        .prefetch_related(
            "required_documents",
            "schedules",
            Prefetch("contacts", queryset=Contact.objects.order_by("pk")),
            "criteria__ppks_categories",
        )
        .order_by("agency__name", "name")
    )


def criteria_of(service: Service):
    try:
        return service.criteria
    except ObjectDoesNotExist:
        return None


def eligibility_values(criteria) -> list[tuple[str, str, str]]:
    """The criteria other than age as (term code, machine value, label of the value), one row per
    value of an "any of" list; empty for no criteria."""
    if criteria is None:
        return []
    rows = []
    if criteria.sex:
        rows.append(("sex", criteria.sex, str(Sex(criteria.sex).label)))
    if criteria.area_id:
        rows.append(("lives_in", criteria.area_id, criteria.area.name))
    rows += [("dtks_status", v, str(DtksStatus(v).label)) for v in criteria.dtks_statuses]
    if criteria.max_decile is not None:
        rows.append(("max_decile", str(criteria.max_decile), str(criteria.max_decile)))
    if criteria.disability_required:
        rows.append(("disability_required", "true", gettext("yes")))
    rows += [("disability_type", v, str(DisabilityType(v).label)) for v in criteria.disability_types]
    if criteria.min_severity:
        rows.append(("min_severity", criteria.min_severity, str(Severity(criteria.min_severity).label)))
    if criteria.device_needed:
        rows.append(("device_needed", "true", gettext("yes")))
    rows += [
        ("ppks_category", str(c.code), c.name) for c in sorted(criteria.ppks_categories.all(), key=lambda c: c.code)
    ]
    rows += [("need_domain", v, str(NeedDomain(v).label)) for v in criteria.need_domains]
    if criteria.has_nik is not None:
        has = "true" if criteria.has_nik else "false"
        rows.append(("has_nik", has, gettext("has a NIK") if criteria.has_nik else gettext("no NIK")))
    if criteria.not_receiving_program:
        program = criteria.not_receiving_program
        rows.append(("not_receiving_program", program, str(Program(program).label)))
    return rows


def describe_criteria(criteria) -> str:
    """The criteria in a sentence for people (the end of HSDS's eligibility_description)."""
    parts = criteria_parts(criteria)
    if not parts:
        return ""
    return gettext("Criteria: %(criteria)s.") % {"criteria": "; ".join(parts)}


def criteria_parts(criteria) -> list[str]:
    """Each criterion set, with its values, for people ("usia 6–24 tahun", "Desil kesejahteraan
    tertinggi: 4"); the service page lists them, the HSDS export joins them."""
    if criteria is None:
        return []
    parts = []
    if criteria.min_age is not None and criteria.max_age is not None:
        parts.append(gettext("age %(min)d–%(max)d years") % {"min": criteria.min_age, "max": criteria.max_age})
    elif criteria.min_age is not None:
        parts.append(gettext("age %(min)d years or more") % {"min": criteria.min_age})
    elif criteria.max_age is not None:
        parts.append(gettext("age %(max)d years or less") % {"max": criteria.max_age})
    by_term: dict[str, list[str]] = {}
    for code, _value, label in eligibility_values(criteria):
        by_term.setdefault(code, []).append(label)
    parts += [f"{capfirst(ELIGIBILITY_TERMS[code])}: {', '.join(labels)}" for code, labels in by_term.items()]
    return parts


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
        self._add_eligibility_taxonomy()
        for agency in self.agencies:
            self._add_agency(agency)
        for service in self.services:
            self._add_service(service)

    # The criteria as a taxonomy of this installation: one term per criterion.
    def _add_eligibility_taxonomy(self):
        taxonomy_id = hsds_id("taxonomy", ELIGIBILITY_TAXONOMY)
        self.tables["taxonomy"].append(
            _row(
                "taxonomy",
                id=taxonomy_id,
                name=ELIGIBILITY_TAXONOMY,
                description=gettext("%(office)s: the eligibility criteria of its service directory")
                % {"office": settings.OFFICE_NAME},
                version="1",
            )
        )
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        for code, label in ELIGIBILITY_TERMS.items():
            self.tables["taxonomy_term"].append(
                _row(
                    "taxonomy_term",
                    id=hsds_id("taxonomy_term", f"{ELIGIBILITY_TAXONOMY}:{code}"),
                    code=code,
                    name=str(label),
                    description=str(label),
                    taxonomy=ELIGIBILITY_TAXONOMY,
                    taxonomy_id=taxonomy_id,
                    language=language,
                )
            )

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
        criteria = criteria_of(s)
        eligibility = "\n\n".join(filter(None, [s.eligibility.strip(), describe_criteria(criteria)]))
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
                eligibility_description=eligibility,
                minimum_age=criteria.min_age if criteria else None,
                maximum_age=criteria.max_age if criteria else None,
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
        if criteria is not None and criteria.area_id and criteria.area_id != s.area_id:
            self.tables["service_area"].append(
                _row(
                    "service_area",
                    id=hsds_id("service_area", f"criteria:{s.pk}"),
                    service_id=service_id,
                    name=criteria.area.name,
                    description=gettext("Only for residents of %(area)s.") % {"area": criteria.area.name},
                )
            )
        for n, (code, value, label) in enumerate(eligibility_values(criteria)):
            self.tables["attribute"].append(
                _row(
                    "attribute",
                    id=hsds_id("attribute", f"{s.pk}:{n}:{code}:{value}"),
                    link_id=service_id,
                    link_type="eligibility",
                    link_entity="service",
                    taxonomy_term_id=hsds_id("taxonomy_term", f"{ELIGIBILITY_TAXONOMY}:{code}"),
                    value=value,
                    label=label,
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
            "attributes": [
                {**a, "taxonomy_term": self._term(a["taxonomy_term_id"])}
                for a in self._where("attribute", link_id=sid, link_entity="service")
            ],
        }

    def _term(self, term_id: str) -> dict:
        term = next(t for t in self.tables["taxonomy_term"] if t["id"] == term_id)
        taxonomy = next(t for t in self.tables["taxonomy"] if t["id"] == term["taxonomy_id"])
        return {**term, "taxonomy_detail": taxonomy}

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
