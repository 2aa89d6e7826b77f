"""Watchlists, documented-abuse records, the blind name index and screening hits.

Every name, and everything that would tell who a record is about, is encrypted. The blind
index holds only keyed hashes (HMAC-SHA256) of canonical name keys, so the database can find
candidates for a name without ever holding one in clear.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.cases.vocab import Rank
from passage.core.fields import EncryptedJSONField, EncryptedTextField


class Kind(models.TextChoices):
    """What a name in the index, or the other side of a hit, belongs to."""

    PERSON = "person", _("Earlier request")
    WATCHLIST = "watchlist", _("Watchlist")
    ABUSE = "abuse", _("Documented abuse")


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ScreeningRecord(models.Model):
    """What a watchlist entry and an abuse record share: a random id, a reference people quote,
    and who filed it when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


class WatchlistEntry(ScreeningRecord):
    """A suspected infiltrator: names and aliases, where the suspicion came from, how sure."""

    names = EncryptedJSONField(_("names and aliases"), default=list)
    unit = EncryptedTextField(_("unit"), blank=True, default="")
    township = EncryptedTextField(_("township"), blank=True, default="")
    rank = models.CharField(_("rank"), max_length=30, choices=Rank.choices, default=Rank.UNKNOWN)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    source = EncryptedTextField(_("source"), blank=True, default="")
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    notes = EncryptedTextField(_("notes"), blank=True, default="")


class AbuseRecord(ScreeningRecord):
    """A documented abuse: when, where, which units, who was named (with ranks), the sources."""

    date = models.DateField(_("date"), null=True, blank=True)
    place = EncryptedTextField(_("place"), blank=True, default="")
    units = EncryptedJSONField(_("units"), default=list)
    # [{"name": "Aung Aung", "rank": "captain", "as_written": "Capt. Aung Aung"}, ...]
    perpetrators = EncryptedJSONField(_("named perpetrators"), default=list)
    description = EncryptedTextField(_("description"), blank=True, default="")
    sources = EncryptedTextField(_("sources"), blank=True, default="")


# The list kinds a coordinator adds, changes and imports, with their models.
RECORD_MODELS = {Kind.WATCHLIST: WatchlistEntry, Kind.ABUSE: AbuseRecord}


class BlindKey(models.Model):
    """One keyed hash of a canonical name key, pointing at the record filed under it.

    `version` says which index key made the hash: `passage screening reindex` rebuilds every
    row with the current key (after re-keying) and lookups use only that version.
    """

    digest = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    record_id = models.UUIDField()
    version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["digest", "version"], name="blind_key_digest_idx"),
            models.Index(fields=["kind", "record_id"], name="blind_key_record_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["digest", "kind", "record_id", "version"], name="blind_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.record_id}"


class Hit(models.Model):
    """A possible match between a case's person and another record, with its review."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        CONFIRMED = "confirmed", _("Confirmed")
        FALSE_POSITIVE = "false_positive", _("False positive")

    # Reasons name the matched person: sealed under the case's key, so a purge shreds them too.
    data_key_owner = "case"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="screening_hits")
    other_kind = models.CharField(max_length=10, choices=Kind.choices)
    other_id = models.UUIDField()
    # For an earlier person: their latest case, so the hit shows on both cases and access to the
    # other side is decided by that case.
    other_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name_score = models.FloatField()
    score = models.FloatField()  # the name score moved by attribute evidence
    # Reasons name syllables of both people, so they are sealed like the names themselves.
    reasons = EncryptedJSONField(default=list)
    evidence = EncryptedJSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    review_note = EncryptedTextField(blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "found_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "other_kind", "other_id"], name="hit_unique_per_record"
            )
        ]
        indexes = [models.Index(fields=["other_case"], name="hit_other_case_idx")]

    def __str__(self) -> str:
        return f"hit {self.other_kind} on case {self.case_id}"


class ImportBatch(models.Model):
    """An uploaded list waiting in preview: parsed rows kept sealed until committed or dropped."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    filename = EncryptedTextField(blank=True, default="")
    rows = EncryptedJSONField(default=list)
    # [{"row": 3, "column": "names", "message": "..."}]; a message may quote the cell, so sealed.
    errors = EncryptedJSONField(default=list)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    committed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} import {self.pk}"
