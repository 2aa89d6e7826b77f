"""The publishable summary as a PDF, drawn with reportlab (pure Python, no browser).

reportlab lays glyphs out one by one and cannot shape Burmese (vowel signs and stacked
consonants come out in the wrong places), so the English PDF is set as text and the Burmese one
is the shaped PNG (png.py) placed on the page. In the English one Latin text is set in Helvetica
(one of the PDF standard fonts every reader has: Noto Sans Myanmar has no Latin letters); any
Burmese run, such as an organisation's name, is set in Passage's own Noto Sans Myanmar,
embedded, unshaped.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from passage.reports import figures, png
from passage.reports.png import FONT_FILE, MYANMAR_RUN
from passage.reports.queries import Filters

STRIPE = colors.HexColor("#f1f4f6")
MARGIN = 18 * mm
FONT = "NotoSansMyanmar"
LATIN = "Helvetica"


def _register() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))


def _mixed(text: str) -> str:
    """Paragraph markup for `text`, with Burmese runs in the Burmese font."""
    return MYANMAR_RUN.sub(rf'<font name="{FONT}">\1</font>', escape(str(text)))


def render_summary(*, as_of, language: str = "en") -> bytes:
    """The summary table, its date and the suppression note, on one A4 page.

    In Burmese the page is the PNG (drawn with shaping, see png.py) placed on the page as an
    image: reportlab would misprint the text, and an image of correct text beats that."""
    if language == "my":
        # One reading of the figures for the image and the file's metadata alike.
        with translation.override(language):
            table = figures.summary_table(Filters())
            words = figures.summary_words(table, as_of)
        image = png.render_summary(as_of=as_of, language=language, table=table)
        return _page([_image(image)], words)
    with translation.override(language):
        table = figures.summary_table(Filters())
        words = figures.summary_words(table, as_of)
        _register()
        font = LATIN
        title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
        body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
        header = [table.row_header, *table.columns, _("Total")]
        rows = [[label, *cells, total] for label, cells, total in table.body()]
        footer = table.footer()
        data = [header, *rows] + ([[_("Total"), *footer]] if footer else [])
        grid = Table(data, repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), font, 9),
                    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, STRIPE]),
                ]
            )
        )
        story = [
            Paragraph(_mixed(words["title"]), title),
            Paragraph(_mixed(words["as_of"]), body),
            Spacer(1, 4 * mm),
            Paragraph(_mixed(words["headline"]), body),
            Spacer(1, 4 * mm),
            Paragraph(_mixed(table.title), body),
            Spacer(1, 2 * mm),
            grid,
            Spacer(1, 4 * mm),
            Paragraph(_mixed(words["note"]), body),
        ]
        return _page(story, words)


def _image(png: bytes) -> Image:
    """The PNG scaled to the page's text width."""
    picture = Image(BytesIO(png))
    scale = (A4[0] - 2 * MARGIN) / picture.imageWidth
    picture.drawWidth, picture.drawHeight = A4[0] - 2 * MARGIN, picture.imageHeight * scale
    return picture


def _page(story: list, words: dict) -> bytes:
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=words["title"],
        author=words["author"],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )
    doc.build(story)
    return out.getvalue()
