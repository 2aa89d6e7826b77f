"""Vetting: checklist templates, each case's checklist, references, and decisions.

Notes, references' descriptions and decision reasons are encrypted under the case's data key,
so purging a case shreds them with it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.core.fields import EncryptedTextField
from passage.core.records import AddedRecord, CaseRecord, RecordedNote


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


class ChecklistItem(RecordedNote):
    """One check on one case: copied from a template, so later template edits change nothing.
    Its note, and who ticked it when, come from `RecordedNote`."""

    class Status(models.TextChoices):
        NOT_DONE = "not_done", _("Not done")
        DONE = "done", _("Done")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="checklist")
    position = models.PositiveSmallIntegerField()
    text_en = models.CharField(max_length=200)
    text_my = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_DONE)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text_en


class Reference(AddedRecord):
    """Someone who vouches for the requester, and how well they know them."""

    class Strength(models.TextChoices):
        STRONG = "strong", _("Strong: knows them well, in person, for years")
        MEDIUM = "medium", _("Medium: served or lived with them for a while")
        WEAK = "weak", _("Weak: knows of them, or only online")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="references")
    # Someone Passage already knows (another defector it helped), else only the description.
    person = models.ForeignKey(
        "cases.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="vouched"
    )
    description = EncryptedTextField(blank=True, default="")
    strength = models.CharField(max_length=10, choices=Strength.choices)

    def __str__(self) -> str:
        return f"reference on case {self.case_id}"


class Decision(CaseRecord):
    """A recommendation and, once a second person agrees, the decision it becomes."""

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
        WITHDRAWN = "withdrawn", _("Withdrawn by the person who recommended it")

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
    # Why the recommender took it back (then decided_by/decided_at are theirs). Null, not "",
    # until then: rows older than this field have no ciphertext to hold.
    withdraw_note = EncryptedTextField(null=True, blank=True)

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
