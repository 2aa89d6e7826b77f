"""Checks on testimony attachments: audio or image, size-limited, type taken from the bytes.

The type is decided by the file's content, never by its name or the browser's word for it.
Images are decoded and re-encoded, which drops EXIF and other metadata (a phone photo's GPS
position would otherwise travel with it). Audio keeps its sound and loses its tags the same way:
ID3 and Ogg comments go (mutagen), a WAV keeps only its format and sound chunks, and an M4A's
metadata boxes (udta with the recorder's ©xyz position, meta, uuid/XMP) are blanked into `free`
boxes of the same size, so the sample offsets stay right. Uploads are held in memory only
(passage/core/uploads.py), so no clear copy lands in a temporary file.
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The project's upload handler, for every request (settings.FILE_UPLOAD_HANDLERS); named here too
# because the attachment view sets it itself, before CSRF reads the body.
from passage.core.uploads import MemoryOnlyUpload as MemoryOnlyUpload
from passage.core.uploads import too_large_message

MAX_BYTES = settings.UPLOAD_MAX_BYTES
MAX_PIXELS = 40_000_000

AUDIO_TYPES = {"audio/mpeg", "audio/ogg", "audio/wav", "audio/mp4"}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}


def sniff(data: bytes) -> str | None:
    """The content type these bytes really are, among those accepted; None otherwise."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"ID3") or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if data[4:8] == b"ftyp" and data[8:11] in (b"M4A", b"mp4", b"iso", b"M4B"):
        return "audio/mp4"
    return None


def _clean_image(data: bytes, content_type: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[content_type]
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != fmt:
                raise ValidationError(_("This file is not the image it claims to be."))
            img.load()
            # Only the pixels go into the new image: no EXIF, GPS, comments or thumbnails.
            clean = Image.frombytes(img.mode, img.size, img.tobytes())
            if img.mode == "P" and img.getpalette():
                clean.putpalette(img.getpalette())
            out = io.BytesIO()
            clean.save(out, format=fmt)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("This image cannot be read.")) from exc
    return out.getvalue()


WAV_KEPT_CHUNKS = {b"fmt ", b"data", b"fact"}
MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}
MP4_METADATA = {b"udta", b"meta", b"uuid"}


def _clean_wav(data: bytes) -> bytes:
    """RIFF/WAVE with only the chunks that make the sound: no LIST/INFO, id3, bext, iXML."""
    chunks, at = [], 12
    while at + 8 <= len(data):
        kind, size = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
        end = at + 8 + size + (size & 1)
        if kind in WAV_KEPT_CHUNKS:
            chunks.append(data[at:end])
        at = end
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def _blank_mp4_metadata(buf: bytearray, start: int, end: int) -> None:
    at = start
    while at + 8 <= end:
        size, kind = int.from_bytes(buf[at : at + 4], "big"), bytes(buf[at + 4 : at + 8])
        header = 8
        if size == 1:
            size, header = int.from_bytes(buf[at + 8 : at + 16], "big"), 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise ValidationError(_("This audio file cannot be read."))
        if kind in MP4_METADATA:  # same size, so every offset after it stays right
            buf[at + 4 : at + 8] = b"free"
            buf[at + header : at + size] = bytes(size - header)
        elif kind in MP4_CONTAINERS:
            _blank_mp4_metadata(buf, at + header, at + size)
        at += size


def _clean_tagged(data: bytes) -> bytes:
    """MP3 (ID3v2 and ID3v1) and Ogg (Vorbis, Opus comments): mutagen removes the tags."""
    import mutagen

    with io.BytesIO(data) as f:
        try:
            audio = mutagen.File(f)
            if audio is None:
                raise ValidationError(_("This audio file cannot be read."))
            f.seek(0)
            audio.delete(f)
        except mutagen.MutagenError as exc:
            raise ValidationError(_("This audio file cannot be read.")) from exc
        return f.getvalue()


def _clean_audio(data: bytes, content_type: str) -> bytes:
    if content_type == "audio/wav":
        return _clean_wav(data)
    if content_type == "audio/mp4":
        buf = bytearray(data)
        _blank_mp4_metadata(buf, 0, len(buf))
        return bytes(buf)
    return _clean_tagged(data)


def check(data: bytes) -> tuple[str, bytes]:
    """(content type, bytes to store) or ValidationError with a message for the user."""
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ValidationError(too_large_message())
    content_type = sniff(data)
    if content_type is None:
        raise ValidationError(
            _("Only audio (MP3, OGG, WAV, M4A) and images (JPEG, PNG, WebP) can be attached.")
        )
    if content_type in IMAGE_TYPES:
        data = _clean_image(data, content_type)
    else:
        data = _clean_audio(data, content_type)
    return content_type, data
