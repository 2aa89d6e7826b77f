"""The partners page: each partner's safety number to compare on screen, and the last counts."""

from django.shortcuts import render

from passage.core.access import Action, require
from passage.partners import identity, summary
from passage.partners.models import Partner, Run


def _rows() -> list[dict]:
    rows = []
    for partner in Partner.objects.order_by("added_at"):
        last = partner.runs.filter(state=Run.State.DONE).order_by("-finished_at").first()
        rows.append(
            {
                "partner": partner,
                "number": identity.safety_number(identity.peer_public(partner.fingerprint)),
                "last": summary.published(last),
            }
        )
    return rows


def partner_list(request):
    """Coordinators: partners, whether each is confirmed, and what the last count published."""
    require(request.user, Action.MANAGE_PARTNERS)
    return render(request, "partners/list.html", {"rows": _rows()})
