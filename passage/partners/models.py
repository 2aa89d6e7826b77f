"""Partner organisations, overlap-count runs, and the messages already received from each.

A partner's public keys live in the keyring (identity.py), sealed like every key; this table
holds what the rules need (confirmed? how often? how small a set?) and never a name of a person.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from passage.core.fields import EncryptedJSONField, EncryptedTextField


class Partner(models.Model):
    """Another Passage installation we may count an overlap with, once both sides confirmed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Sealed: who an organisation works with is itself something an adversary wants.
    name = EncryptedTextField(default="")
    # SHA-256 of the partner's Ed25519 public key (hex, 32 chars): how its messages name it.
    fingerprint = models.CharField(max_length=32, unique=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True)
    min_set_size = models.PositiveIntegerField(default=50)
    period_days = models.PositiveIntegerField(default=30)
    # Direct HTTPS between installations: off unless a coordinator sets it for this partner.
    https_url = models.CharField(max_length=200, blank=True, default="")
    https_enabled = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"partner {self.fingerprint[:8]}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class Run(models.Model):
    """One overlap count with one partner, seen from this side. Same id on both sides."""

    # Its secrets and blinded sets are sealed under its own data key, destroyed at the end.
    data_key_owner = "self"

    class Role(models.TextChoices):
        INITIATOR = "initiator"
        RESPONDER = "responder"

    class State(models.TextChoices):
        OPENED = "opened"  # started here, or the partner's first message imported: needs approval
        COMMITTED = "committed"  # our blinded set (or its commitment) is out; waiting
        REVEALED = "revealed"  # initiator: our set and our answer are out; waiting for theirs
        DONE = "done"
        ABANDONED = "abandoned"  # expired before the end; secrets destroyed

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="runs")
    role = models.CharField(max_length=10, choices=Role.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPENED)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    # The next message number we expect from the partner (messages are numbered 1..4 per run).
    expect_seq = models.PositiveSmallIntegerField(default=1)
    partner_commitment = models.CharField(max_length=64, blank=True, default="")
    own_sizes = models.JSONField(default=dict)
    partner_sizes = models.JSONField(default=dict)
    # Ephemeral ECDH keys and our blinded set, between rounds only: emptied and their data key
    # destroyed when the run ends (crypto-shredded, backups included).
    secrets = EncryptedJSONField(default=dict)
    own_payload = EncryptedTextField(default="")
    # What the run revealed: matched keys per kind, and the person range [strict, loose].
    counts = models.JSONField(default=dict)
    strict = models.PositiveIntegerField(null=True)
    loose = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"run {self.pk}"


class SeenMessage(models.Model):
    """A message id already accepted: the same file twice is a replay and is refused."""

    message_id = models.CharField(max_length=32, unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.message_id
