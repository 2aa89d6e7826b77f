"""Redaction before publication: the person's names, aliases and township replaced in the text."""

import re

NAME_MARK = "[name]"
PLACE_MARK = "[place]"


def _terms(values) -> list[str]:
    """Each full value and each of its words of 2+ letters (a given name alone still names)."""
    found = set()
    for value in values:
        value = " ".join((value or "").split())
        if not value:
            continue
        found.add(value)
        found.update(w for w in value.split() if len(w) >= 2)
    return sorted(found, key=len, reverse=True)


def _replace(text: str, terms: list[str], mark: str) -> str:
    if not terms:
        return text
    # Latin words only at word boundaries; Burmese script has no spaces between words.
    pattern = "|".join(
        rf"(?<![A-Za-z]){re.escape(t)}(?![A-Za-z])" if t.isascii() else re.escape(t) for t in terms
    )
    return re.sub(pattern, mark, text, flags=re.IGNORECASE)


def redact(text: str, *, names, township: str = "") -> str:
    text = _replace(text, _terms(names), NAME_MARK)
    return _replace(text, _terms([township]), PLACE_MARK)
