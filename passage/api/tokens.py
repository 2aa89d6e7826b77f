"""Creating, revoking and checking API tokens, and counting each token's calls."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from passage.api.models import ApiToken, RateWindow, hash_token
from passage.api.scopes import ADMIN_GRANTABLE, Scope
from passage.core import audit
from passage.core.access import Action, can
from passage.core.actions import update_audited

TOKEN_PREFIX = "psg_"  # noqa: S105 (a marker secret scanners know, not a secret)
DEFAULT_DAYS = 90
MAX_DAYS = 366


def window_seconds() -> int:
    return int(getattr(settings, "PASSAGE_API_RATE_WINDOW_SECONDS", 60))


def create_token(
    actor,
    *,
    name: str,
    owner,
    scopes: list[str],
    days: int = DEFAULT_DAYS,
    rate_limit: int = 60,
    request=None,
) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is returned here once and never stored."""
    if actor is not None and not can(actor, Action.MANAGE_USERS):
        raise PermissionDenied
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    if actor is not None and set(scopes) - ADMIN_GRANTABLE:
        raise PermissionDenied
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token lives 1 to {MAX_DAYS} days")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name,
            owner=owner,
            scopes=sorted(set(scopes)),
            token_hash=hash_token(raw),
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            rate_limit=rate_limit,
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit.record(
            actor,
            "api_token.create",
            token,
            request=request,
            detail={"owner": owner.pk, "scopes": token.scopes, "expires": str(token.expires_at)},
        )
    return token, raw


def revoke_token(actor, token: ApiToken, *, request=None) -> ApiToken:
    if actor is not None and not can(actor, Action.MANAGE_USERS):
        raise PermissionDenied
    if token.revoked_at is not None:
        return token
    return update_audited(
        actor, token, {"revoked_at": timezone.now()}, "api_token.revoke", request=request
    )


def find_token(raw: str) -> ApiToken | None:
    """The usable token with this secret, or None (unknown, revoked, expired, owner disabled)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    return (
        ApiToken.objects.usable().select_related("owner").filter(token_hash=hash_token(raw)).first()
    )


@dataclass(frozen=True)
class RateVerdict:
    allowed: bool
    retry_after: int


def count_call(token: ApiToken, now=None) -> RateVerdict:
    """Count one call in the token's current fixed window; refuse it past the token's limit."""
    now = now or timezone.now()
    length = window_seconds()
    epoch = int(now.timestamp())
    start_ts = epoch - epoch % length
    start = now.fromtimestamp(start_ts, tz=now.tzinfo)
    retry_after = max(1, start_ts + length - epoch)
    updated = RateWindow.objects.filter(token=token, window_start=start).update(
        calls=F("calls") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                RateWindow.objects.create(token=token, window_start=start, calls=1)
        except IntegrityError:
            # Another process opened the window a moment ago.
            RateWindow.objects.filter(token=token, window_start=start).update(calls=F("calls") + 1)
        # Old windows are of no use; a new window is a good moment to drop them.
        RateWindow.objects.filter(token=token, window_start__lt=start).delete()
    calls = RateWindow.objects.filter(token=token, window_start=start).values_list(
        "calls", flat=True
    )[0]
    return RateVerdict(calls <= token.rate_limit, retry_after)
