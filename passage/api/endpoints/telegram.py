"""Live intake from a Telegram bot: the Bot API posts each Update to this webhook.

Set the webhook with `secret_token` = a Passage API token with the requests:create scope (its
characters are the ones Telegram allows); Telegram sends it back in the
X-Telegram-Bot-Api-Secret-Token header, and the token acts as its owner as everywhere else.
An update that is not a private message (an edit, a group, a bot) is answered 200 and left
out, so Telegram does not send it again; a message is logged once however often it is sent.
"""

import json
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema
from ninja.security import APIKeyHeader
from pydantic import ConfigDict, StrictBool
from pydantic import ValidationError as PydanticValidationError

from passage.api.auth import TokenAuth
from passage.api.endpoints.requests import log_api_request
from passage.api.errors import responses
from passage.api.idempotency import IdempotencyKey
from passage.api.schemas import JsonInt, RequestIn
from passage.api.scopes import Scope
from passage.bridges.messages import Skipped, request_body
from passage.bridges.telegram import from_bot_update
from passage.core.access import Action, can

router = Router()
HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramSecret(APIKeyHeader):
    """The Passage token Telegram echoes in its secret-token header, checked like a bearer."""

    param_name = HEADER

    def authenticate(self, request, key):
        if not key:
            return None
        return TokenAuth(Scope.REQUESTS_CREATE).authenticate(request, key)


class _Open(Schema):
    # Telegram adds fields over time; what Passage does not read is let through unread.
    model_config = ConfigDict(extra="allow")


class TelegramChat(_Open):
    id: JsonInt
    type: str = Field(max_length=20)


class TelegramUser(_Open):
    id: JsonInt
    is_bot: StrictBool = False
    first_name: str = Field("", max_length=256)
    last_name: str | None = Field(None, max_length=256)
    username: str | None = Field(None, max_length=64)


class TelegramMessage(_Open):
    message_id: JsonInt
    date: JsonInt = Field(ge=0, description="Unix time, as the Bot API sends it.")
    chat: TelegramChat
    from_: TelegramUser | None = Field(None, alias="from")
    text: str | None = Field(None, max_length=4096)
    caption: str | None = Field(None, max_length=1024)


class TelegramUpdate(_Open):
    """The Bot API's Update: only `message` is read."""

    update_id: JsonInt
    message: TelegramMessage | None = None


class WebhookOut(Schema):
    taken: bool
    request_id: UUID | None = None
    status: Literal["created", "already_logged", "skipped"]
    reason: str = Field("", max_length=500)


@router.post(
    "/webhook",
    auth=TelegramSecret(),
    **responses(
        {200: WebhookOut},
        "bad_request",
        "scope_missing",
        "forbidden",
        "idempotency_conflict",
        "invalid",
    ),
    summary="Receive a Telegram Bot API update (webhook)",
)
def telegram_webhook(request, update: TelegramUpdate, idempotency_key: IdempotencyKey = None):
    """One update: logged as a request (a follow-up if the sender wrote before), or left out
    with the reason; 200 either way, so Telegram does not send it again."""
    if not can(request.auth, Action.LOG_REQUEST):
        raise PermissionDenied
    # The schema checked the fields Passage reads; the media keys are read from the body as sent.
    message = from_bot_update(json.loads(request.body))
    if isinstance(message, Skipped):
        return {"taken": False, "status": "skipped", "reason": message.reason}
    try:
        payload = RequestIn(**request_body(message, "telegram"))
    except PydanticValidationError as exc:
        # Telegram would send it again and again: say why, and let it go.
        reason = "; ".join(str(e.get("msg", "")) for e in exc.errors())[:500]
        return {"taken": False, "status": "skipped", "reason": reason}
    status, body = log_api_request(request, payload)
    return {
        "taken": status == 201,
        "request_id": body["id"],
        "status": "created" if status == 201 else "already_logged",
    }
