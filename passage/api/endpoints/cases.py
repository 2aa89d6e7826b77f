"""Cases the token's owner may see: the list, one case, and moving a case to another stage.

Everything goes through passage.core.access and the cases' own actions, as the web pages do.
"""

from uuid import UUID

from ninja import Field, Query, Router, Schema

from passage.api.auth import TokenAuth
from passage.api.errors import ApiError, responses
from passage.api.idempotency import IdempotencyKey
from passage.api.schemas import CaseDetailOut, CaseListOut, CaseOut, MoveIn, StageCode
from passage.api.scopes import Scope
from passage.cases import actions
from passage.cases.lifecycle import OPEN_STAGES
from passage.cases.queue import triage_queue
from passage.core.access import Action, can, get_case_or_404, require

router = Router()
MAX_PAGE = 100


class CaseFilters(Schema):
    stage: StageCode | None = None
    closed: bool = Field(False, description="Include closed cases.")
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=1_000_000)


def _summary(case) -> dict:
    person = case.person
    return {
        "id": case.pk,
        "pseudonym": person.pseudonym,
        "stage": case.stage,
        "urgency": case.urgency,
        # From the stage (as move_case sets it): the queue does not load is_open.
        "is_open": case.stage in OPEN_STAGES,
        "cell": case.cell.name if case.cell_id else None,
        "branch": person.branch,
        "region": person.region,
        "family_at_risk": person.family_at_risk,
        "latest_channel": case.latest_channel,
        "opened_at": case.opened_at,
        "stage_changed_at": case.stage_changed_at,
    }


@router.get(
    "",
    auth=TokenAuth(Scope.CASES_READ),
    **responses({200: CaseListOut}, "scope_missing", "forbidden", "invalid"),
    summary="List the cases the token's owner may see",
)
def list_cases(request, filters: Query[CaseFilters]):
    """The triage queue's order: most urgent first, then longest waiting in their stage."""
    require(request.auth, Action.VIEW_QUEUE)
    wanted = {"closed": filters.closed, "stage": filters.stage}
    cases = triage_queue(request.auth, wanted)
    count = cases.count()
    page = list(cases[filters.offset : filters.offset + filters.limit])
    end = filters.offset + len(page)
    return {
        "items": [_summary(c) for c in page],
        "count": count,
        "next_offset": end if end < count else None,
    }


@router.get(
    "/{case_id}",
    auth=TokenAuth(Scope.CASES_READ),
    **responses({200: CaseDetailOut}, "scope_missing", "not_found", "invalid"),
    summary="Read one case",
)
def read_case(request, case_id: UUID):
    """The summary; identity too if the token has cases:identity and the owner is assigned."""
    user = request.auth
    case = get_case_or_404(user, case_id)
    body = _summary(case)
    if request.api_token.allows(Scope.CASES_IDENTITY) and can(user, Action.VIEW_IDENTITY, case):
        identity = actions.read_identity(user, case, request=request)
        body["identity"] = {
            "names": identity.names,
            "unit": identity.unit,
            "township": identity.township,
            "contact_handle": identity.contact_handle,
            "age": identity.age,
            "requests": [
                {"received_at": at, "notes": notes}
                for at, _channel, notes in identity.request_notes
            ],
        }
    return body


@router.post(
    "/{case_id}/moves",
    auth=TokenAuth(Scope.CASES_MOVE),
    **responses(
        {200: CaseOut},
        "bad_request",
        "scope_missing",
        "forbidden",
        "not_found",
        "move_refused",
        "idempotency_conflict",
        "invalid",
    ),
    summary="Move a case to another stage",
)
def move_case(request, case_id: UUID, payload: MoveIn, idempotency_key: IdempotencyKey = None):
    """The same rules as the web: allowed moves from this stage, for the owner's role."""
    case = get_case_or_404(request.auth, case_id, Action.TRANSITION)
    try:
        actions.move_case(request.auth, case, payload.to_stage, note=payload.note, request=request)
    except actions.CaseActionError as exc:
        raise ApiError("move_refused", detail=str(exc)[:500]) from None
    return _summary(case)
