"""Exports of a service's eligible-but-unserved people (referrals.unserved), written by
onegate.exports (a name typed as a formula reaches the spreadsheet as text). NIK and KK follow
registry.privacy like the person list's export.

For a national programme (referrals.unserved.NATIONAL_PROGRAMS) the list is a list of proposals
(usulan) sent upward, and the file has the columns a DTSEN proposal needs: NIK, KK, name, address,
region code, decile and the reason; other services' lists add what the office works with."""

from itertools import islice

from django.utils import timezone

from onegate import exports
from registry.privacy import nik_for

from . import unserved

XLSX_MAX_ROWS = 200_000
CHUNK = 1000

PROPOSAL_HEADERS = [
    "nik",
    "no_kk",
    "nama",
    "alamat",
    "rt",
    "rw",
    "kode_wilayah",
    "kelurahan",
    "desil",
    "program_diusulkan",
    "alasan",
]
LIST_HEADERS = [
    "nik",
    "no_kk",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "alamat",
    "rt",
    "rw",
    "kode_wilayah",
    "kelurahan",
    "desil",
    "status_dtks",
    "urgensi",
    "alasan",
]


def headers_for(service) -> list[str]:
    return PROPOSAL_HEADERS if unserved.is_proposal_list(service) else LIST_HEADERS


def _address(person) -> tuple[str, str, str]:
    household = person.household
    if household is None:
        return person.domicile_address, "", ""
    return household.address, household.rt, household.rw


def export_rows(candidates, service, user, limit: int | None = None):
    """The rows of ``candidates`` (unserved.candidates), in the list's order, read a thousand people
    at a time with their reasons."""
    today = timezone.localdate()
    proposal = unserved.is_proposal_list(service)
    stream = candidates.values_list("person_id", flat=True).iterator(chunk_size=CHUNK)
    if limit is not None:
        stream = islice(stream, limit)
    while chunk := list(islice(stream, CHUNK)):
        for row in unserved.page_rows(user, chunk, service, today, action="export"):
            person = row["person"]
            address, rt, rw = _address(person)
            kk = person.household.kk_number if person.household_id else ""
            decile = row["decile"] if row["decile"] is not None else ""
            reason = "; ".join(row["reasons"])
            if proposal:
                yield [
                    nik_for(user, person.nik),
                    nik_for(user, kk),
                    person.full_name,
                    address,
                    rt,
                    rw,
                    person.region_id,
                    person.region.name,
                    decile,
                    service.get_program_display(),
                    reason,
                ]
            else:
                welfare = person.welfare if hasattr(person, "welfare") else None
                yield [
                    nik_for(user, person.nik),
                    nik_for(user, kk),
                    person.full_name,
                    person.sex,
                    person.birth_date.strftime("%d/%m/%Y") if person.birth_date else "",
                    address,
                    rt,
                    rw,
                    person.region_id,
                    person.region.name,
                    decile,
                    welfare.dtks_status if welfare else "",
                    str(unserved.URGENCY_LABELS.get(row["urgency"], "")),
                    reason,
                ]


def unserved_csv_lines(people, service, user):
    return exports.csv_lines(headers_for(service), export_rows(people, service, user))


def unserved_xlsx(people, service, user) -> bytes:
    title = "usulan" if unserved.is_proposal_list(service) else "calon penerima"
    return exports.xlsx_single(title, headers_for(service), export_rows(people, service, user, limit=XLSX_MAX_ROWS))
