from django.conf import settings
from django.db import models

from passage.core.fields import EncryptedTextField


class Organisation(models.Model):
    """The one organisation this installation serves (set at first run)."""

    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "Organisation | None":
        return cls.objects.order_by("pk").first()


class AuditRecord(models.Model):
    """One link in the audit chain: who did or read what, when, from where.

    `hash` is an HMAC over this record's content and the previous record's hash, so an edited,
    deleted or reordered record breaks the chain at that point. Detail never holds case content.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    source = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's tip. Locking this one row serialises appends; it also exposes a cut tail."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class DataKey(models.Model):
    """One owner's data key (a person's, a case's), wrapped by the master key `master_id`.

    A purge empties `wrapped` and sets `destroyed_at`: the tombstone stops a new key from ever
    being made for that owner, and the key itself is gone (crypto-shredding).
    """

    owner_type = models.CharField(max_length=60)
    owner_id = models.CharField(max_length=64)
    master_id = models.CharField(max_length=16, blank=True)
    wrapped = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner_type", "owner_id"], name="datakey_owner_uniq")
        ]

    def __str__(self) -> str:
        return f"data key of {self.owner_type}:{self.owner_id}"


class PurgeRequest(models.Model):
    """A coordinator asks to purge a case's identity; a different coordinator must approve."""

    # The reason is sealed under the case's own key, so the purge shreds it with the rest.
    data_key_owner = "case"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = EncryptedTextField(null=True, blank=True)  # null: rows from before it existed
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"purge of case {self.case_id}"


class AuditCheckpoint(models.Model):
    """The chain's head at one moment, signed with the keyring's Ed25519 key (core/checkpoints.py).

    Kept here for the coordinators' page, but it is worth something only *outside* the database:
    an exported copy lets `passage audit verify --checkpoint FILE` find records cut from the end
    of the chain even if the head row was moved back with them."""

    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    master_id = models.CharField(max_length=16)  # the master whose key hashed the chain then
    made_at = models.DateTimeField()
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["-seq", "-made_at"]

    def __str__(self) -> str:
        return f"audit checkpoint at #{self.seq}"
