"""The publishable summary as a PNG (and the Burmese PDF built from it): a real image, in the
page's language with Burmese shaped, suppression exactly as on the page, audited."""

import re
from datetime import datetime
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image, ImageDraw, ImageFont

from passage.cases.lifecycle import Stage
from passage.cases.models import Case, TimelineEntry
from passage.core.models import AuditRecord
from passage.reports import png
from passage.reports.png import BAR, Canvas
from tests.conftest import make_case, signed_in

NUMBER = re.compile(r"[<x–\d,]+")


def arrived(actor, branch: str, n: int) -> None:
    """`n` arrivals from `branch` in the middle of last year: one year, one row of the table."""
    at = datetime(timezone.now().year - 1, 6, 15, tzinfo=timezone.get_current_timezone())
    for _ in range(n):
        case = make_case(actor, branch=branch)
        TimelineEntry.objects.create(
            case=case,
            at=at,
            kind=TimelineEntry.Kind.STAGE,
            from_stage=Stage.IN_TRANSIT,
            to_stage=Stage.ARRIVED,
        )
        Case.objects.filter(pk=case.pk).update(stage=Stage.ARRIVED, stage_changed_at=at)


def bar_pixels(image: Image.Image) -> int:
    rgb = tuple(int(BAR[i : i + 2], 16) for i in (1, 3, 5))
    return sum(n for n, colour in image.getcolors(1 << 20) if colour == rgb)


def test_the_png_export_is_a_real_image_and_is_audited(people):
    arrived(people["coordinator"], "army", 6)
    response = signed_in(people["coordinator"]).get(reverse("reports:summary_png"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    disposition = response["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="passage-figures-[\d-]+\.png"', disposition)
    image = Image.open(BytesIO(response.content))
    image.load()
    assert image.format == "PNG" and image.width == png.WIDTH and 400 < image.height < 3000
    record = AuditRecord.objects.filter(action="figures.export_summary").last()
    assert record.actor == people["coordinator"] and record.detail == {"format": "png"}


def test_the_png_is_refused_to_roles_without_figures(people):
    response = signed_in(people["caseworker"]).get(reverse("reports:summary_png"))
    assert response.status_code in (403, 404)
    assert not AuditRecord.objects.filter(action="figures.export_summary").exists()


def test_the_png_draws_the_title_the_date_the_total_and_the_table(people):
    arrived(people["coordinator"], "army", 6)
    arrived(people["coordinator"], "navy", 5)
    drawn = png.draw_summary(as_of=timezone.now(), language="en").drawn
    assert any("Defections so far" in s for s in drawn)
    assert any(s.startswith("Figures as of ") for s in drawn)
    assert any(s.endswith("with our help: 11") for s in drawn)
    assert drawn.count("6") >= 2 and drawn.count("5") >= 2  # table cells and bar labels
    assert str(timezone.now().year - 1) in drawn


def test_suppressed_figures_never_reach_the_image(people):
    # Navy's 2 is below the threshold; Army's 7 would give it away against the total of 9.
    arrived(people["coordinator"], "army", 7)
    arrived(people["coordinator"], "navy", 2)
    canvas = png.draw_summary(as_of=timezone.now(), language="en")
    figures_drawn = [s for s in canvas.drawn if NUMBER.fullmatch(s)]
    assert "<5" in figures_drawn and "x" in figures_drawn
    assert "2" not in figures_drawn and "7" not in figures_drawn


def test_a_suppressed_figure_gets_no_bar(people):
    """Checked on the pixels: the bar colour appears only once a figure is published."""
    arrived(people["coordinator"], "navy", 2)  # every non-zero figure is "<5"
    assert bar_pixels(png.draw_summary(as_of=timezone.now(), language="en").image) == 0
    arrived(people["coordinator"], "army", 6)  # hidden: it would give the navy's 2 away
    arrived(people["coordinator"], "police", 6)
    canvas = png.draw_summary(as_of=timezone.now(), language="en")
    assert "x" in canvas.drawn and bar_pixels(canvas.image) > 0


def test_the_png_is_in_the_pages_language(people):
    arrived(people["coordinator"], "army", 6)
    client = signed_in(people["coordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    body = client.get(reverse("reports:summary_png")).content
    assert body != signed_in(people["coordinator"]).get(reverse("reports:summary_png")).content
    drawn = png.draw_summary(as_of=timezone.now(), language="my").drawn
    with translation.override("my"):
        for english in ("Defections so far", "Year", "Total", "Defections by year and branch"):
            burmese = translation.gettext(english)
            assert burmese != english and any(burmese in s for s in drawn), english
    assert not any("Defections" in s for s in drawn)


def render(text: str, font, canvas_font=False) -> bytes:
    image = Image.new("L", (400, 80), 255)
    if canvas_font:
        Canvas(image).text(4, 8, text, 40)
    else:
        ImageDraw.Draw(image).text((4, 48), text, font=font, fill=0, anchor="ls")
    return image.tobytes()


def test_burmese_is_shaped_and_drawn_with_real_glyphs():
    assert png.can_shape_burmese(), "Pillow has no raqm: install libfribidi0"
    word = "ကျော်ထွန်း"  # a medial, a vowel sign above and one below, and killed finals
    shaped = render(word, None, canvas_font=True)
    unshaped = ImageFont.truetype(str(png.FONT_FILE), 40, layout_engine=ImageFont.Layout.BASIC)
    missing = ImageFont.load_default(40)  # no Burmese glyphs: boxes or nothing
    assert shaped != render(word, unshaped)
    assert shaped != render(word, missing)
    assert shaped != render("", missing)


@pytest.mark.parametrize("language", ["en", "my"])
def test_the_pdf_is_in_the_pages_language(people, language):
    arrived(people["coordinator"], "army", 6)
    client = signed_in(people["coordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("reports:summary_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # The Burmese PDF is the shaped image on the page; the English one is text.
    assert (b"/Subtype /Image" in response.content) == (language == "my")
