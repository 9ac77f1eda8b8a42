"""Bar charts drawn on the server as SVG: one piece of code for the dashboard pages and the PDFs.

A chart is readable without colour: every series has its own fill pattern (solid, hatched,
dotted, cross-hatched, open) as well as a colour, the legend shows the patterns, and every bar
carries its number. The SVG has a <title> and <desc> (WeasyPrint turns the title into the PDF
figure's alternative text), and :meth:`BarChart.table` gives the same numbers as a table, which
pages show to screen readers and PDFs print under the chart.
"""

from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

# Fill patterns, in the order series use them: (colour, pattern body drawn in an 6×6 tile).
_PATTERNS = [
    ("#0b4a7d", ""),  # solid
    ("#b35900", '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#000" stroke-width="1.3"/>'),  # hatched
    ("#2e7d32", '<circle cx="3" cy="3" r="1.3" fill="#000"/>'),  # dotted
    ("#6a1b9a", '<path d="M0,0 l6,6 M6,0 l-6,6" stroke="#fff" stroke-width="1.1"/>'),  # cross-hatched
    ("#ffffff", '<path d="M0,3 h6" stroke="#000" stroke-width="1"/>'),  # open, lined
    ("#8d6e00", '<path d="M3,0 v6" stroke="#000" stroke-width="1.2"/>'),  # vertical lines
]
WIDTH = 640
LABEL_WIDTH = 270
BAR_HEIGHT = 18
GAP = 8
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
MAX_LABEL = 42


@dataclass
class Series:
    label: str
    values: list[int]


@dataclass
class BarChart:
    """Horizontal bars, one per category; with several series the bar is split (stacked) into
    their parts, each with its pattern, or (``grouped``) each series has its own bar."""

    title: str
    categories: list[str]
    series: list[Series]
    key: str = ""  # unique on a page: pattern ids are made from it
    description: str = ""
    unit: str = field(default_factory=lambda: _("people"))
    grouped: bool = False  # series side by side (different measures) instead of parts of one bar

    def __post_init__(self):
        self.key = slugify(self.key or self.title)[:40] or "chart"
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(f"series {s.label!r} has {len(s.values)} values for {len(self.categories)} categories")

    @property
    def totals(self) -> list[int]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.categories))]

    @property
    def is_empty(self) -> bool:
        return not any(self.totals)

    def _legend(self) -> list[tuple[int, float, float]]:
        """(series, x, y) of each legend entry, wrapped onto new lines as needed."""
        entries, x, y = [], LABEL_WIDTH, GAP / 2
        for i, s in enumerate(self.series):
            needed = 26 + 7 * len(s.label)
            if x > LABEL_WIDTH and x + needed > WIDTH:
                x, y = LABEL_WIDTH, y + BAR_HEIGHT
            entries.append((i, x, y))
            x += needed
        return entries

    def svg(self) -> SafeString:
        several = len(self.series) > 1
        legend = self._legend() if several else []
        legend_height = (legend[-1][2] + BAR_HEIGHT + GAP / 2) if legend else 0
        # Stacked: one bar per category, split into its series. Grouped: a thinner bar per series.
        bar = BAR_HEIGHT * 0.7 if self.grouped else BAR_HEIGHT
        row_height = (bar * len(self.series) if self.grouped else BAR_HEIGHT) + GAP
        height = legend_height + len(self.categories) * row_height + GAP
        values = [v for s in self.series for v in s.values] if self.grouped else self.totals
        top = max(values, default=0) or 1
        bar_space = WIDTH - LABEL_WIDTH - 60  # room for the number after the longest bar
        title_id, desc_id = f"{self.key}-title", f"{self.key}-desc"
        desc = self.description or _(
            "%(n)s bars; the numbers are written on the bars and listed in the table that follows."
        ) % {"n": len(self.categories)}
        out = [
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" role="img" '
                f'aria-labelledby="{title_id} {desc_id}" class="og-chart-svg">'
            ),
            f'<title id="{title_id}">{escape(self.title)}</title><desc id="{desc_id}">{escape(desc)}</desc>',
            "<defs>",
        ]
        for i in range(len(self.series)):
            colour, body = _PATTERNS[i % len(_PATTERNS)]
            out.append(
                f'<pattern id="{self.key}-p{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="{colour}"/>{body}</pattern>'
            )
        out.append("</defs>")
        for i, x, y in legend:
            out.append(
                f'<rect x="{x}" y="{y}" width="14" height="14" fill="url(#{self.key}-p{i})" stroke="#000" stroke-width="1"/>'
                f'<text x="{x + 18}" y="{y + 11}" font-size="11" {FONT}>{escape(self.series[i].label)}</text>'
            )
        for row, label in enumerate(self.categories):
            y = legend_height + GAP + row * row_height
            short = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
            middle = y + (row_height - GAP) / 2 + 4
            out.append(
                f'<text x="{LABEL_WIDTH - 6}" y="{middle:.1f}" font-size="11" text-anchor="end" {FONT}>{escape(short)}</text>'
            )
            x = LABEL_WIDTH
            for i, s in enumerate(self.series):
                width = bar_space * s.values[row] / top
                bar_y = y + i * bar if self.grouped else y
                if width > 0:
                    out.append(
                        f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{width:.1f}" height="{bar:.1f}" '
                        f'fill="url(#{self.key}-p{i})" stroke="#000" stroke-width="0.8"/>'
                    )
                if self.grouped:
                    out.append(
                        f'<text x="{x + width + 5:.1f}" y="{bar_y + bar * 0.8:.1f}" font-size="10" font-weight="bold" {FONT}>{s.values[row]}</text>'
                    )
                else:
                    x += width
            if not self.grouped:
                out.append(
                    f'<text x="{x + 5:.1f}" y="{y + BAR_HEIGHT * 0.7}" font-size="11" font-weight="bold" {FONT}>{self.totals[row]}</text>'
                )
        out.append(
            f'<line x1="{LABEL_WIDTH}" y1="{legend_height:.0f}" x2="{LABEL_WIDTH}" y2="{height:.0f}" stroke="#000" stroke-width="1"/>'
        )
        out.append("</svg>")
        return mark_safe("".join(out))

    def table(self) -> dict:
        """The chart's numbers: a caption, column headings and rows (label, values…, total)."""
        several = len(self.series) > 1 and not self.grouped  # a total of different measures means nothing
        headers = [s.label for s in self.series] + ([_("Total")] if several else [])
        rows = []
        for i, label in enumerate(self.categories):
            values = [s.values[i] for s in self.series]
            rows.append((label, values + ([sum(values)] if several else [])))
        return {"caption": self.title, "headers": headers, "rows": rows, "unit": self.unit}
