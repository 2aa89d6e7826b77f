"""What users do with figures: look at the dashboard, the publishable summary, export it.

Each checks the rule and writes an audit record: figures carry no names, but who looked at
which slice, and when, is how probing for small groups would show up.
"""

from passage.core import audit
from passage.core.access import Action, require


def view_dashboard(actor, filters: dict, *, request=None) -> None:
    require(actor, Action.VIEW_FIGURES)
    audit.record(actor, "figures.view_dashboard", request=request, detail=filters)


def view_summary(actor, *, request=None) -> None:
    require(actor, Action.VIEW_FIGURES)
    audit.record(actor, "figures.view_summary", request=request)


def export_summary(actor, fmt: str, *, request=None) -> None:
    require(actor, Action.VIEW_FIGURES)
    audit.record(actor, "figures.export_summary", request=request, detail={"format": fmt})
