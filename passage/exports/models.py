import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from passage.core.fields import EncryptedJSONField


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
