from django import template

from passage.screening.panel import case_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def screening_panel(context, case):
    """The screening hits the signed-in user may see on this case (see panel.case_panel)."""
    return case_panel(context["request"].user, case)
