"""API tokens for integrations (hotline and chat bridges, partner systems), and what they did."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(raw: str) -> str:
    """Tokens are random 32-byte secrets, so one SHA-256 is enough: there is nothing to guess."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, owner__is_active=True)


class ApiToken(models.Model):
    """A scoped secret an integration sends as `Authorization: Bearer …`; it acts as `owner`.

    Only the SHA-256 of the secret is kept; the secret itself is shown once, when created.
    """

    name = models.CharField(_("name"), max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("acts as"),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so an admin can tell tokens apart without the secret.
    prefix = models.CharField(max_length=12)
    rate_limit = models.PositiveIntegerField(
        _("calls per minute"), default=60, help_text=_("Calls allowed per minute.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


class RateWindow(models.Model):
    """Calls one token made in one fixed window: a counter shared by every server process."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "window_start"], name="api_rate_window_unique")
        ]

    def __str__(self) -> str:
        return f"token {self.token_id} at {self.window_start:%H:%M}: {self.calls}"


class RequestOrigin(models.Model):
    """Which token logged a request, so only that token may read the request's status."""

    request = models.OneToOneField(
        "intake.Request", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="+")
    # A keyed hash of the bridge's own message id and the owner: the same message sent again,
    # in a day or a year, is recognised and not logged twice.
    message_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    def __str__(self) -> str:
        return f"request {self.request_id} via token {self.token_id}"


class SenderKey(models.Model):
    """A bridge's own stable id for a sender (a chat user id, a phone number), so its next
    message joins the same case. Only a keyed hash (HMAC) of the id is kept, per token owner:
    a seized database does not list who wrote in, and one owner's keys never reach another's."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key_hash"], name="api_sender_key_unique")
        ]

    def __str__(self) -> str:
        return f"sender key {self.key_hash[:8]}… of user {self.owner_id}"


class IdempotentCall(models.Model):
    """The answer to a POST sent with an Idempotency-Key, replayed when the same token sends
    the same key again, until `expires_at`. The key is kept as a keyed hash only."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)
    # Which operation and body the key was first used with: another body is a conflict.
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key_hash"], name="api_idempotent_unique")
        ]

    def __str__(self) -> str:
        return f"idempotent call {self.key_hash[:8]}… of token {self.token_id}"


class RefusalWindow(models.Model):
    """Calls without a usable token from one network in one fixed window. A flood of bogus
    tokens raises this counter; only the first refusal of each window goes to the audit chain."""

    source = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "window_start"], name="api_refusal_window_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} at {self.window_start:%H:%M}: {self.calls} refused"
