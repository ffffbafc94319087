"""Column widths from their content, shared by the PDF and Word writers.

A column is as wide as its longest cell, as long as the page allows; when it does not, every
column keeps at least the width of its longest *word* (a word is never broken inside a cell:
"Nguyễ n", "HTTN V") and the rest of the page goes to the columns that want more, in proportion.
Widths are in points; text is measured with reportlab's metrics of a shipped TrueType font, so
the same table gives the same widths on every machine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).resolve().parent.parent / "reports" / "fonts"
CM = 72 / 2.54
SERIF, SERIF_BOLD, SERIF_ITALIC = (
    "LiberationSerif",
    "LiberationSerif-Bold",
    "LiberationSerif-Italic",
)
SANS, SANS_BOLD = "DejaVuSans", "DejaVuSans-Bold"
SLACK = 1.5  # points: a word exactly as wide as its cell is still broken by some renderers


@cache
def register_fonts() -> None:
    """The shipped fonts, once per process: DejaVu Sans (the report's tables) and Liberation
    Serif (metric-compatible with Times New Roman, the font of party documents)."""
    for name, file in (
        (SANS, "DejaVuSans.ttf"),
        (SANS_BOLD, "DejaVuSans-Bold.ttf"),
        (SERIF, "LiberationSerif-Regular.ttf"),
        (SERIF_BOLD, "LiberationSerif-Bold.ttf"),
        (SERIF_ITALIC, "LiberationSerif-Italic.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD
    )
    pdfmetrics.registerFontFamily(
        SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC, boldItalic=SERIF_BOLD
    )


@dataclass(frozen=True)
class Measure:
    """How a table's text is set: the font, its size in points, the padding either side."""

    font: str = SERIF
    bold: str = SERIF_BOLD
    size: float = 11.0
    padding: float = 5.4  # Word's default cell margin, 0.19 cm

    def width(self, text: str, *, bold: bool = False) -> float:
        register_fonts()
        return float(stringWidth(text, self.bold if bold else self.font, self.size))


def _longest(texts: Sequence[str], measure: Callable[[str], float]) -> tuple[float, float]:
    """(the longest line, the longest word) of ``texts``."""
    line = word = 0.0
    for text in texts:
        for part in text.splitlines() or [""]:
            line = max(line, measure(part))
            for token in part.split():
                word = max(word, measure(token))
    return line, word


def column_widths(
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    total: float,
    *,
    measure: Measure,
    low: float = 1.0 * CM,
    high: float | None = None,
) -> list[float]:
    """Widths (points) of the columns of a table ``total`` points wide.

    ``need`` = the longest word (heading in bold) + padding, at least ``low``; ``want`` = the
    longest line, at most ``high``. When the wants fit, they are stretched to fill the width;
    otherwise each column gets its need plus a share of what is left in proportion to how much
    more it wants. When even the needs do not fit (``sum(needs) > total``) the needs are
    returned: the caller turns the page to landscape or sets a smaller size.
    """
    pad = 2 * measure.padding + SLACK
    needs, wants = [], []
    for index, title in enumerate(head):
        cells = [row[index] for row in rows]
        line, word = _longest(cells, measure.width)
        # a heading breaks between its words; only its longest word counts
        _line, head_word = _longest([title], lambda t: measure.width(t, bold=True))
        need = max(low, word + pad, head_word + pad)
        want = max(need, line + pad)
        if high is not None:
            want = max(need, min(want, high))
        needs.append(need)
        wants.append(want)
    if sum(needs) >= total:
        return needs
    if sum(wants) <= total:
        return [w * total / sum(wants) for w in wants]
    room = total - sum(needs)
    extra = [w - n for w, n in zip(wants, needs, strict=True)]
    return [n + room * e / sum(extra) for n, e in zip(needs, extra, strict=True)]


def fits(
    head: Sequence[str], rows: Sequence[Sequence[str]], total: float, measure: Measure
) -> bool:
    """Whether the table fits ``total`` points without breaking a word."""
    return sum(column_widths(head, rows, total, measure=measure)) <= total + 0.01
