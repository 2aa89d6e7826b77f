"""The publishable summary as a PNG, in the page's language, drawn with Pillow.

Burmese needs shaping (vowel signs placed around their consonant, stacked consonants), which
Pillow does through libraqm: the Pillow wheels bundle raqm and HarfBuzz and load FriBiDi from
the system (Debian's libfribidi0). Without raqm Burmese would come out misprinted, so a Burmese
image is refused (`ShapingUnavailable`) rather than drawn wrong; the export views then hand out
the English one. Burmese runs are set in Passage's own Noto Sans Myanmar; everything else
(digits, Latin letters, "<5") in the Latin font Pillow itself ships, so the image depends on no
font installed on the server.

Everything drawn comes from `figures.summary_table`, i.e. from published figures only: a
suppressed cell is drawn as its mark ("<5", "x", "–") and its bar is left out of the charts.
"""

import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, features

from passage.reports import figures
from passage.reports.queries import Filters

FONTS = Path(settings.BASE_DIR) / "passage" / "static" / "passage" / "fonts"
FONT_FILE = FONTS / "NotoSansMyanmar-Regular.ttf"
MYANMAR_RUN = re.compile("([\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f]+)")
# Pillow's bundled Latin font has no dashes: draw them as hyphens rather than as boxes.
NO_GLYPH = str.maketrans({"–": "-", "—": "-"})
WIDTH, MARGIN = 1200, 48
INK, MUTED, RULE, STRIPE, BAR = "#1d2327", "#5b656c", "#9aa3a9", "#f1f4f6", "#2f6f8f"


class ShapingUnavailable(RuntimeError):
    """Pillow has no raqm here, so Burmese cannot be drawn correctly."""


def can_shape_burmese() -> bool:
    return features.check("raqm")


@dataclass
class Canvas:
    """A growing image that draws mixed Burmese and Latin text, and keeps every string drawn
    (what the tests read: the strings that reached the image, not pixels)."""

    image: Image.Image
    drawn: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.draw = ImageDraw.Draw(self.image)

    @staticmethod
    def font(size: int, burmese: bool) -> ImageFont.FreeTypeFont:
        if burmese:
            return ImageFont.truetype(str(FONT_FILE), size, layout_engine=ImageFont.Layout.RAQM)
        return ImageFont.load_default(size)  # type: ignore[return-value]

    def runs(self, text: str, size: int) -> list[tuple[str, ImageFont.FreeTypeFont]]:
        parts = MYANMAR_RUN.split(text.translate(NO_GLYPH))
        # split() with one group alternates: other text, Burmese run, other text, …
        return [(p, self.font(size, i % 2 == 1)) for i, p in enumerate(parts) if p]

    def width(self, text: str, size: int) -> float:
        return sum(font.getlength(run) for run, font in self.runs(text, size))

    def text(self, x: float, y: float, text: str, size: int, *, fill=INK, right=False) -> None:
        """Draw `text` with its top at `y`, starting at `x` (ending there if `right`)."""
        text = str(text)
        self.drawn.append(text)
        if right:
            x -= self.width(text, size)
        for run, font in self.runs(text, size):
            self.draw.text((x, y + size), run, font=font, fill=fill, anchor="ls")
            x += font.getlength(run)

    def wrapped(self, x: float, y: float, text: str, size: int, width: float, **kw) -> float:
        """Draw `text` wrapped at spaces within `width`; return the y below it."""
        line = ""
        for word in str(text).split(" "):
            candidate = f"{line} {word}" if line else word
            if line and self.width(candidate, size) > width:
                self.text(x, y, line, size, **kw)
                y, line = y + size * 1.6, word
            else:
                line = candidate
        if line:
            self.text(x, y, line, size, **kw)
            y += size * 1.6
        return y


