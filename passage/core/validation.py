"""Checks every text field shares: no control characters, names in one script, Zawgyi converted.

Used by the web forms and (later) the API schemas, so bad input gets the same clear message
wherever it arrives.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from passage.names.encoding import to_unicode

_ALLOWED_CONTROLS_MULTILINE = {"\n", "\r", "\t"}
_NAME_PUNCTUATION = set(" .,'-()’")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Unicode text with Zawgyi converted; refuses control characters (newlines in notes only)."""
    allowed = _ALLOWED_CONTROLS_MULTILINE if multiline else set()
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in allowed:
            # Zero-width characters are common in Burmese text; to_unicode drops them.
            if ch in "\u200b\u200c\u200d\u2060\ufeff":
                continue
            raise ValidationError(
                _("Remove the invisible control character (U+%(code)04X) from this text.")
                % {"code": ord(ch)}
            )
    return to_unicode(value).strip()


def _script_of(ch: str) -> str | None:
    if "\u1000" <= ch <= "\u109f" or "\uaa60" <= ch <= "\uaa7f" or "\ua9e0" <= ch <= "\ua9ff":
        return "burmese"
    if ch.isascii() and ch.isalpha():
        return "latin"
    if unicodedata.category(ch)[0] in "LM":
        name = unicodedata.name(ch, "")
        return "latin" if name.startswith("LATIN") else "other"
    return None


def clean_name(value: str) -> str:
    """One person's name or alias, in Burmese script or in Latin letters but not both."""
    text = clean_text(value)
    if not text:
        return text
    scripts = set()
    for ch in text:
        script = _script_of(ch)
        if script is None:
            if ch not in _NAME_PUNCTUATION and not ch.isdigit():
                raise ValidationError(
                    _("A name cannot contain “%(char)s”. Use letters only.") % {"char": ch}
                )
            continue
        scripts.add(script)
    if "other" in scripts:
        raise ValidationError(
            _(
                "Write “%(name)s” in Burmese script or in Latin letters; it has letters of another "
                "alphabet (such as look-alike Cyrillic letters)."
            )
            % {"name": text}
        )
    if len(scripts) > 1:
        raise ValidationError(
            _(
                "“%(name)s” mixes Burmese and Latin letters. Write each name in one script, and "
                "put the other spelling on its own line."
            )
            % {"name": text}
        )
    return " ".join(text.split())
