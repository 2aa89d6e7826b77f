"""After-care records on a case of a given cell."""

import io

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


# --- audio files with a position in their tags, as phones and recorders write them ------------
GPS = "+16.8409+096.1735/"
SOUND = bytes(range(256)) * 8  # stands in for the samples, which must come through unchanged


def wav_bytes() -> bytes:
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(SOUND)
    data = out.getvalue()
    comment = b"ICMT" + (len(GPS) + 1).to_bytes(4, "little") + GPS.encode() + b"\0\0"
    info = b"LIST" + (4 + len(comment)).to_bytes(4, "little") + b"INFO" + comment
    body = data[8:] + info
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def mp3_bytes() -> bytes:
    from mutagen.id3 import ID3, TXXX

    frame = b"\xff\xfb\x90\x64" + SOUND[: 417 - 4]  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    tags = ID3()
    tags.add(TXXX(encoding=3, desc="GPS", text=[GPS]))
    head = io.BytesIO()
    tags.save(head)
    v1 = b"TAG" + GPS.encode().ljust(30, b"\0") + b"\0" * 95
    return head.getvalue() + frame * 20 + v1


def opus_bytes() -> bytes:
    from mutagen.ogg import OggPage

    head = b"OpusHead" + bytes([1, 1]) + (312).to_bytes(2, "little")
    head += (48000).to_bytes(4, "little") + b"\0\0\0"
    vendor, comment = b"recorder", f"LOCATION={GPS}".encode()
    tags = b"OpusTags" + len(vendor).to_bytes(4, "little") + vendor + (1).to_bytes(4, "little")
    tags += len(comment).to_bytes(4, "little") + comment
    pages = []
    for seq, (packet, position) in enumerate([(head, 0), (tags, 0), (SOUND[:200], 960)]):
        page = OggPage()
        page.serial, page.sequence, page.position, page.packets = 7, seq, position, [packet]
        page.first, page.last = seq == 0, seq == 2
        pages.append(page.write())
    return b"".join(pages)


def _box(kind: bytes, content: bytes) -> bytes:
    return (8 + len(content)).to_bytes(4, "big") + kind + content


def m4a_bytes() -> bytes:
    udta = _box(b"udta", _box(b"\xa9xyz", len(GPS).to_bytes(2, "big") + b"\0\0" + GPS.encode()))
    moov = _box(b"moov", _box(b"mvhd", bytes(100)) + _box(b"trak", _box(b"tkhd", bytes(84))) + udta)
    return _box(b"ftyp", b"M4A \0\0\0\0M4A mp42") + moov + _box(b"mdat", SOUND)