def _bars(c: Canvas, y: float, title: str, labels: list[str], shown, values) -> float:
    """A horizontal bar chart of published values; a suppressed one gets its mark, no bar."""
    c.text(MARGIN, y, title, 22)
    y += 40
    label_w, number_w = 260, 90
    longest = max([v for v in values if v] or [1])
    span = WIDTH - 2 * MARGIN - label_w - number_w
    for label, mark, value in zip(labels, shown, values, strict=True):
        c.text(MARGIN, y, label, 18)
        if value:
            left = MARGIN + label_w
            c.draw.rectangle((left, y + 4, left + span * value / longest, y + 24), fill=BAR)
        c.text(WIDTH - MARGIN, y, mark, 18, right=True)
        y += 34
    return y + 16


def _table(c: Canvas, y: float, table: figures.Table) -> float:
    header = [table.row_header, *table.columns, _("Total")]
    rows = [[label, *cells, total] for label, cells, total in table.body()]
    footer = table.footer()
    first_w = 160
    step = (WIDTH - 2 * MARGIN - first_w) / (len(header) - 1)

    def row(values, y, size=16, *, fill=INK):
        c.text(MARGIN + 8, y, values[0], size, fill=fill)
        for j, value in enumerate(values[1:], start=1):
            c.text(MARGIN + first_w + step * j - 8, y, value, size, right=True, fill=fill)

    row(header, y, 15, fill=MUTED)
    y += 40
    c.draw.line((MARGIN, y - 6, WIDTH - MARGIN, y - 6), fill=INK, width=2)
    for i, values in enumerate(rows):
        if i % 2:
            c.draw.rectangle((MARGIN, y - 4, WIDTH - MARGIN, y + 28), fill=STRIPE)
        row(values, y)
        y += 32
    if footer:
        c.draw.line((MARGIN, y - 4, WIDTH - MARGIN, y - 4), fill=INK, width=2)
        row([_("Total"), *footer], y + 4)
        y += 40
    return y + 16


def draw_summary(*, as_of, language: str, table: figures.Table | None = None) -> Canvas:
    """The summary drawn on a canvas: title, date, cumulative total, bars by branch and by
    year, the table and the suppression note, all from published figures. `table`, when given,
    must have been built in `language`."""
    if language == "my" and not can_shape_burmese():
        raise ShapingUnavailable("Pillow has no raqm: install libfribidi0 (Debian)")
    with translation.override(language):
        table = table or figures.summary_table(Filters())
        words = figures.summary_words(table, as_of)
        p = table.protected
        c = Canvas(Image.new("RGB", (WIDTH, 4000), "white"))
        y = c.wrapped(MARGIN, MARGIN, words["title"], 34, WIDTH - 2 * MARGIN)
        y = c.wrapped(MARGIN, y, words["as_of"], 18, WIDTH - 2 * MARGIN, fill=MUTED) + 8
        y = c.wrapped(MARGIN, y, words["headline"], 24, WIDTH - 2 * MARGIN) + 16
        t = p.threshold
        if p.col_totals:
            shown = [figures.shown(f, t) for f in p.col_totals]
            values = [f.value for f in p.col_totals]
            y = _bars(c, y, _("Branch"), table.columns, shown, values)
        if p.row_totals:
            shown = [figures.shown(f, t) for f in p.row_totals]
            values = [f.value for f in p.row_totals]
            y = _bars(c, y, table.row_header, table.rows, shown, values)
        c.text(MARGIN, y, table.title, 22)
        y = _table(c, y + 44, table)
        y = c.wrapped(MARGIN, y, words["note"], 15, WIDTH - 2 * MARGIN, fill=MUTED)
        c.image = c.image.crop((0, 0, WIDTH, int(y + MARGIN)))
        return c


def render_summary(*, as_of, language: str, table: figures.Table | None = None) -> bytes:
    out = BytesIO()
    canvas = draw_summary(as_of=as_of, language=language, table=table)
    canvas.image.save(out, format="PNG", optimize=True)
    return out.getvalue()
