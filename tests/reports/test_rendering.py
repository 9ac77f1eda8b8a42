"""PDFs are rendered in child processes that are replaced after a few parts; a child that fails
or dies gives a clear error instead of a hanging worker."""

import pytest

from reports.rendering import ChildRenderer, RenderError

HTML = '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Uji</title></head><body><p>Halo</p>{}</body></html>'


def html_file(tmp_path, name="doc.html", pages=1):
    path = tmp_path / name
    path.write_text(HTML.format('<p style="break-before: page">lagi</p>' * (pages - 1)))
    return path


def test_a_child_renders_html_into_a_pdf_and_counts_its_pages(tmp_path):
    child = ChildRenderer(parts_per_process=5)
    try:
        assert child.render(html_file(tmp_path, pages=3), tmp_path / "doc.pdf") == 3
        assert (tmp_path / "doc.pdf").read_bytes().startswith(b"%PDF-")
    finally:
        child.close()


def test_a_child_is_replaced_after_its_parts(tmp_path):
    child = ChildRenderer(parts_per_process=1)
    try:
        child.render(html_file(tmp_path), tmp_path / "a.pdf")
        first = child.process.pid
        child.render(html_file(tmp_path), tmp_path / "b.pdf")
        assert child.process.pid != first
    finally:
        child.close()


def test_an_error_in_the_child_is_reported_and_the_child_goes_on(tmp_path):
    child = ChildRenderer(parts_per_process=5)
    try:
        with pytest.raises(RenderError, match="FileNotFoundError"):
            child.render(tmp_path / "missing.html", tmp_path / "x.pdf")
        assert child.render(html_file(tmp_path), tmp_path / "doc.pdf") == 1
    finally:
        child.close()


def test_a_child_that_died_gives_a_clear_error_and_a_new_child_takes_over(tmp_path):
    child = ChildRenderer(parts_per_process=5)
    try:
        child.render(html_file(tmp_path), tmp_path / "a.pdf")
        child.process.kill()
        child.process.wait()
        with pytest.raises(RenderError, match="stopped while rendering"):
            child.render(html_file(tmp_path), tmp_path / "b.pdf")
        assert child.render(html_file(tmp_path), tmp_path / "c.pdf") == 1
    finally:
        child.close()


def test_the_renderer_reads_images_from_data_uris_only(tmp_path):
    import base64
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(png, format="PNG")
    (tmp_path / "photo.png").write_bytes(png.getvalue())
    data_uri = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    child = ChildRenderer(parts_per_process=5)
    try:
        for name, src in (("from-disk", f"file://{tmp_path / 'photo.png'}"), ("inline", data_uri)):
            page = tmp_path / f"{name}.html"
            page.write_text(HTML.format(f'<img src="{src}" alt="foto">'))
            child.render(page, tmp_path / f"{name}.pdf")
    finally:
        child.close()
    assert b"/Subtype /Image" not in (tmp_path / "from-disk.pdf").read_bytes()  # a name could never make it read a file
    assert b"/Subtype /Image" in (tmp_path / "inline.pdf").read_bytes()
