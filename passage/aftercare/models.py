"""After-care (needs and the services that meet them) and testimony with consent."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passage.core.fields import EncryptedTextField
from passage.core.records import AddedRecord, CaseRecord


class NeedKind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical")
    MONEY = "money", _("Money")
    DOCUMENTS = "documents", _("Documents")
    LIVELIHOOD = "livelihood", _("Livelihood")
    FAMILY_RELOCATION = "family_relocation", _("Family relocation")
    LEGAL = "legal", _("Legal")


class NeedStatus(models.TextChoices):
    # "Open" is also a button; Burmese words the two differently.
    OPEN = "open", pgettext_lazy("need status", "Open")
    IN_PROGRESS = "in_progress", _("Being provided")
    MET = "met", _("Met")
    CANCELLED = "cancelled", _("No longer needed")


OPEN_STATUSES = (NeedStatus.OPEN, NeedStatus.IN_PROGRESS)


class Need(CaseRecord):
    """Something a person needs after arrival, and the service that meets it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("need"), max_length=20, choices=NeedKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    # Who provides it can point to a place (a clinic, a safe house): sealed like the details.
    provider = EncryptedTextField(_("provided by"), blank=True, default="")
    details = EncryptedTextField(_("details"), blank=True, default="")
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "case"], name="need_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class Consent(models.TextChoices):
    PRIVATE = "private", _("Private: for the organisation only")
    ANONYMISED = "anonymised", _("Anonymised for publication")
    PUBLIC = "public", _("Public, with name")
    LIVE = "live", _("Live-stream")


PUBLISHABLE = (Consent.ANONYMISED, Consent.PUBLIC, Consent.LIVE)


class ReasonForLeaving(models.TextChoices):
    ATROCITIES = "atrocities", _("Ordered to commit or witnessed atrocities")
    AIRSTRIKES = "airstrikes", _("Airstrikes or shelling of civilians")
    CONSCIENCE = "conscience", _("Conscience / support for democracy")
    ABUSE = "abuse", _("Abuse by superiors")
    FORCED_CONSCRIPTION = "conscription", _("Forced conscription")
    FAMILY = "family", _("Family pressure or threats to family")
    PAY = "pay", _("Pay and living conditions")
    FEAR = "fear", _("Fear for own life")
    OTHER = "other", _("Other")


class StatementQuerySet(models.QuerySet):
    def shown(self) -> "StatementQuerySet":
        """Every statement whose consent stands. The only way statements are listed: withdrawn
        testimony is never shown, read or exported again."""
        return self.filter(withdrawn_at__isnull=True)

    def publishable(self) -> "StatementQuerySet":
        return self.shown().filter(consent__in=PUBLISHABLE)


class Statement(CaseRecord):
    """A person's testimony, with the consent they gave for it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="statements")
    text = EncryptedTextField(_("statement"))
    consent = models.CharField(_("consent"), max_length=20, choices=Consent.choices)
    # Coarse tags from a fixed vocabulary, kept in clear for figures: never free text.
    reasons = models.JSONField(_("reasons for leaving"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"statement {self.pk}"

    def reason_labels(self) -> list[str]:
        return [ReasonForLeaving(r).label for r in self.reasons if r in ReasonForLeaving.values]


class LiveSessionQuerySet(models.QuerySet):
    def upcoming(self) -> "LiveSessionQuerySet":
        return self.filter(starts_at__gte=timezone.now() - timedelta(hours=6))


class LiveSession(models.Model):
    """A scheduled live-stream in which people who consented to "live-stream" speak."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    # Where and how (links, studio address): sealed.
    details = EncryptedTextField(_("details"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class ParticipantQuerySet(models.QuerySet):
    def consenting(self) -> "ParticipantQuerySet":
        """Participants whose live-stream consent still stands (withdrawn testimony excluded via
        Statement.objects.shown())."""
        live = Statement.objects.shown().filter(consent=Consent.LIVE).values("case_id")
        return self.filter(case__in=live)


class LiveParticipant(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="live_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} in {self.session_id}"


class Attachment(AddedRecord):
    """Audio or an image that belongs to a statement, stored encrypted under the case's key."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="attachments")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    # The bytes, base64-encoded, then encrypted like every other sealed field.
    data = EncryptedTextField()

    def __str__(self) -> str:
        return f"attachment {self.pk}"

    @property
    def is_audio(self) -> bool:
        return self.content_type.startswith("audio/")
