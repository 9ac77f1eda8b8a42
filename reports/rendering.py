"""HTML → PDF in child processes (reports/pdfchild.py), several at once for documents made of
parts, and the parts joined into one PDF (reports/pdfmerge.py).

A document of one part is numbered by WeasyPrint's page counters ("Page X of Y" in its CSS). A
document of several parts is paginated by the report itself: each part says how many pages it
makes and where it starts, and writes "Page X of Y" on each page; the renderer checks that every
part made exactly the pages it announced, so a page number can never be wrong in silence.
"""

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from onegate.private_files import make_private, private_folder, write_private_text

from . import pdfmerge

log = logging.getLogger(__name__)


class RenderError(Exception):
    """The PDF could not be made; the message says why, for the report's page."""


@dataclass
class Part:
    html: str
    pages: int | None = None  # the pages it must make (parts of a multi-part document)
    page_offset: int = 0  # the pages before it in the document


@dataclass
class Document:
    """What a report hands to the renderer: one part, or several (built lazily, in order)."""

    parts: Iterable[Part]
    multipart: bool = False
    part_count: int | None = None  # for the progress bar
    data: dict = field(default_factory=dict)  # the figures behind a recap, kept for its CSV/XLSX
    files: dict[str, bytes] = field(default_factory=dict)  # written beside the PDF, by suffix ("json")


class ChildRenderer:
    """One child process, replaced after ``parts_per_process`` parts so that its memory goes back."""

    def __init__(self, parts_per_process: int):
        self.parts_per_process = parts_per_process
        self.process = None
        self.done = 0

    def _start(self):
        self.close()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reports.pdfchild"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=settings.BASE_DIR,
        )
        self.done = 0

    def render(self, html_path: Path, pdf_path: Path, page_offset: int | None = None) -> int:
        if self.process is None or self.done >= self.parts_per_process:
            self._start()
        try:
            self.process.stdin.write(
                json.dumps({"html": str(html_path), "pdf": str(pdf_path), "page_offset": page_offset}) + "\n"
            )
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        except OSError:
            line = ""
        if not line:
            code = self.process.poll()
            self.process = None
            raise RenderError(f"The PDF renderer stopped while rendering (exit code {code}).")
        self.done += 1
        reply = json.loads(line)
        if "error" in reply:
            raise RenderError(f"The PDF renderer failed: {reply['error']}")
        return reply["pages"]

    def close(self):
        """Stop the child. It has nothing left to do, so it is killed rather than left to free
        its memory object by object (which takes a second or more)."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            pipe.close()


class ChildPool:
    """A child renderer per thread of a small thread pool: parts render in parallel, each thread
    waiting on its own child."""

    def __init__(self, processes: int, parts_per_process: int):
        self.executor = ThreadPoolExecutor(max_workers=processes, thread_name_prefix="pdf-child")
        self.parts_per_process = parts_per_process
        self.local = threading.local()
        self.children: list[ChildRenderer] = []
        self.lock = threading.Lock()

    def _child(self) -> ChildRenderer:
        child = getattr(self.local, "child", None)
        if child is None:
            child = self.local.child = ChildRenderer(self.parts_per_process)
            with self.lock:
                self.children.append(child)
        return child

    def submit(self, html_path: Path, pdf_path: Path, page_offset: int | None = None):
        return self.executor.submit(lambda: self._child().render(html_path, pdf_path, page_offset))

    def close(self):
        self.executor.shutdown(wait=True, cancel_futures=True)
        for child in self.children:
            child.close()


def _work_folder() -> Path:
    folder = private_folder(Path(settings.PRIVATE_MEDIA_ROOT) / "reports" / "tmp")
    return Path(tempfile.mkdtemp(dir=folder))  # 0700


def render(document: Document, target: Path, progress: Callable[[float], None] = lambda done: None) -> int:
    """Render ``document`` into the file ``target``; returns its page count. ``progress`` gets the
    share done (0–1). The HTML holds personal data: it is written under the private media folder
    and deleted, whatever happens."""
    work = _work_folder()
    processes = max(1, settings.REPORT_RENDER_PROCESSES) if document.multipart else 1
    pool = ChildPool(processes, max(1, settings.REPORT_RENDER_PARTS_PER_PROCESS))
    try:
        if document.multipart:
            return _render_parts(document, pool, work, target, processes, progress)
        (part,) = document.parts
        html_path = work / "document.html"
        write_private_text(html_path, part.html)
        pages = pool.submit(html_path, work / "document.pdf").result()
        os.replace(make_private(work / "document.pdf"), target)
        progress(1.0)
        return pages
    finally:
        pool.close()
        shutil.rmtree(work, ignore_errors=True)


def count_pages(html: str) -> int:
    """The pages ``html`` makes (a report rendering the small head of a long document once, to
    number the rest)."""
    work = _work_folder()
    child = ChildRenderer(parts_per_process=1)
    try:
        write_private_text(work / "count.html", html)
        return child.render(work / "count.html", work / "count.pdf")
    finally:
        child.close()
        shutil.rmtree(work, ignore_errors=True)


def _render_parts(document: Document, pool: ChildPool, work: Path, target: Path, processes: int, progress) -> int:
    """Build each part's HTML while the children render the earlier ones (at most two parts
    waiting per child, to bound the disk and memory in use), then join them."""
    started = time.monotonic()
    waiting, rendered = [], []
    for index, part in enumerate(document.parts):
        html_path, pdf_path = work / f"part-{index:05d}.html", work / f"part-{index:05d}.pdf"
        write_private_text(html_path, part.html)
        part.html = ""  # the file holds it now
        waiting.append((part, pool.submit(html_path, pdf_path, part.page_offset), pdf_path))
        while len(waiting) > 2 * processes:
            rendered.append(_finished(*waiting.pop(0)))
            progress(0.95 * len(rendered) / (document.part_count or len(rendered) + len(waiting) + 1))
    while waiting:
        rendered.append(_finished(*waiting.pop(0)))
        progress(0.95 * len(rendered) / (document.part_count or len(rendered) + len(waiting)))
    joining = time.monotonic()
    pages = pdfmerge.merge(rendered, target)
    make_private(target)
    log.info(
        "%d parts rendered in %.1f s by %d processes, joined in %.1f s: %d pages",
        len(rendered),
        joining - started,
        processes,
        time.monotonic() - joining,
        pages,
    )
    progress(1.0)
    return pages


def _finished(part: Part, future, pdf_path: Path) -> Path:
    pages = future.result()
    if part.pages is not None and pages != part.pages:
        raise RenderError(
            f"A part of the document made {pages} pages instead of the {part.pages} planned: its page numbers would be wrong."
        )
    pdf_path.with_suffix(".html").unlink(missing_ok=True)
    return pdf_path
