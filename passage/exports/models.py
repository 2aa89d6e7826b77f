import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.core.fields import EncryptedJSONField, EncryptedTextField


class ImportBatch(models.Model):
    """An uploaded spreadsheet between upload and commit. Its rows are sealed like case data,
    and emptied once committed; only the person who uploaded it can see it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # {"header": [...], "rows": [[...], ...]}: cell text as read from the file.
    content = EncryptedJSONField(default=dict)
    row_count = models.PositiveIntegerField(default=0)
    # Target field -> column index (as text); no case content.
    mapping = models.JSONField(default=dict, blank=True)
    default_channel = models.CharField(max_length=20, default="phone")
    cell = models.ForeignKey(
        "accounts.Cell", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"import {self.pk} ({self.row_count} rows)"


class ImportedSubmission(models.Model):
    """A survey row (KoboToolbox/ODK `_uuid`) already imported, as a keyed hash: importing the
    same export again skips it. The case it became goes with it when the case is deleted."""

    key_hash = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"imported submission {self.key_hash[:8]}…"


class ExportJob(models.Model):
    """A large export built by the task worker. What to export is kept; the file is written
    encrypted under `file_key`, a random key of this job alone, so blanking the key (at expiry)
    leaves nothing readable even where the file's blocks survive on disk."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired and deleted")

    class Problem(models.TextChoices):
        NO_ACCESS = "no_access", _("You no longer have the rights this export needs.")
        SEALED = "sealed", _("Passage was sealed while the export was being written.")
        FAILED = "failed", _("The export could not be written. Nothing was kept; try again.")
        STALLED = (
            "stalled",
            _(
                "The export stopped part-way: the worker writing it was interrupted. "
                "Nothing was kept; try again."
            ),
        )
        PURGED = (
            "purged",
            _(
                "Withdrawn: a case in it was purged, so the file and its key were destroyed. "
                "Export the queue again if you still need it."
            ),
        )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    problem = models.CharField(max_length=10, choices=Problem.choices, default="", blank=True)
    file_format = models.CharField(max_length=4)
    columns = models.JSONField(default=list)
    # The queue filters as submitted (codes, a cell's id): applied again, to the owner's rights
    # as they are, when the job runs.
    filters = models.JSONField(default=dict)
    reason = EncryptedTextField(default="", blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Set when the worker claims the job and at each step of progress: a running job whose
    # worker died stops moving, and is given up after jobs.STALLED_AFTER.
    progressed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file_key = EncryptedTextField(null=True, blank=True)

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0

    @property
    def working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
