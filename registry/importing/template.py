"""The blank import template, as CSV (UTF-8 with BOM, so Excel opens it right) or XLSX (number
columns formatted as text, so Excel keeps all 16 digits, and a sheet of instructions).

The XLSX is written with openpyxl itself, for its column formats: it holds only this module's own
texts, never a value someone typed into the portal (those leave through onegate.exports)."""

import io

from django.utils.translation import gettext as _

from onegate import exports

from .columns import COLUMNS

TEXT_COLUMNS = {"nik", "no_kk", "rt", "rw", "kode_wilayah", "telepon", "tanggal_lahir"}


def template_csv() -> bytes:
    return exports.csv_text([c.name for c in COLUMNS], []).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    sheet.append([c.name for c in COLUMNS])
    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(12, len(column.name) + 4)
        if column.name in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("instructions")[:31])
    notes.append([_("Column"), _("Required in the header"), _("Meaning"), _("Example")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append([column.name, _("yes") if column.required else "", _(column.description), column.example])
    notes.append([])
    notes.append([_("Fill in the first sheet only, one person per row; rows of one family share no_kk.")])
    notes.append([_("An empty cell never erases a stored value. Lists are separated by commas or semicolons.")])
    for letter, width in zip("ABCD", (22, 12, 70, 24), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
