"""Parts rendered apart and joined make one tagged PDF: every page in order, each page's marked
content still reachable from the structure tree, the first part's language and title."""

from io import BytesIO

from pypdf import PdfReader

from reports import pdfmerge
from reports.rendering import ChildRenderer

PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Daftar uji</title>
<style>@page {{ size: A4 landscape; @bottom-right {{ content: string(pn) }} }} .pn {{ string-set: pn content(); visibility: hidden; height: 0; margin: 0 }}
section {{ break-after: page }}</style></head><body>{}</body></html>"""


def part(first, count, total, text="Baris"):
    sections = []
    for number in range(first, first + count):
        sections.append(
            f'<section><p class="pn">Halaman {number} dari {total}</p><table><caption>Tabel {number}</caption>'
            f"<thead><tr><th>No</th><th>Nama (1 0 R)</th></tr></thead><tbody><tr><td>{number}</td><td>{text} {number}</td></tr></tbody></table></section>"
        )
    return PAGE.format("".join(sections))


def render_parts(tmp_path, sizes):
    child = ChildRenderer(parts_per_process=10)
    paths, offset, total = [], 0, sum(sizes)
    try:
        for index, size in enumerate(sizes):
            html = tmp_path / f"p{index}.html"
            html.write_text(part(offset + 1, size, total))
            pdf = tmp_path / f"p{index}.pdf"
            assert child.render(html, pdf, page_offset=offset) == size
            paths.append(pdf)
            offset += size
    finally:
        child.close()
    return paths


def test_parts_join_into_one_tagged_document_with_every_page_in_order(tmp_path):
    paths = render_parts(tmp_path, [2, 3, 1])
    target = tmp_path / "joined.pdf"
    assert pdfmerge.merge(paths, target) == 6
    reader = PdfReader(BytesIO(target.read_bytes()), strict=True)
    assert len(reader.pages) == 6
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Baris {number}" in text and f"Halaman {number} dari 6" in text
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "id" and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == "Daftar uji"
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


def test_each_page_s_marked_content_is_reachable_from_the_structure_tree(tmp_path):
    target = tmp_path / "joined.pdf"
    pdfmerge.merge(render_parts(tmp_path, [2, 2]), target)
    reader = PdfReader(BytesIO(target.read_bytes()), strict=True)
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    keys = [int(k) for k in nums[::2]]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    by_key = dict(zip(keys, nums[1::2], strict=True))
    for page in reader.pages:
        elements = by_key[int(page["/StructParents"])]
        assert len(elements) > 0
        assert all(e.get_object().raw_get("/Pg").idnum == page.indirect_reference.idnum for e in elements)
    document = tree["/K"][0].get_object()
    assert document["/S"] == "/Document"
    parts = [kid.get_object() for kid in document["/K"]]
    assert [p["/S"] for p in parts] == ["/Part", "/Part"]
    assert all(p.raw_get("/P").idnum == tree.raw_get("/K")[0].idnum for p in parts)
    sections = [k.get_object() for p in parts for k in p["/K"]]
    assert len(sections) == 4 and all("/Table" in [k.get_object()["/S"] for k in s["/K"]] for s in sections)


def test_a_text_that_looks_like_a_reference_is_left_alone(tmp_path):
    target = tmp_path / "joined.pdf"
    pdfmerge.merge(render_parts(tmp_path, [1, 1]), target)
    assert "Nama (1 0 R)" in PdfReader(target).pages[1].extract_text()
