"""Flood protection without tracking anyone: a signed, one-time form token with a minimum fill time,
and a daily limit on messages from everyone together.

The form page carries a token signed with SECRET_KEY (Django signing) holding a random nonce and
the time it was issued. A submission is taken only if its token is genuine, at least
MIN_FILL_SECONDS and at most MAX_AGE_SECONDS old, and not used before. A script must fetch a page
and wait for each message; nothing about the sender is kept. The token also stands in for the
CSRF cookie, so the public pages set no cookie at all. Past settings.PUBLIC_DAILY_LIMIT messages
in a day (one counter a day, DailyCount) the form takes nothing more until the next day.
"""

import hashlib
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.public.models import DailyCount, SpentFormToken, Submission

SALT = "passage.public.form-token"
MIN_FILL_SECONDS = 5
MAX_AGE_SECONDS = 3 * 60 * 60


class TokenError(Exception):
    """The form cannot be accepted; the message tells the requester what to do."""


def issue(issued_at: float | None = None) -> str:
    now = int(time.time() if issued_at is None else issued_at)
    return signing.dumps({"n": secrets.token_urlsafe(16), "t": now}, salt=SALT, compress=False)


def daily_limit_reached() -> bool:
    """Whether today's messages have reached the limit: said on the form before anyone writes."""
    today = timezone.localdate()
    return DailyCount.objects.filter(day=today, taken__gte=settings.PUBLIC_DAILY_LIMIT).exists()


def take_daily_place() -> None:
    """Count one more message today, or raise TokenError once the day is full. Call inside the
    transaction that saves the message, so a message that is not saved gives its place back.

    Exact however many post at once: the UPDATE's condition is checked on the row as it is once
    the writer holds it (PostgreSQL re-reads a row it waited for; SQLite has one writer at a
    time), so of two posts for the last place only one updates a row.
    """
    today = timezone.localdate()
    if not DailyCount.objects.filter(day=today).exists():
        DailyCount.objects.filter(day__lt=today - timedelta(days=1)).delete()
        # Starts from what is already stored today, so the day the counter arrives is no gap.
        stored = Submission.objects.filter(received_on=today).count()
        DailyCount.objects.bulk_create([DailyCount(day=today, taken=stored)], ignore_conflicts=True)
    taken = DailyCount.objects.filter(day=today, taken__lt=settings.PUBLIC_DAILY_LIMIT).update(
        taken=F("taken") + 1
    )
    if not taken:
        raise TokenError(
            _(
                "We are sorry: we have received as many messages today as we can take. "
                "Nothing you wrote was saved. Please keep a copy of your message and send it "
                "again tomorrow."
            )
        )


def check(token: str, now: float | None = None) -> str:
    """The token's nonce if it is signed and of the right age (not whether it was spent), or
    raise TokenError. Cheap: run it before costly work such as an Argon2 hash."""
    now = time.time() if now is None else now
    try:
        content = signing.loads(token or "", salt=SALT)
        nonce, issued = str(content["n"]), int(content["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise TokenError(_("This form has expired. Please fill it in again.")) from None
    age = now - issued
    if age < MIN_FILL_SECONDS:
        raise TokenError(
            _(
                "That was very fast. Please wait a few seconds, check what you wrote, "
                "and send again."
            )
        )
    if age > MAX_AGE_SECONDS:
        raise TokenError(_("This form has expired. Please fill it in again."))
    return nonce


def spend(token: str, now: float | None = None) -> None:
    """Accept the token once, or raise TokenError. Call inside the transaction that saves."""
    nonce = check(token, now)
    today = timezone.localdate()
    SpentFormToken.objects.filter(spent_on__lt=today - timedelta(days=1)).delete()
    try:
        with transaction.atomic():
            SpentFormToken.objects.create(
                digest=hashlib.sha256(nonce.encode()).hexdigest(), spent_on=today
            )
    except IntegrityError:
        raise TokenError(_("This form was already sent. Please fill it in again.")) from None


ACCESS_SALT = "passage.public.source-access"
ACCESS_MAX_AGE = 30 * 60


def source_access(source_id) -> str:
    """After the receipt was checked: lets the next form send more for 30 minutes, no cookie."""
    return signing.dumps(str(source_id), salt=ACCESS_SALT)


def source_from_access(token: str) -> str | None:
    try:
        return signing.loads(token or "", salt=ACCESS_SALT, max_age=ACCESS_MAX_AGE)
    except signing.BadSignature:
        return None
