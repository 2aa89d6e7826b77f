"""Signed checkpoints anchor the audit chain outside the database: cutting the last records and
moving the head back passes `audit verify` alone, but not `audit verify --checkpoint FILE`."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from passage.core import audit, checkpoints
from passage.core.models import AuditCheckpoint, AuditHead, AuditRecord
from passage.core.sealing import keyring, tasks
from tests.conftest import signed_in


def _records(n):
    for i in range(n):
        audit.record(None, "test.event", detail={"i": i})


def _cut_tail(keep: int) -> None:
    """What an insider with the database does: delete the newest records, move the head back."""
    last = AuditRecord.objects.get(seq=keep)
    AuditRecord.objects.filter(seq__gt=keep).delete()
    AuditHead.objects.filter(pk=1).update(last_seq=keep, last_hash=last.hash)


@pytest.fixture
def exported(db, tmp_path, people):
    _records(10)
    assert checkpoints.make() is not None
    response = signed_in(people["coordinator"]).get(reverse("core:checkpoints_download"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    path = tmp_path / "checkpoints.json"
    path.write_bytes(response.content)
    return path


def test_a_cut_tail_with_the_head_moved_back_is_found_only_with_a_checkpoint(exported, capsys):
    total = AuditRecord.objects.count()
    call_command("audit", "verify", "--checkpoint", str(exported))
    assert f"intact: {total} records" in capsys.readouterr().out
    _cut_tail(total - 3)
    call_command("audit", "verify")  # the chain alone looks intact: the weakness
    with pytest.raises(CommandError, match=rf"TRUNCATED.*saw {total} records.*has {total - 3}"):
        call_command("audit", "verify", "--checkpoint", str(exported))


def test_a_cut_tail_followed_by_new_records_is_found_too(exported):
    total = AuditRecord.objects.count()
    _cut_tail(total - 3)
    _records(5)  # the chain grows past the checkpoint again, but not through its record
    with pytest.raises(CommandError, match=rf"Record #{total} is not the one"):
        call_command("audit", "verify", "--checkpoint", str(exported))


def test_an_edited_checkpoint_file_is_refused(exported):
    data = json.loads(exported.read_text())
    data["checkpoints"][-1]["seq"] += 100
    exported.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="altered"):
        call_command("audit", "verify", "--checkpoint", str(exported))
    data["public_key"] = "AAAA"
    exported.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="not signed by this installation"):
        call_command("audit", "verify", "--checkpoint", str(exported))


def test_a_checkpoint_is_signed_every_n_records_with_the_keyrings_key(db, settings):
    settings.AUDIT_CHECKPOINT_EVERY = 4
    assert not AuditRecord.objects.exists()
    _records(9)
    made = list(AuditCheckpoint.objects.order_by("seq").values_list("seq", flat=True))
    assert made == [4, 8]
    exported = checkpoints.export()
    assert exported["public_key"] == keyring.signing_public_key()
    assert checkpoints.check(exported, AuditRecord.objects.count()).compared


def test_the_hourly_task_signs_the_head_once_and_queues_the_next(db):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    _records(3)
    assert tasks.make_audit_checkpoint.call() == AuditRecord.objects.count()
    assert tasks.make_audit_checkpoint.call() is None  # nothing new since: no second one
    queued = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=tasks.make_audit_checkpoint.module_path
    )
    assert queued.count() == 2
    assert not tasks.ensure_queued(tasks.make_audit_checkpoint)


def test_coordinators_see_the_checkpoints_page(people):
    _records(2)
    checkpoints.make()
    page = signed_in(people["coordinator"]).get(reverse("core:checkpoints"))
    assert page.status_code == 200
    assert b"passage audit verify --checkpoint" in page.content
    assert signed_in(people["vetter"]).get(reverse("core:checkpoints")).status_code == 403
