"""The one writer of CSV and XLSX files that leave the portal (registry lists, report figures,
rejected import rows, anything later).

A cell whose text a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is neutralised: in CSV it is prefixed with an apostrophe, which spreadsheets
show as typed; in XLSX every text cell is written as text (never as a formula) and such a cell is
also marked "quote prefix", as Excel does when a person types ``'=…``.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"  # Excel opens a CSV as UTF-8 only with it
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_csv_cell(value):
    """The value as a CSV cell that no spreadsheet runs."""
    if value is None:
        return ""
    return "'" + value if is_formula_like(value) else value


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence], *, bom: bool = True) -> Iterator[str]:
    """CSV text line by line (for a streaming response): the BOM (for Excel; ``bom=False`` for files
    read by programs) and the header row, then the rows."""
    line = _line_writer()
    yield (CSV_BOM if bom else "") + line(headers)
    for row in rows:
        yield line(row)


def csv_text(headers: Sequence[str], rows: Iterable[Sequence], *, bom: bool = True) -> str:
    return "".join(csv_lines(headers, rows, bom=bom))


def csv_sections(sections: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> str:
    """Several ``(title, headers, rows)`` tables in one CSV (the sheets of ``xlsx_bytes``): each under
    its title, a blank line between them."""
    line = _line_writer()
    parts = [CSV_BOM]
    for index, (title, headers, rows) in enumerate(sections):
        if index:
            parts.append(line([]))
        parts += [line([title]), line(headers), *(line(row) for row in rows)]
    return "".join(parts)


def _line_writer():
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(row) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_csv_cell(value) for value in row])
        return buffer.getvalue()

    return line


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An XLSX workbook of ``(title, headers, rows)`` sheets; text cells are text, never formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        sheet.append([_text_cell(sheet, header, WriteOnlyCell, font=bold) for header in headers])
        for row in rows:
            sheet.append([_cell(sheet, value, WriteOnlyCell) for value in row])
    if not workbook.worksheets:
        workbook.create_sheet(title="data")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_single(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return xlsx_bytes([(title, headers, rows)])


def _sheet_title(title: str) -> str:
    # Excel refuses these characters and titles over 31 characters.
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()
    return (cleaned or "data")[:31]


def _cell(sheet, value, cell_class):
    if isinstance(value, str):
        return _text_cell(sheet, value, cell_class)
    return cell_class(sheet, value=value)


def _text_cell(sheet, text: str, cell_class, font=None):
    cell = cell_class(sheet, value=_without_control_characters(str(text)))
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    if is_formula_like(text):
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def _without_control_characters(text: str) -> str:
    # XML 1.0 (and so XLSX) cannot hold control characters other than tab, LF and CR.
    return _CONTROL_CHARACTERS.sub("", text)
