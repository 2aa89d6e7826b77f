"""Requests from integrations: log a new one or a follow-up, and read its status (only the
token that sent it)."""

import uuid
from uuid import UUID

from django.db import transaction
from ninja import Router, Status

from passage.api.auth import TokenAuth
from passage.api.errors import ApiError, responses
from passage.api.idempotency import IdempotencyKey
from passage.api.models import RequestOrigin, SenderKey
from passage.api.schemas import RequestIn, RequestStatusOut
from passage.api.scopes import Scope
from passage.cases.lifecycle import Stage
from passage.cases.models import Case
from passage.core.access import Action, can
from passage.core.crypto import keyed_hash
from passage.core.sealing.actions import purged_at
from passage.intake.actions import log_follow_up_request, log_new_request
from passage.intake.models import Request

router = Router(auth=TokenAuth(Scope.REQUESTS_CREATE))


def _status_of(req) -> dict:
    case = req.case
    if not case.is_open:
        status = "closed"
    elif case.stage == Stage.RECEIVED:
        status = "received"
    else:
        status = "in_progress"
    return {
        "id": req.pk,
        "case_id": case.pk,
        "status": status,
        "received_at": req.received_at,
        "names_set_aside": len(req.unverified_names or ()),
    }


def sender_key_hash(owner, key: str) -> str:
    return keyed_hash("api-sender-key", f"{owner.pk}:{key}".encode())


def message_hash(owner, message_id: str) -> str:
    return keyed_hash("api-message-id", f"{owner.pk}:{message_id}".encode())


def _case_to_follow(request, payload: RequestIn) -> tuple[Case | None, bool]:
    """The case a follow-up joins, and whether this channel opened it; (None, False) for new."""
    owner, token = request.auth, request.api_token
    if payload.case_id is not None:
        case = Case.objects.select_related("person").filter(pk=payload.case_id).first()
        if case is None or purged_at(case) is not None:
            raise ApiError("not_found")
        opened_here = RequestOrigin.objects.filter(token=token, request__case=case).exists()
        if not opened_here and not can(owner, Action.LOG_REQUEST, case):
            raise ApiError("not_found")
        return case, opened_here
    if payload.sender_key is not None:
        known = (
            SenderKey.objects.select_related("case__person")
            .filter(owner=owner, key_hash=sender_key_hash(owner, payload.sender_key))
            .first()
        )
        # A closed case stays closed, and a purged one forgotten: the sender's next message
        # opens a new case.
        if known is not None and known.case.is_open and purged_at(known.case) is None:
            return known.case, True
    return None, False


@router.post(
    "",
    **responses(
        {200: RequestStatusOut, 201: RequestStatusOut},
        "bad_request",
        "scope_missing",
        "forbidden",
        "not_found",
        "idempotency_conflict",
        "invalid",
        links={
            "ReadRequest": {
                "operationId": "read_request",
                "parameters": {"request_id": "$response.body#/id"},
            },
            "ReadCase": {
                "operationId": "read_case",
                "parameters": {"case_id": "$response.body#/case_id"},
            },
            "MoveCase": {
                "operationId": "move_case",
                "parameters": {"case_id": "$response.body#/case_id"},
            },
        },
    ),
    summary="Log a request: a new one, or a follow-up by case_id or sender_key",
)
def create_request(request, payload: RequestIn, idempotency_key: IdempotencyKey = None):
    """A first request opens a case as the web's intake form does, except that the token's
    owner is not assigned to it; with `case_id` or a known `sender_key` it joins that case."""
    status, body = log_api_request(request, payload)
    return Status(status, body)


def log_api_request(request, payload: RequestIn) -> tuple[int, dict]:
    """(201, status) for a request logged now; (200, status) for a message_id seen before."""
    data = {**payload.as_intake_data(), "request_id": uuid.uuid4()}
    owner = request.auth
    seen = message_hash(owner, payload.message_id) if payload.message_id else None
    with transaction.atomic():
        if seen is not None:
            earlier = (
                RequestOrigin.objects.select_related("request__case")
                .filter(message_hash=seen)
                .first()
            )
            if earlier is not None:
                return 200, _status_of(earlier.request)
        case, opened_here = _case_to_follow(request, payload)
        if case is None:
            # No one typed these names: assigning the token's owner would give that account,
            # and any identity-scoped token of theirs, every case the integration opens.
            case = log_new_request(owner, data, request=request, assign_logger=False)
        else:
            log_follow_up_request(owner, case, data, request=request, same_channel=opened_here)
        req = Request.objects.select_related("case").get(pk=data["request_id"])
        RequestOrigin.objects.create(request=req, token=request.api_token, message_hash=seen)
        if payload.sender_key is not None:
            SenderKey.objects.update_or_create(
                owner=owner,
                key_hash=sender_key_hash(owner, payload.sender_key),
                defaults={"case": case},
            )
    return 201, _status_of(req)


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
