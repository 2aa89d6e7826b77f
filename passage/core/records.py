"""Abstract models that case records share (vetting, planning, after-care): one definition of
the id, the sealing key owner, who added a record when, and a note with who wrote it when."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from passage.core.choices import ChoiceLabelsMixin
from passage.core.fields import EncryptedTextField


class CaseRecord(ChoiceLabelsMixin, models.Model):
    """A record that belongs to one case (a check, a reference, a decision, a plan and its parts).

    Its sealed fields use the case's data key, so purging the case shreds them too; its id is a
    random UUID, so ids say nothing about how many records there are or in what order.
    """

    data_key_owner = "case"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class RecordedNote(CaseRecord):
    """A case record someone fills in later: a sealed note, and who wrote it and when."""

    note = EncryptedTextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class AddedRecord(CaseRecord):
    """A case record someone adds whole (a reference, an attachment): who added it and when,
    listed in the order they were added."""

    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["added_at"]
