"""Reading an uploaded file into rows of cells: CSV (comma, semicolon or tab separated, UTF-8 with or
without BOM) read as a stream, or XLSX (the first sheet), read once by a memory-capped child process
into a file of rows (xlsxfile.py) and then read from that. A file that cannot be read at all raises
:class:`ImportFileError` with a message for the uploader; single bad cells are the checker's job."""

import codecs
import csv
import json
import logging
import os
import pickle
import resource
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_noop

from . import xlsxfile
from .columns import REQUIRED_COLUMNS, column_for_header
from .problems import message, render

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls
_OLD_XLS = gettext_noop("Old Excel .xls files cannot be read: save the file as .xlsx or as CSV UTF-8.")
_EMPTY = gettext_noop("The file is empty.")
# settings.REGISTRY_IMPORT_XLSX_LIMITS overrides any of these (docs/import.md).
DEFAULT_XLSX_LIMITS = {
    "part_bytes": 64 * 2**20,  # a part openpyxl reads whole (the shared strings, styles, …)
    "sheet_bytes": 512 * 2**20,  # a worksheet part (read as a stream)
    "total_bytes": 768 * 2**20,  # all parts unpacked
    "ratio": 100,  # unpacked size / packed size of a part over 1 MB (spreadsheets: 3–30)
    "rows": 200_000,
    "cells": 6_000_000,
    "memory_bytes": 1536 * 2**20,  # the reading process's address space
    "seconds": 600,
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (type, encoding, empty, missing columns, limits).
    ``stored`` is the message to keep (problems.message), ``message`` it in the active language."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid)
        self.stored = message(msgid, **params)

    @property
    def message(self) -> str:
        return render(self.stored)


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
        raise ImportFileError(_OLD_XLS)
    if suffix not in FORMATS:
        raise ImportFileError(gettext_noop("Upload a .csv or .xlsx file (this one is “%(name)s”)."), name=name)
    return suffix


def open_table(path: Path, file_format: str, *, checked: bool = False) -> Table:
    """A CSV file, or the rows read_xlsx read from a workbook. ``checked``: the file was opened
    once already (at upload), so a CSV is not checked for UTF-8 nor its lines counted again."""
    if file_format == "xlsx":
        return _open_rows(Path(path))
    return _open_csv(Path(path), checked=checked)


def _header(cells: list) -> tuple[dict[str, int], list[str]]:
    positions, ignored = {}, []
    for i, cell in enumerate(cells):
        column = column_for_header(cell)
        if column is None:
            if cell not in (None, ""):
                ignored.append(str(cell).strip())
        elif column in positions:
            raise ImportFileError(gettext_noop("The column “%(name)s” appears twice in the header."), name=column)
        else:
            positions[column] = i
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise ImportFileError(
            gettext_noop(
                "The header lacks the required column(s): %(missing)s. Download the template to see the columns."
            ),
            missing=", ".join(missing),
        )
    return positions, ignored


# --- CSV ---------------------------------------------------------------------------------------
def _open_csv(path: Path, *, checked: bool = False) -> Table:
    lines = None
    if not checked:
        with path.open("rb") as f:
            start = f.read(4096)
        if start.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
            raise ImportFileError(
                gettext_noop("This is an Excel workbook, not a CSV file: upload it with the .xlsx extension.")
            )
        if start.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in start:
            raise ImportFileError(
                gettext_noop(
                    "The file is not UTF-8 text (it looks like UTF-16). In Excel choose “CSV UTF-8 (comma delimited)”."
                )
            )
        lines = _utf8_lines_with_content(path)
        if not lines:
            raise ImportFileError(_EMPTY)
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
        raise ImportFileError(gettext_noop("The file cannot be read as CSV: %(error)s"), error=str(exc)) from None
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
                    gettext_noop(
                        "The file is not UTF-8 text (line %(line)d). In Excel choose “CSV UTF-8 (comma delimited)” when saving."
                    ),
                    line=line,
                ) from None
            line_number += chunk.count(b"\n")
            *complete, tail = (tail + chunk).split(b"\n")
            lines += sum(1 for line in complete if line.strip(b" \t\r;,\xef\xbb\xbf"))
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportFileError(
            gettext_noop("The file is not UTF-8 text (it ends in the middle of a character).")
        ) from None
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
            gettext_noop("Row %(row)d cannot be read as CSV: %(error)s"), row=number + 1, error=str(exc)
        ) from None


