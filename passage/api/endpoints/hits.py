"""A case's screening hits, under exactly the need-to-know of the case page's panel.

The panel (passage.screening.panel) decides what each hit shows; this module only writes it out.
A hit against a record the owner may not see says only that a restricted match exists and whom
to ask, as the page does.
"""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema

from passage.api.auth import TokenAuth
from passage.api.errors import responses
from passage.api.scopes import Scope
from passage.core import audit
from passage.core.access import get_case_or_404
from passage.screening.models import Hit, Kind
from passage.screening.panel import case_panel

router = Router()
# Far above what screening raises (at most the candidate cap of each kind), so nothing is cut in
# practice; the schema still says where the list ends.
MAX_HITS = 2000
MAX_TEXT = 1000
Text = Annotated[str, Field(max_length=MAX_TEXT)]


class EvidenceOut(Schema):
    change: float = Field(description="How much this evidence moved the score (may be 0).")
    text: Text


class ReviewOut(Schema):
    by: str = Field(max_length=150)
    at: datetime
    note: str = Field(max_length=2000)


class HitOut(Schema):
    restricted: bool = Field(
        description="The owner may not see the other record: only its kind, and whom to ask."
    )
    other_kind: Literal[tuple(Kind.values)]  # type: ignore[valid-type]
    ask: list[Annotated[str, Field(max_length=150)]] | None = Field(
        None, max_length=200, description="Restricted only: coordinators to ask about it."
    )
    id: UUID | None = None
    direction: Literal["found", "later"] | None = Field(
        None, description="found on this case, or a later request that matched this one."
    )
    other: str | None = Field(
        None, max_length=100, description="The other person's pseudonym, or the list reference."
    )
    other_case_id: UUID | None = None
    why: Text | None = Field(None, description="Why the match matters, in a sentence.")
    score: float | None = Field(None, ge=0, le=1)
    name_score: float | None = Field(None, ge=0, le=1)
    status: Literal[tuple(Hit.Status.values)] | None = None  # type: ignore[valid-type]
    reasons: list[Text] | None = Field(None, max_length=100)
    evidence: list[EvidenceOut] | None = Field(None, max_length=100)
    review: ReviewOut | None = None


class CaseHitsOut(Schema):
    case_id: UUID
    hits: list[HitOut] = Field(max_length=MAX_HITS)
    last_screened_at: datetime | None
    candidate_cap: int = Field(description="Most candidates of each kind scored per screening.")
    capped_from: int | None = Field(
        None, description="When the cap applied: how many records shared parts of the name."
    )


def _hit(v, coordinators: list[str]) -> dict:
    if v.restricted:
        return {"restricted": True, "other_kind": v.hit.other_kind, "ask": coordinators}
    hit = v.hit
    review = None
    if hit.reviewed_by is not None:
        review = {"by": hit.reviewed_by.username, "at": hit.reviewed_at, "note": hit.review_note}
    return {
        "restricted": False,
        "other_kind": hit.other_kind,
        "id": hit.pk,
        "direction": v.direction,
        "other": v.other_label or None,
        "other_case_id": v.other_case_id,
        "why": v.why[:MAX_TEXT],
        "score": hit.score,
        "name_score": hit.name_score,
        "status": hit.status,
        "reasons": [str(r)[:MAX_TEXT] for r in v.reasons[:100]],
        "evidence": [{"change": c, "text": t[:MAX_TEXT]} for c, t in v.evidence[:100]],
        "review": review,
    }


@router.get(
    "/{case_id}/hits",
    auth=TokenAuth(Scope.SCREENING_READ),
    **responses({200: CaseHitsOut}, "scope_missing", "forbidden", "not_found", "invalid"),
    summary="Read a case's screening hits",
)
def list_case_hits(request, case_id: UUID):
    """As the case page shows them: only to people assigned to the case; audited."""
    user = request.auth
    case = get_case_or_404(user, case_id)
    panel = case_panel(user, case)
    if not panel["visible"]:
        raise PermissionDenied
    hits = panel["hits"][:MAX_HITS]
    audit.record(user, "screening.read_hits", case, request=request, detail={"hits": len(hits)})
    run = panel["last_run"]
    return {
        "case_id": case.pk,
        "hits": [_hit(v, panel["coordinators"]) for v in hits],
        "last_screened_at": run["at"] if run else None,
        "candidate_cap": settings.SCREENING_CANDIDATE_CAP,
        "capped_from": run["capped_from"] if run else None,
    }
