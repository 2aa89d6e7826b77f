"""Name-match reasons in the reader's language, from the structured form stored on each hit."""

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# One sentence per passage.names.reasons code, with the same parameters (%-style here, so
# makemessages sees them). Each has words, so each can be translated: the command line keeps
# the bare symbols of passage.names.reasons.ENGLISH. A code missing here falls back to the
# stored English text.
MESSAGES = {
    "same": _("%(a)s = %(b)s: spelled the same"),
    "same_syllable": _("%(a)s ≈ %(b)s: same syllable %(syllable)s"),
    "said_alike": _("%(a)s ≈ %(b)s: spelled differently, said alike (%(key)s)"),
    "other_tone": _("%(a)s ≈ %(b)s: same syllable, other tone"),
    "close_spelling": _("%(a)s ≈ %(b)s: close spelling (%(key)s)"),
    "one_letter": _("%(a)s ~ %(b)s: one letter apart"),
    "different": _("%(a)s ≠ %(b)s: different syllables"),
    "run_together": _("%(a)s ≈ %(b)s: same syllables run together"),
    "run_together_close": _("%(a)s ≈ %(b)s: close spelling, run together"),
    "no_counterpart": _("%(a)s: no counterpart"),
    "same_rank": _("same rank: %(ranks)s"),
    "ranks_differ": _("ranks differ: %(a)s vs %(b)s"),
    "genders_differ": _("honorifics imply different genders: %(a)s vs %(b)s"),
    "inverted": _("family-name-first order (with a comma) read as the name order"),
    "common_name": _("%(name)s is a common name (about 1 in %(one_in)s names): weak evidence"),
    "names_compared": _("%(a)s ~ %(b)s: the names compared"),
}


def describe_reason(reason) -> str:
    """One stored reason as a sentence in the active language.

    Hits screened before reasons had codes hold English sentences: those are shown as they are.
    """
    if isinstance(reason, str):
        return reason
    message = MESSAGES.get(reason.get("code"))
    params = dict(reason.get("params") or {})
    if "one_in" in params:
        params["one_in"] = number_format(params["one_in"], force_grouping=True)
    try:
        return str(message) % params if message is not None else str(reason.get("text", ""))
    except (KeyError, TypeError, ValueError):
        return str(reason.get("text", ""))  # parameters not as this version expects them
