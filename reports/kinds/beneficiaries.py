"""4. Beneficiary list for field verification: the people of one or several kelurahan, landscape,
with columns for the officer's checks and the person's signature; up to tens of thousands of rows.

WeasyPrint needs about 4 ms of CPU and 5 MB of memory per row of such a table in one document
(20,000 rows: over two minutes and 2.7 GB). So the list paginates itself: every page holds the
same number of fixed-height rows (texts are shortened so a row never grows), each kelurahan starts
on a new page, and each page carries its own "Page X of Y". The document is then rendered as
parts of a few hundred rows in parallel child processes (reports/rendering.py) and joined
(reports/pdfmerge.py). A cover page (rendered once first, to count its pages) lists the
kelurahan with their pages and has the verifiers' sign-off.
"""

import math
from dataclasses import dataclass
from functools import cache
from html import escape
from itertools import groupby
from urllib.parse import quote

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from onegate import pdf, scoping
from onegate.regions.models import VILLAGE_LEVELS, Region
from registry.models import (
    DisabilityType,
    DtksStatus,
    Person,
    PersonPpks,
    PpksStatus,
    Program,
    ProgramReceipt,
    Severity,
)
from registry.nik import mask_nik

from .. import rendering
from ..models import Population, ReportType
from ..scope import areas_q
from .base import ReportKind, counted_people, data_label, register, report_areas

ROWS_PER_PAGE = 16
PAGES_PER_PART = 30  # ~500 rows: a child process needs ~150 MB for it
# Column widths (mm, landscape A4 less 10 mm margins: 277 mm) and the characters a cell may hold
# so that it never needs more than the lines its row has room for (10 mm: three lines of 7 pt).
COLUMNS_MM = [8, 60, 52, 66, 15, 15, 37, 24]
HEADER_MM, ROW_MM = 9, 10
NAME_CHARS, ADDRESS_CHARS, NOTE_CHARS = 50, 64, 85


@dataclass
class Page:
    village: Region
    rows: list[tuple]
    number_in_village: int
    pages_in_village: int


