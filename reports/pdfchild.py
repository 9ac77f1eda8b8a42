"""The PDF renderer's child process: ``python -m reports.pdfchild``.

WeasyPrint keeps the memory of a render until its process ends (about 5 MB a page), so the
worker never renders in its own process: it starts this small program (WeasyPrint only, no
Django), sends it one JSON line per part to render and reads one JSON line back, and replaces it
after a few parts (reports/rendering.py). The child exits when its input closes, so it does not
outlive a worker that is killed.

Request: {"html": path, "pdf": path}. Reply: {"pages": n} or {"error": text}.
"""

import gc
import json
import sys

PDF_VARIANT = "pdf/ua-1"


def render(html_path: str, pdf_path: str) -> int:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = HTML(filename=html_path, url_fetcher=URLFetcher(allowed_protocols={"data"})).render()
    document.write_pdf(pdf_path, pdf_variant=PDF_VARIANT)
    pages = len(document.pages)
    del document
    gc.collect()
    return pages


def main() -> None:
    for line in sys.stdin:
        job = json.loads(line)
        try:
            reply = {"pages": render(job["html"], job["pdf"])}
        except Exception as exc:  # reported to the parent, which fails the report with the reason
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
