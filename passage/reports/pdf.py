"""The publishable summary as a PDF, drawn with reportlab (pure Python, no browser).

Always in English: reportlab lays glyphs out one by one and cannot shape Burmese (vowel signs
and stacked consonants come out in the wrong places), so a Burmese PDF would misprint names of
places and ranks. The Burmese page prints correctly from the browser (print stylesheet).
Latin text is set in Helvetica (one of the PDF standard fonts every reader has: Noto Sans
Myanmar has no Latin letters); any Burmese run, such as an organisation's name, is set in
Passage's own Noto Sans Myanmar, embedded, with the unshaped-layout caveat above.
"""

import re
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from passage.core.models import Organisation
from passage.reports import figures
from passage.reports.queries import Filters

STRIPE = colors.HexColor("#f1f4f6")
FONT = "NotoSansMyanmar"
FONT_FILE = (
    Path(settings.BASE_DIR) / "passage" / "static" / "passage" / "fonts" / f"{FONT}-Regular.ttf"
)


LATIN = "Helvetica"
MYANMAR_RUN = re.compile("([\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f]+)")


def _register() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))


def _mixed(text: str) -> str:
    """Paragraph markup for `text`, with Burmese runs in the Burmese font."""
    return MYANMAR_RUN.sub(rf'<font name="{FONT}">\1</font>', escape(str(text)))


def render_summary(*, as_of, language: str = "en") -> bytes:
    """The summary table, its date and the suppression note, on one A4 page."""
    with translation.override(language):
        table = figures.summary_table(Filters())
        threshold = table.protected.threshold
        _register()
        font = LATIN
        title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
        body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
        org = Organisation.current()
        when = date_format(timezone.localtime(as_of), "DATE_FORMAT")
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
                    (
                        "ROWBACKGROUNDS",
                        (0, 1),
                        (-1, -2),
                        [colors.white, colors.HexColor("#f1f4f6")],
                    ),
                ]
            )
        )
        total = footer[-1] if footer else ""
        note = _(
            "To protect people, a figure from 1 to %(below)s is shown as “<%(t)s”; “x” is a "
            "figure hidden so that a small one cannot be worked out from the totals; “–” is a "
            "total withheld for the same reason. Totals count every case."
        )
        story = [
            Paragraph((f"{org.name}: " if org else "") + _("Defections so far"), title),
            Paragraph(_("Figures as of %(when)s.") % {"when": when}, body),
            Spacer(1, 4 * mm),
            Paragraph(
                _mixed(
                    _("Soldiers and police who have left and reached safety with our help: %(n)s")
                    % {"n": total}
                ),
                body,
            ),
            Spacer(1, 4 * mm),
            Paragraph(_mixed(table.title), body),
            Spacer(1, 2 * mm),
            grid,
            Spacer(1, 4 * mm),
            Paragraph(_mixed(note % {"below": threshold - 1, "t": threshold}), body),
        ]
        out = BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            title=_("Defections so far"),
            author=org.name if org else "Passage",
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
        )
        doc.build(story)
        return out.getvalue()