class BeneficiaryList(ReportKind):
    type = ReportType.BENEFICIARY_LIST
    template = "reports/pdf/beneficiary_list_part.html"
    cover_template = "reports/pdf/beneficiary_list_cover.html"

    def can_request(self, user) -> bool:
        # A list of names and addresses is an export of the registry.
        return scoping.can(user, Person, "export") and bool(user.region_id)

    def check(self, report, scope) -> None:
        super().check(report, scope)
        from django.core.exceptions import ValidationError

        villages = Region.objects.filter(code__in=report.regions, level__in=VILLAGE_LEVELS).count()
        if villages != len(set(report.regions)):
            raise ValidationError({"regions": _("Choose one or several kelurahan/desa.")})

    def parameters(self, report, scope):
        return super().parameters(report, scope) + [
            (_("People listed"), report.get_population_display()),
            data_label(report),
        ]

    def document(self, report, scope, progress) -> rendering.Document:
        people = self.people(report, scope)
        progress(0.2)
        villages = villages_of(report_areas(report, scope))
        pages = paginate(self.rows(people, timezone.localdate()), villages)
        progress(0.8)
        base = self.base_context(report, scope)
        # The cover lists the pages of each kelurahan, so it must know its own length first.
        cover_pages = rendering.count_pages(self.cover(base, villages, pages, cover_pages=1, total=1))
        total = cover_pages + len(pages)
        parts = [
            rendering.Part(self.cover(base, villages, pages, cover_pages=cover_pages, total=total), pages=cover_pages)
        ]
        progress(1.0)
        part_count = 1 + math.ceil(len(pages) / PAGES_PER_PART)
        return rendering.Document(
            parts=_chain(parts, self.list_parts(base, pages, cover_pages, total)), multipart=True, part_count=part_count
        )

    # --- The rows ---------------------------------------------------------------------------------
    def people(self, report, scope):
        this_year = timezone.localdate().year
        people = scoping.restrict(Person.objects.all(), scope, "export").filter(
            counted_people(report), areas_q("region", report_areas(report, scope))
        )
        population = report.population
        if population == Population.DISABILITY:
            people = people.filter(disability__isnull=False)
        elif population == Population.DTKS:
            people = people.filter(welfare__dtks_status=DtksStatus.REGISTERED)
        elif population == Population.PPKS:
            people = people.filter(Exists(PersonPpks.objects.filter(person=OuterRef("pk"), status=PpksStatus.ACTIVE)))
        elif population == Population.PROGRAM:
            people = people.filter(Exists(ProgramReceipt.objects.filter(person=OuterRef("pk"), year=this_year)))
        # One query, plain values: 20,000 model instances with their profiles cost seconds.
        active_ppks = PersonPpks.objects.filter(person=OuterRef("pk"), status=PpksStatus.ACTIVE).order_by()
        programs = ProgramReceipt.objects.filter(person=OuterRef("pk"), year=this_year).order_by()
        return (
            people.annotate(
                ppks_names=Subquery(
                    active_ppks.values("person")
                    .annotate(names=StringAgg("category__name", ", ", order_by="category__code"))
                    .values("names")
                ),
                program_codes=Subquery(
                    programs.values("person")
                    .annotate(codes=StringAgg("program", ",", order_by="program"))
                    .values("codes")
                ),
            )
            .order_by(
                "region_id", "household__rw", "household__rt", "household__address", "household_id", "full_name", "pk"
            )
            .values_list(
                "region_id",
                "full_name",
                "nik",
                "sex",
                "birth_date",
                "household__address",
                "household__rt",
                "household__rw",
                "domicile_address",
                "disability__types",
                "disability__severity",
                "welfare__dtks_status",
                "welfare__decile",
                "ppks_names",
                "program_codes",
            )
        )

    def rows(self, people, today):
        """(kelurahan code, name, identity line, address, notes) for each person, shortened to fit."""
        labels = {
            **{t: str(DisabilityType(t).label) for t in DisabilityType.values},
            **{s: str(Severity(s).label) for s in Severity.values},
            **{p: str(Program(p).label) for p in Program.values},
        }
        no_nik = _("no NIK")
        for (
            region,
            name,
            nik,
            sex,
            born,
            address,
            rt,
            rw,
            domicile,
            types,
            severity,
            dtks,
            decile,
            ppks,
            programs,
        ) in people.iterator(chunk_size=5000):
            if address is None:
                address = domicile
            elif rt or rw:
                address = f"{address} RT {rt or '-'}/RW {rw or '-'}"
            identity = " · ".join(filter(None, [mask_nik(nik) if nik else no_nik, sex, _age(born, today)]))
            notes = []
            if types:
                notes.append(f"{', '.join(labels[t] for t in types)} ({labels[severity]})")
            if dtks == DtksStatus.REGISTERED:
                notes.append(f"DTKS D{decile}" if decile else "DTKS")
            if ppks:
                notes.append(f"PPKS: {ppks}")
            if programs:
                notes.append(", ".join(labels[p] for p in programs.split(",")))
            yield (
                region,
                _fit(name, NAME_CHARS),
                identity,
                _fit(address, ADDRESS_CHARS),
                _fit(" · ".join(notes), NOTE_CHARS),
            )

    # --- The HTML ---------------------------------------------------------------------------------
    def cover(self, base, villages, pages, *, cover_pages, total) -> str:
        """Letterhead, parameters, each kelurahan with its people and pages and a line for its
        verifier's sign-off, and how to fill the list in."""
        by_village = {code: list(group) for code, group in groupby(pages, key=lambda p: p.village.code)}
        summary, first = [], cover_pages + 1
        for code, village in villages.items():
            village_pages = by_village.get(code, [])
            people = sum(len(p.rows) for p in village_pages)
            last = first + len(village_pages) - 1
            summary.append(
                {"village": village, "people": people, "first": first if village_pages else None, "last": last}
            )
            first = last + 1
        context = {
            **base,
            "summary": summary,
            "people": sum(s["people"] for s in summary),
            "page_x_of_y_css": mark_safe(pdf.page_x_of_y_css(total)),
        }
        return render_to_string(self.cover_template, context)

    def list_parts(self, base, pages, cover_pages, total):
        for start in range(0, len(pages), PAGES_PER_PART):
            chunk = pages[start : start + PAGES_PER_PART]
            first = cover_pages + start + 1
            numbered = [(page, pdf.page_x_of_y(first + i, total)) for i, page in enumerate(chunk)]
            context = {
                **base,
                "pages": numbered,
                "grids": {len(p.rows): _grid(len(p.rows)) for p in chunk},
                "columns_mm": COLUMNS_MM,
                "header_mm": HEADER_MM,
                "cell_mm": ROW_MM - 0.8,  # less the cells' padding
                "office_css": mark_safe(pdf.css_string(base["office_name"] + " · OneGate")),
            }
            yield rendering.Part(render_to_string(self.template, context), pages=len(chunk), page_offset=first - 1)


