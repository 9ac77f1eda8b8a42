"""Reading an uploaded file into rows of cells: CSV (comma, semicolon or tab separated, UTF-8 with or
without BOM) or XLSX (the first sheet, read-only). A file that cannot be read at all raises
:class:`ImportFileError` with a message for the uploader; single bad cells are the checker's job."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .columns import REQUIRED_COLUMNS, column_for_header

FORMATS = ("csv", "xlsx")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls


class ImportFileError(Exception):
    """The file as a whole cannot be imported (type, encoding, empty, missing columns)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The header mapped to template columns, and the data rows as (row number, cells)."""

    positions: dict[str, int]  # template column → position in a row
    ignored: list[str]  # header cells that are not template columns
    rows: Iterator[tuple[int, list]]
    width: int
    estimated_rows: int | None = None
    _close: list = field(default_factory=list)

    def close(self):
        for close in self._close:
            close()


def file_format_for(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix == "xls":
        raise ImportFileError(_("Old Excel .xls files cannot be read: save the file as .xlsx or as CSV UTF-8."))
    if suffix not in FORMATS:
        raise ImportFileError(_("Upload a .csv or .xlsx file (this one is “%(name)s”).") % {"name": name})
    return suffix


def open_table(path: Path, file_format: str) -> Table:
    reader = _open_xlsx if file_format == "xlsx" else _open_csv
    return reader(Path(path))


def _header(cells: list) -> tuple[dict[str, int], list[str]]:
    positions, ignored = {}, []
    for i, cell in enumerate(cells):
        column = column_for_header(cell)
        if column is None:
            if cell not in (None, ""):
                ignored.append(str(cell).strip())
        elif column in positions:
            raise ImportFileError(_("The column “%(name)s” appears twice in the header.") % {"name": column})
        else:
            positions[column] = i
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise ImportFileError(
            _("The header lacks the required column(s): %(missing)s. Download the template to see the columns.")
            % {"missing": ", ".join(missing)}
        )
    return positions, ignored


# --- CSV ---------------------------------------------------------------------------------------
def _open_csv(path: Path) -> Table:
    data = path.read_bytes()
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise ImportFileError(_("This is an Excel workbook, not a CSV file: upload it with the .xlsx extension."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise ImportFileError(_("The file is not UTF-8 text (it looks like UTF-16). In Excel choose “CSV UTF-8 (comma delimited)”."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _("The file is not UTF-8 text (line %(line)d). In Excel choose “CSV UTF-8 (comma delimited)” when saving.") % {"line": line}
        ) from None
    del data
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportFileError(_("The file cannot be read as CSV: %(error)s") % {"error": exc}) from None
    positions, ignored = _header(header)
    width = len(header)
    after_header = text[len(first_line) + 1 :]
    estimated = sum(1 for line in after_header.splitlines() if line.strip(" \t;,"))  # lines, not records: an estimate
    return Table(positions, ignored, _csv_rows(reader, width), width, estimated_rows=estimated)


def _csv_rows(reader, width: int) -> Iterator[tuple[int, list]]:
    number = 1
    try:
        for cells in reader:
            number += 1
            if len(cells) < width:
                if not any(cells):
                    continue  # a blank line
                cells += [""] * (width - len(cells))
            yield number, cells
    except csv.Error as exc:
        raise ImportFileError(_("Row %(row)d cannot be read as CSV: %(error)s") % {"row": number + 1, "error": exc}) from None


# --- XLSX --------------------------------------------------------------------------------------
def _open_xlsx(path: Path) -> Table:
    import openpyxl

    with path.open("rb") as f:
        magic = f.read(4)
    if magic == _OLE_MAGIC:
        raise ImportFileError(_("Old Excel .xls files cannot be read: save the file as .xlsx or as CSV UTF-8."))
    if magic != _ZIP_MAGIC:
        raise ImportFileError(_("The file is not an Excel .xlsx workbook."))
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as exc:
        raise ImportFileError(_("The file is not a readable .xlsx workbook (%(error)s).") % {"error": exc.__class__.__name__}) from None
    if header is None or not any(cell not in (None, "") for cell in header):
        workbook.close()
        raise ImportFileError(_("The file is empty."))
    positions, ignored = _header(list(header))
    width = len(header)
    estimated = (sheet.max_row - 1) if sheet.max_row else None
    return Table(positions, ignored, _xlsx_rows(rows, width), width, estimated_rows=estimated, _close=[workbook.close])


def _xlsx_rows(rows, width: int) -> Iterator[tuple[int, list]]:
    number = 1
    for values in rows:
        number += 1
        cells = [("" if v is None else v.strip() if isinstance(v, str) else v) for v in values]
        if not any(c != "" for c in cells):
            continue
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        yield number, cells
