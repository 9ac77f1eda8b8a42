"""Join the PDF parts of one document, keeping it a tagged PDF/UA document.

A general PDF library (pypdf) re-parses and re-creates every object of every part: for a tagged
list of 20,000 people (about 250,000 objects, most of them structure elements) that takes longer
than rendering a third of it. The parts come from our own renderer (reports/pdfchild.py), written
plainly: every object is ``N 0 obj … endobj`` at the offset the cross-reference table gives, its
dictionary on one line, its stream (if any) compressed after it. So the join is a copy: each
part's objects get new numbers (references are rewritten in the dictionaries, never inside
streams or strings), objects without a stream are packed into compressed object streams, and
only a few objects are made anew:

- the catalog, with the first part's language, metadata and viewer preferences;
- the page tree: each part's own page tree becomes a branch of the document's;
- the structure tree: each part's top element (its "Document") becomes a Part under the
  document's Document element, and the parent tree joins the parts' number trees. The child
  already numbered each part's pages from its offset in the document (``StructParents``), so
  the keys never collide.

The parts' own catalogs, structure roots, parent trees, information dictionaries and metadata are
dropped (the first part's information dictionary and metadata are kept for the document).
"""

import itertools
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

_REFERENCE = re.compile(rb"(\d+) 0 R(?![A-Za-z0-9])")
# Literal strings (without nested parentheses: pydyf escapes them) and hex strings are copied as
# they are, so a title or an alternative text that looks like a reference is never rewritten.
_STRINGS = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>(?!>)")


class MergeError(Exception):
    pass


@dataclass
class _Part:
    data: bytes
    offsets: dict[int, tuple[int, int]]  # object number → (start, end) in data
    root: int
    info: int | None
    catalog: bytes = b""
    pages: int = 0
    struct_root: int | None = None
    parent_tree: int | None = None
    document: int | None = None
    metadata: int | None = None
    dropped: set[int] = field(default_factory=set)


