"""Vetting: checklist templates, each case's checklist, references, and decisions.

Notes, references' descriptions and decision reasons are encrypted under the case's data key,
so purging a case shreds them with it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.core.choices import ChoiceLabelsMixin
from passage.core.fields import EncryptedTextField


class ChecklistTemplate(models.Model):
    """A list of checks a coordinator keeps; a case's checklist is copied from one."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    is_default = models.BooleanField(_("default for new checklists"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class TemplateItem(models.Model):
    """One check, worded in English and in Burmese."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    text_en = models.CharField(_("in English"), max_length=200)
    text_my = models.CharField(_("in Burmese"), max_length=200)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text_en


class ChecklistItem(ChoiceLabelsMixin, models.Model):
    """One check on one case: copied from a template, so later template edits change nothing."""

    # Sealed fields use the case's data key, so purging the case shreds them too.
    data_key_owner = "case"

    class Status(models.TextChoices):
        NOT_DONE = "not_done", _("Not done")
        DONE = "done", _("Done")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    data_key_owner = "case"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="checklist")
    position = models.PositiveSmallIntegerField()
    text_en = models.CharField(max_length=200)
    text_my = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_DONE)
    note = EncryptedTextField(blank=True, default="")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text_en


class Reference(ChoiceLabelsMixin, models.Model):
    """Someone who vouches for the requester, and how well they know them."""

    # Sealed fields use the case's data key, so purging the case shreds them too.
    data_key_owner = "case"

    class Strength(models.TextChoices):
        STRONG = "strong", _("Strong: knows them well, in person, for years")
        MEDIUM = "medium", _("Medium: served or lived with them for a while")
        WEAK = "weak", _("Weak: knows of them, or only online")

    data_key_owner = "case"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="references")
    # Someone Passage already knows (another defector it helped), else only the description.
    person = models.ForeignKey(
        "cases.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="vouched"
    )
    description = EncryptedTextField(blank=True, default="")
    strength = models.CharField(max_length=10, choices=Strength.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at"]

    def __str__(self) -> str:
        return f"reference on case {self.case_id}"


class Decision(ChoiceLabelsMixin, models.Model):
    """A recommendation and, once a second person agrees, the decision it becomes."""

    # Sealed fields use the case's data key, so purging the case shreds them too.
    data_key_owner = "case"

    class Kind(models.TextChoices):
        CLEAR = "clear", _("Clear")
        CLEAR_WITH_CONDITIONS = "clear_conditions", _("Clear with conditions")
        REJECT = "reject", _("Reject")
        REFER = "refer", _("Refer for accountability")
        SUSPEND = "suspend", _("Suspend")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        SUPERSEDED = "superseded", _("Replaced by a later recommendation")

    data_key_owner = "case"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = EncryptedTextField(blank=True, default="")
    conditions = EncryptedTextField(blank=True, default="")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recommended_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_note = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["-recommended_at"]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"

    @property
    def is_clearance(self) -> bool:
        return self.kind in CLEARANCES

    def clears(self, case, actor) -> bool:
        """Whether this decision lets `actor` move `case` to "cleared": an approved clearance of
        this case, approved by `actor`, who did not recommend it (the four-eyes rule)."""
        return (
            self.is_clearance
            and self.status == self.Status.APPROVED
            and self.case_id == case.pk
            and self.decided_by_id == actor.pk
            and self.recommended_by_id != actor.pk
        )


CLEARANCES = frozenset({Decision.Kind.CLEAR, Decision.Kind.CLEAR_WITH_CONDITIONS})