# --- XLSX ---------------------------------------------------------------------------------------
_XLSX_REFUSALS = {
    "not_readable": gettext_noop("The file is not a readable .xlsx workbook."),
    "empty": _EMPTY,
    "part_too_big": gettext_noop(
        "The workbook is too big to read safely: its part %(part)s holds %(mb)d MB once unpacked (at most %(limit_mb)d MB). Split the file or save it as CSV UTF-8."
    ),
    "total_too_big": gettext_noop(
        "The workbook is too big to read safely: %(mb)d MB once unpacked (at most %(limit_mb)d MB). Split the file or save it as CSV UTF-8."
    ),
    "ratio": gettext_noop(
        "The workbook was refused: its part %(part)s unpacks to %(ratio)d times its packed size, which no spreadsheet does (a “zip bomb”)."
    ),
    "too_many_rows": gettext_noop("The sheet has more than %(limit)d rows: split the file."),
    "too_many_cells": gettext_noop(
        "The sheet has more than %(limit)d cells: delete the empty columns or split the file."
    ),
    "memory": gettext_noop(
        "Reading the workbook needs more than %(mb)d MB of memory, so it was stopped. Split the file or save it as CSV UTF-8."
    ),
    "timeout": gettext_noop(
        "Reading the workbook took longer than %(seconds)d seconds, so it was stopped. Split the file or save it as CSV UTF-8."
    ),
}


def xlsx_limits() -> dict:
    return {**DEFAULT_XLSX_LIMITS, **getattr(settings, "REGISTRY_IMPORT_XLSX_LIMITS", {})}


def _xlsx_refusal(code: str, params: dict) -> ImportFileError:
    return ImportFileError(_XLSX_REFUSALS[code], **params)


def check_xlsx(path: Path) -> None:
    """What can be told without unpacking anything (the web request does only this): the file is a
    zip, and its directory promises no part too big or too compressed (xlsxfile.container_refusal)."""
    with path.open("rb") as f:
        magic = f.read(4)
    if magic == _OLE_MAGIC:
        raise ImportFileError(_OLD_XLS)
    if magic != _ZIP_MAGIC:
        raise ImportFileError(gettext_noop("The file is not an Excel .xlsx workbook."))
    if refusal := xlsxfile.container_refusal(path, xlsx_limits()):
        raise _xlsx_refusal(*refusal)


def read_xlsx(path: Path, rows_path: Path) -> int:
    """Read the workbook's first sheet into ``rows_path`` (see _open_rows) in a child process whose
    address space is capped at ``memory_bytes``: the worker never holds what a hostile file unpacks
    to. Returns the number of rows; raises ImportFileError (and leaves no rows file) otherwise."""
    check_xlsx(path)
    limits = xlsx_limits()
    memory = limits["memory_bytes"]

    def cap_memory():  # in the child, before it runs Python
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    fd = os.open(rows_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # personal data: the portal's user only
    os.close(fd)
    try:
        done = subprocess.run(
            [sys.executable, "-I", xlsxfile.__file__, str(path), str(rows_path), json.dumps(limits)],
            capture_output=True,
            text=True,
            timeout=limits["seconds"],
            preexec_fn=cap_memory,
            check=False,
        )
        result = _child_result(done.stdout)
    except subprocess.TimeoutExpired:
        result = {"refused": "timeout", "params": {"seconds": limits["seconds"]}}
    if result is None:  # the child died: out of memory in C code (its MemoryError is reported as such)
        logger.warning("reading %s: the XLSX reader exited with %s: %s", path.name, done.returncode, done.stderr[-500:])
        result = {"refused": "memory"}
    if "rows" in result:
        return result["rows"]
    rows_path.unlink(missing_ok=True)
    params = {"mb": memory // 2**20} if result["refused"] == "memory" else result.get("params", {})
    raise _xlsx_refusal(result["refused"], params)


def _child_result(stdout: str) -> dict | None:
    try:
        return json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return None


def _open_rows(path: Path) -> Table:
    """The rows read_xlsx wrote: the header, then chunks of (row number, cells)."""
    f = path.open("rb")
    try:
        header = pickle.load(f)
        positions, ignored = _header(header)
    except BaseException:
        f.close()
        raise
    return Table(positions, ignored, _pickled_rows(f), len(header), _close=[f.close])


def _pickled_rows(f) -> Iterator[tuple[int, list]]:
    while True:
        try:
            chunk = pickle.load(f)
        except EOFError:
            return
        yield from chunk