def _get(dictionary: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s+(\d+) 0 R", dictionary)
    return int(match.group(1)) if match else None


def _read(path: Path) -> _Part:
    data = path.read_bytes()
    xref = data.rindex(b"\nxref\n") + 1
    lines = data[xref:].split(b"\n")
    first, count = (int(n) for n in lines[1].split())
    positions = {}
    for number, line in enumerate(lines[2 : 2 + count], start=first):
        offset, _generation, kind = line.split()
        if kind == b"n":
            positions[number] = int(offset)
    trailer = data[data.index(b"trailer", xref) :]
    ordered = sorted(positions.items(), key=lambda item: item[1])
    ends = [start for _, start in ordered[1:]] + [xref]
    offsets = {number: (start, end) for (number, start), end in zip(ordered, ends, strict=True)}
    part = _Part(data=data, offsets=offsets, root=_get(trailer, b"Root"), info=_get(trailer, b"Info"))
    part.catalog = _dictionary(part, part.root)
    part.pages = _get(part.catalog, b"Pages")
    part.struct_root = _get(part.catalog, b"StructTreeRoot")
    part.metadata = _get(part.catalog, b"Metadata")
    if part.struct_root is None:
        raise MergeError(f"{path.name} is not a tagged PDF")
    struct_root = _dictionary(part, part.struct_root)
    part.parent_tree = _get(struct_root, b"ParentTree")
    kids = re.search(rb"/K\s*\[\s*(\d+) 0 R\s*\]", struct_root)
    if kids is None:
        raise MergeError(f"{path.name}: the structure tree has no single top element")
    part.document = int(kids.group(1))
    part.dropped = {part.root, part.struct_root, part.parent_tree} | ({part.info} if part.info else set())
    return part


def _object(part: _Part, number: int) -> bytes:
    start, end = part.offsets[number]
    return part.data[start:end]


def _dictionary(part: _Part, number: int) -> bytes:
    body = _object(part, number)
    body = body[body.index(b"obj") + 3 :]
    return body.split(b"\nstream\n", 1)[0].rsplit(b"endobj", 1)[0].strip()


def _renumber(text: bytes, mapping: dict[int, int]) -> bytes:
    def reference(match):
        return b"%d 0 R" % mapping[int(match.group(1))]

    pieces, last = [], 0
    for string in _STRINGS.finditer(text):
        pieces.append(_REFERENCE.sub(reference, text[last : string.start()]))
        pieces.append(string.group(0))
        last = string.end()
    pieces.append(_REFERENCE.sub(reference, text[last:]))
    return b"".join(pieces)


class _Writer:
    """Writes objects; objects without a stream are packed, compressed, into object streams (the
    parts write them plainly, and plain they would make up nine tenths of the file)."""

    PACK = 2000  # objects per object stream

    def __init__(self, file, version: bytes, numbers):
        self.file, self.numbers = file, numbers
        self.position = 0
        self.entries: dict[int, tuple[int, int, int]] = {}  # number → cross-reference entry
        self.packed: list[tuple[int, bytes]] = []
        self.write(b"%PDF-" + version + b"\n%\xf0\x9f\x96\xa4\n")

    def write(self, data: bytes):
        self.file.write(data)
        self.position += len(data)

    def object(self, number: int, head: bytes, stream: bytes | None = None):
        """Write object ``number``: a dictionary (or other value), and the stream that follows it."""
        if stream is None:
            self.packed.append((number, head))
            if len(self.packed) >= self.PACK:
                self.flush()
            return
        self.entries[number] = (1, self.position, 0)
        self.write(b"%d 0 obj\n" % number + head + b"\nstream\n" + stream + b"\nendobj\n")

    def flush(self):
        if not self.packed:
            return
        number = next(self.numbers)
        offsets, bodies, offset = [], [], 0
        for index, (packed, body) in enumerate(self.packed):
            offsets.append(b"%d %d" % (packed, offset))
            bodies.append(body)
            offset += len(body) + 1
            self.entries[packed] = (2, number, index)
        header = b" ".join(offsets) + b"\n"
        data = zlib.compress(header + b"\n".join(bodies) + b"\n")
        head = b"<</Type /ObjStm/N %d/First %d/Filter /FlateDecode/Length %d>>" % (
            len(self.packed),
            len(header),
            len(data),
        )
        self.packed = []
        self.object(number, head, data + b"\nendstream")

    def finish(self, root: int, info: int | None):
        """The cross-reference stream (which is also the trailer)."""
        self.flush()
        number = next(self.numbers)
        size = number + 1
        self.entries[number] = (1, self.position, 0)
        rows = [struct.pack(">BIH", 0, 0, 65535)]
        rows += [struct.pack(">BIH", *self.entries[n]) for n in range(1, number)]
        rows.append(struct.pack(">BIH", 1, self.position, 0))
        data = zlib.compress(b"".join(rows))
        head = b"<</Type /XRef/Size %d/W [1 4 2]/Root %d 0 R" % (size, root) + (b"/Info %d 0 R" % info if info else b"")
        head += b"/Filter /FlateDecode/Length %d>>" % len(data)
        xref = self.position
        self.write(b"%d 0 obj\n" % number + head + b"\nstream\n" + data + b"\nendstream\nendobj\n")
        self.write(b"startxref\n%d\n%%%%EOF\n" % xref)


def merge(paths: list[Path], target: Path) -> int:
    """Write the parts at ``paths``, in order, as one PDF at ``target``; returns its page count."""
    numbers = itertools.count(6)
    catalog, page_tree, struct_root, document, parent_tree = 1, 2, 3, 4, 5
    branches, part_elements, nums = [], [], []
    lang = info = metadata = None
    total_pages = 0
    with target.open("wb") as file:
        version = re.match(rb"%PDF-(\d\.\d)", paths[0].read_bytes()[:16]).group(1)
        out = _Writer(file, version, numbers)
        for index, path in enumerate(paths):
            part = _read(path)
            if index > 0 and part.metadata:
                part.dropped.add(part.metadata)  # the document keeps the first part's metadata
            if index == 0 and part.info:  # and its information dictionary
                part.dropped.discard(part.info)
            mapping = {number: next(numbers) for number in sorted(part.offsets) if number not in part.dropped}
            if index == 0:
                lang = re.search(rb"/Lang\s*(\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f]*>)", part.catalog)
                metadata, info = mapping.get(part.metadata), mapping.get(part.info)
            # The part's top element now hangs under the document's Document element.
            references = {**mapping, part.struct_root: document}
            for number, new in mapping.items():
                body = _object(part, number)
                body = body[body.index(b"obj") + 3 :].rsplit(b"endobj", 1)[0].strip()
                head, stream = (body.split(b"\nstream\n", 1) + [None])[:2]
                head = _renumber(head, references)
                if number == part.pages:  # the part's page tree becomes a branch of the document's
                    head = head[:-2] + b"/Parent %d 0 R>>" % page_tree
                    total_pages += int(re.search(rb"/Count\s+(\d+)", head).group(1))
                elif number == part.document:
                    head = re.sub(rb"/S\s*/Document", b"/S /Part", head)
                out.object(new, head, stream)
            branches.append(mapping[part.pages])
            part_elements.append(mapping[part.document])
            parent = _dictionary(part, part.parent_tree)
            nums.append(_renumber(re.search(rb"/Nums\s*\[(.*)\]\s*>>$", parent, re.DOTALL).group(1), references))
        out.object(
            page_tree,
            b"<</Type /Pages/Kids [%s]/Count %d>>" % (b" ".join(b"%d 0 R" % n for n in branches), total_pages),
        )
        out.object(parent_tree, b"<</Nums [" + b" ".join(nums) + b"]>>")
        out.object(
            document,
            b"<</Type /StructElem/S /Document/P %d 0 R/K [%s]>>"
            % (struct_root, b" ".join(b"%d 0 R" % n for n in part_elements)),
        )
        out.object(struct_root, b"<</Type /StructTreeRoot/K [%d 0 R]/ParentTree %d 0 R>>" % (document, parent_tree))
        out.object(
            catalog,
            b"<</Type /Catalog/Pages %d 0 R/StructTreeRoot %d 0 R/MarkInfo <</Marked true>>"
            b"/ViewerPreferences <</DisplayDocTitle true>>"
            % (page_tree, struct_root)
            + (b"/Lang " + lang.group(1) if lang else b"")
            + (b"/Metadata %d 0 R" % metadata if metadata else b"")
            + b">>",
        )
        out.finish(catalog, info)
    return total_pages
