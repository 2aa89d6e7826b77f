"""The API's fixed table of errors: each has a code, an HTTP status and one message.

Clients branch on `error` (a stable code); `message` is for people and follows Accept-Language.
"""

from typing import Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

ERRORS = {
    "bad_request": (400, _("The request body is not valid JSON.")),
    "unauthorized": (
        401,
        _("Send a valid, unexpired API token in the header “Authorization: Bearer …”."),
    ),
    "scope_missing": (403, _("This token's scopes do not allow this call.")),
    "forbidden": (403, _("The token's owner may not do this.")),
    "not_found": (404, _("Nothing with this id exists, or this token may not see it.")),
    "method_not_allowed": (405, _("This path does not take this method; see `detail`.")),
    "move_refused": (409, _("The case cannot make this move now; see `detail`.")),
    "idempotency_conflict": (
        409,
        _("This Idempotency-Key was already used with a different body, or is still running."),
    ),
    "invalid": (422, _("Some fields are not valid; see `fields`.")),
    "rate_limited": (429, _("Too many calls with this token. Wait for Retry-After seconds.")),
    # Answered by passage.core.sealing.middleware, before the API runs; same shape.
    "sealed": (503, _("Passage is sealed. Try again after Retry-After seconds.")),
}
ErrorCode = Literal[
    "bad_request",
    "unauthorized",
    "scope_missing",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "move_refused",
    "idempotency_conflict",
    "invalid",
    "rate_limited",
    "sealed",
]


class FieldProblem(Schema):
    field: str = Field(max_length=200, description="Where: e.g. body.names.0")
    message: str = Field(max_length=500)


class ErrorOut(Schema):
    error: ErrorCode
    message: str = Field(max_length=500)
    detail: str | None = Field(None, max_length=500)
    fields: list[FieldProblem] | None = Field(None, max_length=100)


def error_body(code: str, *, detail: str | None = None, fields=None) -> dict:
    return {"error": code, "message": str(ERRORS[code][1]), "detail": detail, "fields": fields}


def responses(ok: dict, *codes: str, links: dict | None = None) -> dict:
    """Keyword arguments for a route: its success schema, and each error it can answer, with
    the error codes and messages of each status written into the OpenAPI description; `links`
    are OpenAPI links from the success answer to the operations that take its ids."""
    table, described = dict(ok), {}
    for code in ("unauthorized", "rate_limited", "sealed", *codes):
        status, message = ERRORS[code]
        table[status] = ErrorOut
        described.setdefault(status, []).append(f"`{code}`: {message}")
    extra = {status: {"description": " ".join(lines)} for status, lines in described.items()}
    for status in (429, 503):
        extra[status]["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before calling again.",
                "schema": {"type": "integer", "minimum": 1},
            }
        }
    for status in ok if links else ():
        extra[status] = {"links": links}
    return {"response": table, "openapi_extra": {"responses": extra}}


class ApiError(Exception):
    def __init__(
        self, code: str, *, detail: str | None = None, fields=None, headers: dict | None = None
    ):
        super().__init__(code)
        self.code, self.detail, self.fields, self.headers = code, detail, fields, headers or {}
