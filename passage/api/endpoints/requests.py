"""Requests from integrations: log a new one, and read its status (only the token that sent it)."""

from uuid import UUID

from django.db import transaction
from ninja import Router, Status

from passage.api.auth import TokenAuth
from passage.api.errors import ApiError, responses
from passage.api.models import RequestOrigin
from passage.api.schemas import RequestIn, RequestStatusOut
from passage.api.scopes import Scope
from passage.cases.lifecycle import Stage
from passage.intake.actions import log_new_request

router = Router(auth=TokenAuth(Scope.REQUESTS_CREATE))


def _status_of(req) -> dict:
    case = req.case
    if not case.is_open:
        status = "closed"
    elif case.stage == Stage.RECEIVED:
        status = "received"
    else:
        status = "in_progress"
    return {"id": req.pk, "status": status, "received_at": req.received_at}


@router.post(
    "",
    **responses({201: RequestStatusOut}, "bad_request", "scope_missing", "forbidden", "invalid"),
    summary="Log a new request",
)
def create_request(request, payload: RequestIn):
    """A first request from someone: opens a case as the web's intake form does, except that
    the token's owner is not assigned to it."""
    with transaction.atomic():
        # No one typed these names: assigning the token's owner would give that account, and
        # any identity-scoped token of theirs, every case the integration opens.
        case = log_new_request(
            request.auth, payload.as_intake_data(), request=request, assign_logger=False
        )
        req = case.requests.get()
        RequestOrigin.objects.create(request=req, token=request.api_token)
    return Status(201, _status_of(req))


@router.get(
    "/{request_id}",
    **responses({200: RequestStatusOut}, "scope_missing", "not_found", "invalid"),
    summary="Read the status of a request this token logged",
)
def read_request(request, request_id: UUID):
    origin = (
        RequestOrigin.objects.select_related("request__case")
        .filter(request_id=request_id, token=request.api_token)
        .first()
    )
    if origin is None:
        raise ApiError("not_found")
    return _status_of(origin.request)
