import re

from django import template

register = template.Library()
_BURMESE = re.compile("[\u1000-\u109f]")


@register.filter
def lang_of(text: str) -> str:
    """The `lang` attribute for a name: Burmese script gets "my" so it uses the Burmese font."""
    return "my" if _BURMESE.search(text or "") else "en"
