"""Reading an uploaded XLSX safely. An XLSX is a zip of XML parts; a few hundred kilobytes can
inflate to gigabytes, and openpyxl (even read-only) loads the shared-strings part whole. So:

1. :func:`container_refusal` reads only the zip's directory (no part is inflated) and refuses a part
   larger than its limit, a compression ratio no spreadsheet has, or too much in all. Python's
   zipfile never inflates a part beyond the size its directory declares (Bad CRC), so the check holds.
2. :func:`convert` reads the first sheet into rows (the dimension the file claims is ignored: it
   can lie) and refuses too many rows or cells. It runs in a child process of its own (run as a
   script: this module imports nothing of Django) whose address space the parent caps with
   RLIMIT_AS, so a file that still needs too much memory ends that process, not the worker's.

The rows are written as a stream of pickles (the header, then chunks of (row number, cells)) for the
parent to read back (parsing.py); refusals are printed as JSON ``{"refused": code, "params": {}}``,
success as ``{"rows": n}``. The parent turns codes into translated messages.
"""

import json
import pickle
import sys
import zipfile

CHUNK_ROWS = 1000
WORKSHEETS = "xl/worksheets/"


class Refused(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def container_refusal(path, limits: dict) -> tuple[str, dict] | None:
    """Why the zip's directory alone says the file must not be opened, or None."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "not_readable", {}
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > 1_000_000 and part.file_size > limits["ratio"] * max(part.compress_size, 1):
            return "ratio", {"part": part.filename[:80], "ratio": part.file_size // max(part.compress_size, 1)}
        limit = limits["sheet_bytes"] if part.filename.startswith(WORKSHEETS) else limits["part_bytes"]
        if part.file_size > limit:
            return "part_too_big", {"part": part.filename[:80], "mb": _mb(part.file_size), "limit_mb": _mb(limit)}
    if total > limits["total_bytes"]:
        return "total_too_big", {"mb": _mb(total), "limit_mb": _mb(limits["total_bytes"])}
    return None


def _mb(size: int) -> int:
    return -(-size // 2**20)


def convert(path, out_path, limits: dict) -> int:
    """Write the first sheet's header and rows to ``out_path``; return the number of rows."""
    if refusal := container_refusal(path, limits):
        raise Refused(refusal[0], **refusal[1])
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as exc:
        raise Refused("not_readable", error=exc.__class__.__name__) from None
    sheet.reset_dimensions()  # read to the last row there is, not to the one <dimension> claims
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or not any(cell not in (None, "") for cell in header):
        raise Refused("empty")
    count, cells, chunk = 0, len(header), []
    with open(out_path, "wb") as out:
        pickle.dump(list(header), out)
        for number, values in enumerate(rows, start=2):
            cells += len(values)
            if number - 1 > limits["rows"]:
                raise Refused("too_many_rows", limit=limits["rows"])
            if cells > limits["cells"]:
                raise Refused("too_many_cells", limit=limits["cells"])
            row = [("" if v is None else v.strip() if isinstance(v, str) else v) for v in values]
            if any(c != "" for c in row):
                row += [""] * (len(header) - len(row))
                chunk.append((number, row))
                count += 1
            if len(chunk) == CHUNK_ROWS:
                pickle.dump(chunk, out)
                chunk = []
        if chunk:
            pickle.dump(chunk, out)
    workbook.close()
    return count


def main(argv: list[str]) -> int:
    path, out_path, limits = argv[0], argv[1], json.loads(argv[2])
    try:
        result = {"rows": convert(path, out_path, limits)}
    except Refused as exc:
        result = {"refused": exc.code, "params": exc.params}
    except MemoryError:
        result = {"refused": "memory"}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
