"""Checks on testimony attachments: audio or image, size-limited, type taken from the bytes.

The type is decided by the file's content, never by its name or the browser's word for it.
Images are decoded and re-encoded, which drops EXIF and other metadata (a phone photo's GPS
position would otherwise travel with it). Uploads are held in memory only
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
    return content_type, data
