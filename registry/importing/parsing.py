"""Reading an uploaded file into rows of cells: CSV (comma, semicolon or tab separated, UTF-8 with or
without BOM) or XLSX (the first sheet, read-only). A file that cannot be read at all raises
:class:`ImportFileError` with a message for the uploader; single bad cells are the checker's job."""

import codecs
import csv
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


def open_table(path: Path, file_format: str, *, checked: bool = False) -> Table:
    """``checked``: the file was opened once already (at upload), so a CSV is not checked for
    UTF-8 nor its lines counted again."""
    if file_format == "xlsx":
        return _open_xlsx(Path(path))
    return _open_csv(Path(path), checked=checked)


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
def _open_csv(path: Path, *, checked: bool = False) -> Table:
    lines = None
    if not checked:
        with path.open("rb") as f:
            start = f.read(4096)
        if start.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
            raise ImportFileError(_("This is an Excel workbook, not a CSV file: upload it with the .xlsx extension."))
        if start.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in start:
            raise ImportFileError(
                _("The file is not UTF-8 text (it looks like UTF-16). In Excel choose “CSV UTF-8 (comma delimited)”.")
            )
        lines = _utf8_lines_with_content(path)
        if not lines:
            raise ImportFileError(_("The file is empty."))
    # Read as a stream: the rows are never all in memory as text.
    f = path.open(encoding="utf-8-sig", newline="")
    first_line = f.readline()
    f.seek(0)
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(f, delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        f.close()
        raise ImportFileError(_("The file cannot be read as CSV: %(error)s") % {"error": exc}) from None
    try:
        positions, ignored = _header(header)
    except ImportFileError:
        f.close()
        raise
    width = len(header)
    # Lines after the header, not records (a quoted cell may span lines): an estimate.
    return Table(
        positions, ignored, _csv_rows(reader, width), width, estimated_rows=lines and lines - 1, _close=[f.close]
    )


def _utf8_lines_with_content(path: Path) -> int:
    """Check that the whole file is UTF-8 (refused at upload, not halfway through the import) and
    count its lines that hold something besides separators."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, line_number, tail = 0, 1, b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line = line_number + chunk[: max(0, exc.start)].count(b"\n")
                raise ImportFileError(
                    _(
                        "The file is not UTF-8 text (line %(line)d). In Excel choose “CSV UTF-8 (comma delimited)” when saving."
                    )
                    % {"line": line}
                ) from None
            line_number += chunk.count(b"\n")
            *complete, tail = (tail + chunk).split(b"\n")
            lines += sum(1 for line in complete if line.strip(b" \t\r;,\xef\xbb\xbf"))
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text (it ends in the middle of a character).")) from None
    return lines + (1 if tail.strip(b" \t\r;,\xef\xbb\xbf") else 0)


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
        raise ImportFileError(
            _("Row %(row)d cannot be read as CSV: %(error)s") % {"row": number + 1, "error": exc}
        ) from None


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
        raise ImportFileError(
            _("The file is not a readable .xlsx workbook (%(error)s).") % {"error": exc.__class__.__name__}
        ) from None
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
