"""HTML → PDF in child processes (reports/pdfchild.py), numbered by WeasyPrint's page counters
("Page X of Y" in the document's CSS)."""

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)


class RenderError(Exception):
    """The PDF could not be made; the message says why, for the report's page."""


@dataclass
class Part:
    html: str


@dataclass
class Document:
    """What a report hands to the renderer."""

    parts: list[Part]
    data: dict = field(default_factory=dict)  # the figures behind a recap, kept for its CSV/XLSX


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

    def render(self, html_path: Path, pdf_path: Path) -> int:
        if self.process is None or self.done >= self.parts_per_process:
            self._start()
        try:
            self.process.stdin.write(json.dumps({"html": str(html_path), "pdf": str(pdf_path)}) + "\n")
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
        if self.process is None:
            return
        process, self.process = self.process, None
        try:
            process.stdin.close()
            process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()


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

    def submit(self, html_path: Path, pdf_path: Path):
        return self.executor.submit(lambda: self._child().render(html_path, pdf_path))

    def close(self):
        self.executor.shutdown(wait=True, cancel_futures=True)
        for child in self.children:
            child.close()


def _work_folder() -> Path:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "reports" / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=folder))


def render(document: Document, target: Path, progress: Callable[[float], None] = lambda done: None) -> int:
    """Render ``document`` into the file ``target``; returns its page count. ``progress`` gets the
    share done (0–1). The HTML holds personal data: it is written under the private media folder
    and deleted, whatever happens."""
    work = _work_folder()
    pool = ChildPool(1, max(1, settings.REPORT_RENDER_PARTS_PER_PROCESS))
    try:
        (part,) = document.parts
        html_path = work / "document.html"
        html_path.write_text(part.html, encoding="utf-8")
        pages = pool.submit(html_path, work / "document.pdf").result()
        os.replace(work / "document.pdf", target)
        progress(1.0)
        return pages
    finally:
        pool.close()
        shutil.rmtree(work, ignore_errors=True)