def villages_of(areas) -> dict[str, Region]:
    """The kelurahan/desa of the areas, in code order (the order of the list)."""
    regions = (
        Region.objects.filter(areas_q("", areas), level__in=VILLAGE_LEVELS).select_related("parent").order_by("code")
    )
    return {r.code: r for r in regions}


def paginate(rows, villages: dict[str, Region]) -> list[Page]:
    """Fixed-size pages, each kelurahan starting on a new page; rows are numbered per kelurahan
    and kept as their HTML (a template loop costs 0.4 ms a row, this 0.01 ms)."""
    pages = []
    for code, village_rows in groupby(rows, key=lambda row: row[0]):
        numbered = [_row_html(n, *row[1:]) for n, row in enumerate(village_rows, start=1)]
        count = math.ceil(len(numbered) / ROWS_PER_PAGE)
        for i in range(count):
            pages.append(Page(villages[code], numbered[i * ROWS_PER_PAGE : (i + 1) * ROWS_PER_PAGE], i + 1, count))
    return pages


def _row_html(number, name, identity, address, notes) -> str:
    # Every cell costs: the last four columns are for the officer's pen and have no cells (the
    # page's background draws their lines), an empty notes cell is left out, and the identity goes
    # under the name as a line break of the cell's text (white-space: pre-line), not an element.
    notes = f"<td>{escape(notes)}</td>" if notes else ""
    return mark_safe(
        f'<tr><td class="no">{number}</td><td>{escape(name)}\n{escape(identity)}</td><td>{escape(address)}</td>{notes}</tr>'
    )


def _chain(first, rest):
    yield from first
    yield from rest


def _fit(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _age(born, today) -> str:
    if not born:
        return ""
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return _("%(years)s yrs") % {"years": years}


@cache
def _grid(rows: int) -> tuple[str, int, int]:
    """The table's lines for ``rows`` rows, drawn once per page as its background (drawing them
    cell by cell doubles the rendering time). Rows have a fixed height, so the lines fit."""
    width, height = sum(COLUMNS_MM), HEADER_MM + rows * ROW_MM
    xs, x = [0], 0
    for column in COLUMNS_MM:
        x += column
        xs.append(x)
    ys = [0, HEADER_MM] + [HEADER_MM + ROW_MM * i for i in range(1, rows + 1)]
    lines = "".join(f'<path d="M{x} 0V{height}"/>' for x in xs) + "".join(f'<path d="M0 {y}H{width}"/>' for y in ys)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" viewBox="0 0 {width} {height}">'
        f'<g stroke="#000" stroke-width="0.2" fill="none">{lines}</g></svg>'
    )
    return "data:image/svg+xml," + quote(svg), width, height


register(BeneficiaryList())
