"""Uploads read safely: a hostile XLSX (a zip bomb) is refused from its zip directory alone, without
the web process unpacking anything; a workbook is read only by the worker, in a child process
whose memory is capped; a <dimension> that lies drops no rows; every refusal is a clear message."""

import datetime
import gc
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from registry.importing import batches, tasks
from registry.models import ImportBatch, ImportStatus, Person
from tests.conftest import WATES
from tests.factories import nik_for

D = datetime.date
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
HEADER = ["nik", "nama", "jenis_kelamin", "tanggal_lahir", "alamat", "kode_wilayah"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def stored_files(private_media):
    folder = private_media / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def people_rows(count: int) -> list[list]:
    return [
        [nik_for(WATES, D(1990, 3, n), "L", 80 + n), f"Baris {n}", "L", f"{n:02d}/03/1990", "Jl. Dimensi", WATES]
        for n in range(1, count + 1)
    ]


def hostile_xlsx(megabytes: int) -> bytes:
    """A small workbook whose shared-strings part (which openpyxl loads whole) unpacks to
    ``megabytes`` MB: deflate packs a run of one letter about 1,000 to 1."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER, *people_rows(1)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            archive.writestr(part.filename, data)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            block = b"A" * 2**20
            for _ in range(megabytes):
                part.write(block)
            part.write(b"</t></si></sst>")
    return out.getvalue()


def memory_mb(field: str) -> int:
    """VmRSS (now) or VmHWM (the peak since reset_peak) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise LookupError(field)


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM starts again from the current RSS


def failure(batch, language="en") -> str:
    with translation.override(language):
        return batch.failure_text


def post_file(client, name: str, content: bytes, language="en"):
    client.cookies["django_language"] = language
    return client.post(reverse("registry:import-start"), {"file": SimpleUploadedFile(name, content)})


# --- The web process ------------------------------------------------------------------------------
def test_a_zip_bomb_is_refused_at_upload_without_the_web_process_unpacking_it(users, client_for, private_media):
    bomb = hostile_xlsx(megabytes=120)
    assert len(bomb) < 200_000  # 120 MB of shared strings in less than 200 KB
    client = client_for(users["kel.wates"])
    gc.collect()
    reset_peak()
    before = memory_mb("VmRSS")
    response = post_file(client, "data.xlsx", bomb)
    peak, after = memory_mb("VmHWM"), memory_mb("VmRSS")
    print(f"\nweb process while refusing the zip bomb: RSS {before} MB before, peak {peak} MB, {after} MB after")
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert "xl/sharedStrings.xml" in errors and "zip bomb" in errors
    assert peak - before < 20 and after - before < 20  # nothing was unpacked (it would take 120 MB or more)
    assert not ImportBatch.objects.exists() and stored_files(private_media) == []


def test_the_refusal_is_in_indonesian_by_default(users, client_for):
    response = post_file(client_for(users["kel.wates"]), "data.xlsx", hostile_xlsx(megabytes=2), language="id")
    assert "bom zip" in " ".join(response.context["form"].errors["file"])


def test_a_part_over_its_size_limit_is_refused_at_upload(users, client_for, settings):
    settings.REGISTRY_IMPORT_XLSX_LIMITS = {"part_bytes": 2**20, "ratio": 10**6}
    response = post_file(client_for(users["kel.wates"]), "data.xlsx", hostile_xlsx(megabytes=3))
    errors = " ".join(response.context["form"].errors["file"])
    assert "xl/sharedStrings.xml holds 4 MB once unpacked (at most 1 MB)" in errors


def test_a_workbook_is_read_by_the_worker_never_in_the_web_request(users, client_for, private_media):
    client = client_for(users["kel.wates"])
    response = post_file(client, "data.xlsx", workbook_bytes([HEADER, *people_rows(2)]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.is_checking  # waiting for the worker, unread
    assert stored_files(private_media) == [batch.file_path] and batch.file_path.endswith(".xlsx")
    tasks.preview_import(batch.pk)  # what the worker runs
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW and (batch.total_rows, batch.new_count) == (2, 2)
    assert stored_files(private_media) == sorted([batch.file_path, batch.file_path.replace(".rows", ".plan")])


# --- The worker ----------------------------------------------------------------------------------
LIFTED = {"ratio": 10**6, "part_bytes": 2**30, "total_bytes": 2**31}  # past the directory check


def test_a_workbook_needing_more_memory_than_the_cap_fails_the_batch_cleanly(users, settings, private_media):
    settings.REGISTRY_IMPORT_XLSX_LIMITS = {**LIFTED, "memory_bytes": 300 * 2**20}
    batch = batches.upload(SimpleUploadedFile("data.xlsx", hostile_xlsx(megabytes=150)), user=users["kel.wates"])
    gc.collect()
    before = memory_mb("VmRSS")
    tasks.preview_import(batch.pk)
    assert memory_mb("VmRSS") - before < 20  # the child unpacked it, not this process
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.finished_at
    assert failure(batch) == (
        "Reading the workbook needs more than 300 MB of memory, so it was stopped. Split the file or save it as CSV UTF-8."
    )
    assert "300 MB" in failure(batch, "id") and failure(batch, "id") != failure(batch)
    assert stored_files(private_media) == [] and not Person.objects.filter(full_name="Baris 1").exists()


def test_the_same_workbook_is_read_when_the_cap_allows_it(users, settings):
    """The cap is what refused it above."""
    settings.REGISTRY_IMPORT_XLSX_LIMITS = {**LIFTED, "memory_bytes": 2048 * 2**20}
    batch = batches.upload(SimpleUploadedFile("data.xlsx", hostile_xlsx(megabytes=150)), user=users["kel.wates"])
    tasks.preview_import(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW and batch.new_count == 1


@pytest.mark.parametrize(
    "limits, reason",
    [
        ({"rows": 2}, "The sheet has more than 2 rows: split the file."),
        ({"cells": 10}, "The sheet has more than 10 cells: delete the empty columns or split the file."),
    ],
)
def test_too_many_rows_or_cells_fail_the_batch_with_the_reason(users, settings, private_media, limits, reason):
    settings.REGISTRY_IMPORT_XLSX_LIMITS = limits
    workbook = workbook_bytes([HEADER, *people_rows(3)])
    batch = batches.upload(SimpleUploadedFile("data.xlsx", workbook), user=users["kel.wates"])
    tasks.preview_import(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and failure(batch) == reason
    assert stored_files(private_media) == []


def test_a_dimension_that_lies_drops_no_rows(users):
    workbook = workbook_bytes([HEADER, *people_rows(3)])
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:F4"' in data
                data = data.replace(b'<dimension ref="A1:F4"', b'<dimension ref="A1:F3"')  # claims 2 rows
            archive.writestr(part.filename, data)
    batch = batches.upload(SimpleUploadedFile("data.xlsx", out.getvalue()), user=users["kel.wates"])
    tasks.preview_import(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.total_rows, batch.new_count) == (ImportStatus.PREVIEW, 3, 3)
