"""The PDF renderer's child process: ``python -m reports.pdfchild``.

WeasyPrint keeps the memory of a render until its process ends (about 5 MB a page), so the
worker never renders in its own process: it starts this small program (WeasyPrint only, no
Django), sends it one JSON line per part to render and reads one JSON line back, and replaces it
after a few parts (reports/rendering.py). The child exits when its input closes, so it does not
outlive a worker that is killed.

Request: {"html": path, "pdf": path, "page_offset": n}. Reply: {"pages": n} or {"error": text}.
``page_offset`` (optional) makes the output a part of a longer document: its tagged pages are
numbered from ``page_offset`` in the joined document's structure tree (see reports/pdfmerge.py).
"""

import gc
import json
import sys

PDF_VARIANT = "pdf/ua-1"


def offset_structure(page_offset: int):
    """A WeasyPrint finisher that numbers this part's tagged pages from ``page_offset``, so the
    parts of one document can be joined without renumbering their structure trees' keys.
    Streams stay compressed while the objects themselves are written plainly (no object
    streams), which lets the merge copy them without parsing them."""
    import pydyf

    def finish(document, pdf):
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream) and "Filter" not in obj.extra:  # images keep their own filter
                obj.compress = True
            if isinstance(obj, pydyf.Dictionary):
                if obj.get("Type") == "/Page" and "StructParents" in obj:
                    obj["StructParents"] += page_offset
                elif "StructParent" in obj:
                    raise ValueError("links and form fields cannot be used in a multi-part document")
        if page_offset and "StructTreeRoot" in pdf.catalog:
            root = pdf.objects[int(pdf.catalog["StructTreeRoot"].split()[0])]
            parent_tree = pdf.objects[int(root["ParentTree"].split()[0])]
            nums = parent_tree["Nums"]
            for i in range(0, len(nums), 2):
                nums[i] += page_offset

    return finish


def render(html_path: str, pdf_path: str, page_offset: int | None = None) -> int:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = HTML(filename=html_path, url_fetcher=URLFetcher(allowed_protocols={"data"})).render()
    options = {"pdf_variant": PDF_VARIANT}
    if page_offset is not None:  # a part of a longer document, joined by reports/pdfmerge.py
        options.update(uncompressed_pdf=True, finisher=offset_structure(page_offset))
    document.write_pdf(pdf_path, **options)
    return len(document.pages)


def main() -> None:
    # A render makes millions of objects: the cyclic collector, run at its default pace, costs a
    # fifth of the time. It runs once after each part instead, so the next part reuses the memory.
    gc.disable()
    for line in sys.stdin:
        job = json.loads(line)
        try:
            reply = {"pages": render(job["html"], job["pdf"], job.get("page_offset"))}
        except Exception as exc:  # reported to the parent, which fails the report with the reason
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        gc.collect()


if __name__ == "__main__":
    main()
