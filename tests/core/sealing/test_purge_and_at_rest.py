"""Per-case keys, purge with four eyes, retention; nothing readable at rest while sealed."""

import base64
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from passage.cases.models import Case, Person
from passage.core import crypto, sealed_box
from passage.core.models import AuditRecord, DataKey, PurgeRequest
from passage.core.sealing import actions, datakeys, retention, state
from passage.intake.models import Request
from tests.conftest import make_case


def test_each_person_and_case_has_its_own_wrapped_data_key(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    owners = set(DataKey.objects.values_list("owner_type", "owner_id"))
    assert ("cases.person", str(case.person_id)) in owners
    assert ("cases.case", str(case.pk)) in owners
    row = DataKey.objects.get(owner_type="cases.case", owner_id=str(case.pk))
    assert len(base64.b64decode(row.wrapped)) == 12 + 32 + 16  # nonce, key, tag: wrapped only


def test_a_purge_needs_a_second_coordinator_and_shreds_everywhere(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"], stage="closed")
    Case.objects.filter(pk=case.pk).update(is_open=False)
    raw_names = Person.objects.filter(pk=case.person_id).values_list("names", flat=True).get()
    purge = actions.request_purge(people["coordinator"], case, reason="he asked us to")
    with pytest.raises(actions.PurgeError):
        actions.approve_purge(people["coordinator"], purge)
    actions.approve_purge(people["outsider_coordinator"], purge)
    assert PurgeRequest.objects.get(pk=purge.pk).done_at is not None
    datakeys.clear_cache()
    person = Person.objects.get(pk=case.person_id)
    assert person.names == [] and person.contact_handle == ""
    assert Request.objects.get(case=case).notes == ""
    # The ciphertext is still there, and no key in this process or the database opens it.
    assert Person.objects.filter(pk=case.person_id).values_list("names", flat=True).get()
    with pytest.raises(datakeys.KeyDestroyed):
        crypto.decrypt(
            raw_names.token,
            f"cases.person.names:{case.person_id}",
            ("cases.person", str(case.person_id)),
        )
    assert (
        DataKey.objects.get(owner_type="cases.person", owner_id=str(case.person_id)).wrapped == ""
    )
    assert AuditRecord.objects.filter(action="case.purge", object_id=str(case.pk)).exists()


def test_a_purge_tells_every_process_to_forget_keys_again_once_it_commits(
    people, cells, django_capture_on_commit_callbacks
):
    # Between the first signal and the commit another process could still read and cache the
    # case's key; the second signal, after the commit, makes it forget that copy too.
    case = make_case(people["coordinator"], cell=cells["north"])
    before = state.read_shared()["epoch"]
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        actions.purge_case(case, actor=people["coordinator"], reason="test")
    assert state.read_shared()["epoch"] == before + 1
    for callback in after_commit:
        callback()
    assert state.read_shared()["epoch"] == before + 2


def test_retention_purges_identities_long_closed_and_keeps_the_case(people, cells):
    old = make_case(people["coordinator"], cell=cells["north"])
    recent = make_case(people["coordinator"], cell=cells["north"])
    still_open = make_case(people["coordinator"], cell=cells["north"])
    long_ago = timezone.now() - timedelta(days=400)
    Case.objects.filter(pk__in=[old.pk, recent.pk]).update(is_open=False, stage="closed")
    Case.objects.filter(pk=old.pk).update(stage_changed_at=long_ago)
    call_command("retention", "run", "--days", "365")
    datakeys.clear_cache()
    assert Person.objects.get(pk=old.person_id).names == []
    assert Person.objects.get(pk=recent.person_id).names
    assert Person.objects.get(pk=still_open.person_id).names
    assert Case.objects.filter(pk=old.pk).exists()  # counts for reports stay
    assert retention.run(365) == 0  # already purged


def test_sealed_boxes_are_made_while_sealed_and_opened_after_unsealing(db, sealed):
    with pytest.raises(crypto.SealedError):
        crypto.derive_key("anything")
    blob = sealed_box.seal_for_organisation("ကျော်ထူး wants out".encode())
    assert "ကျော်ထူး".encode() not in blob
    with pytest.raises(crypto.SealedError):
        sealed_box.open_for_organisation(blob)
    actions.unseal(passphrase=__import__("tests.conftest").conftest.TEST_PASSPHRASE)
    assert sealed_box.open_for_organisation(blob) == "ကျော်ထူး wants out".encode()
    with pytest.raises(sealed_box.BoxError):
        sealed_box.open_for_organisation(blob[:-1] + bytes([blob[-1] ^ 1]))


def test_sealed_server_with_demo_data_keeps_nothing_in_clear(people, caplog, sealed):
    from tests.conftest import TEST_PASSPHRASE

    actions.unseal(passphrase=TEST_PASSPHRASE)
    from passage.cases.demo import load_demo_data

    load_demo_data(actor=people["coordinator"], cases=20, seed=4)
    secrets = set()
    for person in Person.objects.all():
        secrets.update(n for n in person.names if len(n) >= 6)
        secrets.update(v for v in (person.contact_handle, person.unit) if len(v) >= 6)
    secrets.update(r.notes for r in Request.objects.all() if len(r.notes) >= 6)
    assert len(secrets) > 40
    actions.seal_now(None, reason="test")
    # The database: every column of every table, as a dump would have it.
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            dump += [str(v) for row in cursor.fetchall() for v in row]
    if connection.vendor == "sqlite":
        dump.append(connection.connection.serialize().decode("utf-8", "replace"))
    text = "\n".join(dump)
    assert not [s for s in secrets if s in text]
    # var/ (keyring, seal state) and the logs.
    files = "\n".join(
        p.read_text(errors="replace") for p in Path(settings.DATA_DIR).rglob("*") if p.is_file()
    )
    assert not [s for s in secrets if s in files]
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert not [s for s in secrets if s in logs]
