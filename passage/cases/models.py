import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.cases.lifecycle import Stage
from passage.cases.vocab import AgeBand, Branch, Channel, Rank, Region, Urgency, age_band
from passage.core.choices import ChoiceLabelsMixin
from passage.core.fields import EncryptedJSONField, EncryptedTextField


class Person(ChoiceLabelsMixin, models.Model):
    """Someone who asked for help. Lists show only the pseudonym; identity stays encrypted."""

    # Its sealed fields use its own data key; a purge destroys it (core/sealing/datakeys.py).
    data_key_owner = "self"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pseudonym = models.CharField(_("pseudonym"), max_length=60, unique=True)
    # Sealed identity: names and aliases as typed (Unicode), unit, township, contact, notes.
    names = EncryptedJSONField(_("names and aliases"), default=list)
    unit = EncryptedTextField(_("unit"), blank=True, default="")
    township = EncryptedTextField(_("township"), blank=True, default="")
    contact_handle = EncryptedTextField(_("contact handle"), blank=True, default="")
    # Coarse facts kept in clear for triage filters and figures.
    rank = models.CharField(_("rank"), max_length=30, choices=Rank.choices, default=Rank.UNKNOWN)
    branch = models.CharField(
        _("branch"), max_length=20, choices=Branch.choices, default=Branch.UNKNOWN
    )
    region = models.CharField(
        _("state or region of posting"),
        max_length=20,
        choices=Region.choices,
        default=Region.UNKNOWN,
    )
    # The exact age is sealed like the identity; only its band is in clear (Person.age sets both).
    sealed_age = EncryptedTextField(null=True, blank=True)  # null: added to existing rows
    age_band = models.CharField(
        "age band", max_length=8, choices=AgeBand.choices, blank=True, default=""
    )
    # Ages saved before bands existed, in clear until the person is next saved with an age.
    legacy_age = models.PositiveSmallIntegerField(null=True, blank=True)
    family_at_risk = models.BooleanField(_("family at risk"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def age(self) -> int | None:
        """The exact age (needs Passage unsealed, like every identity field)."""
        return int(self.sealed_age) if self.sealed_age else self.legacy_age

    @age.setter
    def age(self, value: int | None) -> None:
        self.sealed_age = None if value is None else str(int(value))
        self.age_band = age_band(value)
        self.legacy_age = None


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CaseQuerySet":
        from passage.core import access

        return access.visible_cases(self, user)


class Case(ChoiceLabelsMixin, models.Model):
    # Its sealed fields use its own data key; a purge destroys it (core/sealing/datakeys.py).
    data_key_owner = "self"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.RECEIVED
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    cell = models.ForeignKey(
        "accounts.Cell", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_cases"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    # The queue serves the most urgent first, then whoever has waited longest in their stage.
    stage_changed_at = models.DateTimeField(default=timezone.now)
    latest_channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    is_open = models.BooleanField(default=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["is_open", "-urgency", "stage_changed_at"], name="case_queue_idx"),
            models.Index(fields=["stage", "-urgency", "stage_changed_at"], name="case_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person.pseudonym} ({self.get_stage_display()})"


class TimelineEntry(ChoiceLabelsMixin, models.Model):
    """What happened to a case, in order: requests, stage changes, assignments."""

    # Sealed fields use the case's data key, so purging the case shreds them too.
    data_key_owner = "case"

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request")
        STAGE = "stage", _("Stage change")
        ASSIGNMENT = "assignment", _("Assignment")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    note = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
