"""An uploaded list waiting in preview belongs to the coordinator who uploaded it, and expires:
its sealed rows hold every name in the file."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from passage.screening import actions
from passage.screening.models import ImportBatch, WatchlistEntry
from tests.conftest import signed_in
from tests.screening.helpers import WATCHLIST_CSV, batch_from


def test_another_coordinator_neither_sees_nor_commits_the_preview(people):
    batch = batch_from(people["coordinator"], "watchlist", WATCHLIST_CSV)
    url = reverse("screening:import_preview", args=[batch.pk])
    assert signed_in(people["coordinator"]).get(url).status_code == 200
    other = signed_in(people["outsider_coordinator"])
    assert other.get(url).status_code == 404
    assert other.post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.commit_import(people["outsider_coordinator"], batch)
    assert not WatchlistEntry.objects.exists()


def test_a_preview_expires_and_is_deleted_at_the_next_upload(people):
    batch = batch_from(people["coordinator"], "watchlist", WATCHLIST_CSV)
    ImportBatch.objects.filter(pk=batch.pk).update(
        uploaded_at=timezone.now() - timedelta(hours=actions.IMPORT_HOURS + 1)
    )
    client = signed_in(people["coordinator"])
    url = reverse("screening:import_preview", args=[batch.pk])
    assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.commit_import(people["coordinator"], batch)
    upload = SimpleUploadedFile("list.csv", WATCHLIST_CSV.encode(), content_type="text/csv")
    response = client.post(reverse("screening:import"), {"kind": "watchlist", "file": upload})
    assert response.status_code == 302
    fresh = ImportBatch.objects.get()
    assert fresh.pk != batch.pk and response.url.endswith(f"{fresh.pk}/")
