"""`Idempotency-Key` on every POST: the same key from the same token gets the first answer
again, and nothing is done twice (a bridge retrying after a timeout cannot open a second case).

The key is kept as a keyed hash, with the answer, for KEEP; a key sent with another body or to
another operation is refused (`idempotency_conflict`), as is one whose first call still runs.
"""

import functools
import hashlib
import json
from datetime import timedelta
from typing import Annotated

from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja import Header, Status
from ninja.responses import NinjaJSONEncoder

from passage.api.errors import ApiError
from passage.api.models import IdempotentCall
from passage.core.crypto import keyed_hash

KEEP = timedelta(hours=24)
HEADER = "Idempotency-Key"

IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias=HEADER,
        min_length=1,
        max_length=200,
        pattern="^[\\u0021-\\u007e]+$",
        description="Any unique string (e.g. a UUID or the message's own id). Sending the same "
        "key again from the same token within 24 hours returns the first answer and changes "
        "nothing.",
    ),
]


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _stored(result) -> tuple[int, object]:
    status, value = (
        (result.status_code, result.value) if isinstance(result, Status) else (200, result)
    )
    return status, json.loads(json.dumps(value, cls=NinjaJSONEncoder))


def idempotent(view):
    """Operation decorator (runs after authentication): replays the stored answer of a key."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        token = getattr(request, "api_token", None)
        if request.method != "POST" or not key or token is None:
            return view(request, *args, **kwargs)
        key_hash = keyed_hash("api-idempotency-key", f"{token.pk}:{key}".encode())
        fingerprint = _fingerprint(request)
        now = timezone.now()
        with transaction.atomic():
            IdempotentCall.objects.filter(token=token, expires_at__lte=now).delete()
            try:
                # The unique row is the lock: a second call with the key waits here (PostgreSQL)
                # until the first commits, then replays its answer.
                with transaction.atomic():
                    call = IdempotentCall.objects.create(
                        token=token,
                        key_hash=key_hash,
                        request_hash=fingerprint,
                        expires_at=now + KEEP,
                    )
            except IntegrityError:
                call = IdempotentCall.objects.get(token=token, key_hash=key_hash)
                if call.request_hash != fingerprint or call.status is None:
                    raise ApiError("idempotency_conflict") from None
                return Status(call.status, call.body)
            # An error leaves the atomic block, so the key is forgotten with everything else
            # and a corrected retry runs afresh.
            result = view(request, *args, **kwargs)
            call.status, call.body = _stored(result)
            call.save(update_fields=["status", "body"])
        return result

    return wrapper
