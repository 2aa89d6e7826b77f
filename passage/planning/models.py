"""Exit plans: steps, the go / no-go, check-ins during transit, alerts, and the outcome.

Everything that would help someone intercept the person (routes, meeting points, safe houses,
contacts) is encrypted under the case's data key. Times and statuses stay in clear so the
background task can find missed check-ins without opening anything.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.core.choices import ChoiceLabelsMixin
from passage.core.fields import EncryptedTextField
from passage.core.records import CaseRecord, RecordedNote


class Outcome(models.TextChoices):
    ARRIVED = "arrived", _("Arrived")
    ABORTED = "aborted", _("Aborted")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    COMPROMISED = "compromised", _("Compromised")


class Plan(CaseRecord):
    """One exit plan for a cleared case, seen only by its planners and approving coordinator."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="plan")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approved_plans"
    )
    planners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="plans")
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = EncryptedTextField(blank=True, default="")
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"plan for case {self.case_id}"

    def latest_go(self):
        return self.go_decisions.order_by("-decided_at").first()

    @classmethod
    def go_given(cls, case) -> bool:
        """Whether the case's plan has a "go" and no "no-go" after it (lifecycle.Needs)."""
        plan = cls.objects.filter(case=case).first()
        if plan is None or plan.outcome:
            return False
        latest = plan.latest_go()
        return latest is not None and latest.go


class Step(CaseRecord):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("Under way")
        DONE = "done", _("Done")
        BLOCKED = "blocked", _("Blocked")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    title = EncryptedTextField()
    # Route, meeting points, safe-house references, contacts.
    details = EncryptedTextField(blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "created_at"]

    def __str__(self) -> str:
        return f"step of plan {self.plan_id}"


class GoDecision(CaseRecord):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="go_decisions")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    go = models.BooleanField()
    reason = EncryptedTextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{'go' if self.go else 'no-go'} on plan {self.plan_id}"


class CheckIn(RecordedNote):
    """A time by which the person in transit is expected to make contact; when it is made, the
    note and who recorded it when come from `RecordedNote`."""

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        RECEIVED = "received", _("Contact made")
        MISSED = "missed", _("Missed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="check_ins")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.EXPECTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="checkin_due_idx")]

    def __str__(self) -> str:
        return f"check-in due {self.due_at:%Y-%m-%d %H:%M}"


class Alert(ChoiceLabelsMixin, models.Model):
    """Something a plan's people must see now. Holds no plan content: only what and when."""

    class Kind(models.TextChoices):
        MISSED_CHECK_IN = "missed_check_in", _("Missed check-in")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="alerts")
    check_in = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    raised_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)
    # The audit chain needs the unsealed keys; a worker that has none leaves this False and the
    # next process holding keys writes the record (planning.actions.audit_raised_alerts).
    audited = models.BooleanField(default=False)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["recipient", "seen_at"], name="alert_unseen_idx")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"
