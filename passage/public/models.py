"""The anonymous channel: sources (requesters known only by a receipt), what they send, replies.

Nothing here records who a source is or where they wrote from: no IP address, no browser, and
no time finer than the day. Submissions are sealed to the organisation's public key on arrival.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.core.choices import ChoiceLabelsMixin
from passage.core.fields import EncryptedTextField


class Source(models.Model):
    """A requester who holds a receipt: found by a keyed hash of the code name, proven by an
    Argon2 hash of the passphrase. Neither is stored in clear."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lookup_id = models.CharField(max_length=64, unique=True)
    verifier = models.CharField(max_length=200)
    created_on = models.DateField()
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )

    def __str__(self) -> str:
        return f"source {self.pk}"


class Submission(ChoiceLabelsMixin, models.Model):
    """One message through the public form, sealed to the organisation's public key."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        LOGGED = "logged", _("Logged as a request")
        DISMISSED = "dismissed", _("Dismissed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="submissions")
    sealed = models.BinaryField()
    received_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        # No order finer than the day: rows of one day are listed by their random id.
        ordering = ["received_on", "id"]
        indexes = [models.Index(fields=["status", "received_on"], name="submission_status_idx")]

    def __str__(self) -> str:
        return f"submission {self.pk}"


class Reply(models.Model):
    """A reply from the organisation that the source reads with their receipt."""

    data_key_owner = "case"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="replies")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    body = EncryptedTextField(_("reply"))
    sent_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"reply {self.pk}"


class SpentFormToken(models.Model):
    """A form token already used: each is good for one submission. Holds no one's details."""

    digest = models.CharField(max_length=64, primary_key=True)
    spent_on = models.DateField()

    def __str__(self) -> str:
        return self.digest


class DailyCount(models.Model):
    """How many messages the public form took on one day, for the daily limit: one number a day,
    nothing about who sent them. Raised by a conditional UPDATE, so it never passes the limit."""

    day = models.DateField(primary_key=True)
    taken = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.taken}"
