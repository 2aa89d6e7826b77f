"""After-care records on a case of a given cell."""

from passage.aftercare.models import Need, Statement
from tests.conftest import make_case


def make_need(people, cell, **fields):
    case = make_case(people["coordinator"], cell=cell, stage="aftercare")
    return Need.objects.create(
        case=case,
        kind="shelter",
        details="Room above the tea shop",
        created_by=people["caseworker"],
        **fields,
    )


def make_statement(people, cell, **fields):
    case = make_case(people["coordinator"], cell=cell, stage="aftercare")
    values = {
        "text": "Kyaw Htoo saw the village of Monywa burned.",
        "consent": "anonymised",
        **fields,
    }
    return Statement.objects.create(case=case, recorded_by=people["caseworker"], **values)


def make_live_session(people):
    from datetime import timedelta

    from django.utils import timezone

    from passage.aftercare.actions import schedule_live

    return schedule_live(
        people["caseworker"],
        title="Voices of defectors",
        starts_at=timezone.now() + timedelta(days=3),
    )


def png_bytes(**info) -> bytes:
    import io

    from PIL import Image, PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, format="PNG", pnginfo=meta)
    return out.getvalue()


def make_attachment(people, cell):
    import base64

    from passage.aftercare.models import Attachment

    statement = make_statement(people, cell)
    data = png_bytes()
    return Attachment.objects.create(
        statement=statement,
        case=statement.case,
        content_type="image/png",
        size=len(data),
        data=base64.b64encode(data).decode("ascii"),
        added_by=people["caseworker"],
    )
