"""`passage rotate-keys`: a new master; every sealed value still opens, screening still finds an
earlier alias, the audit chain verifies, and the old master opens nothing any more."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from passage.cases.models import Person
from passage.core import crypto, sealed_box
from passage.core.models import AuditRecord, DataKey
from passage.core.sealing import datakeys, keyring, rotation, state
from passage.intake.models import Request
from passage.screening.models import BlindKey, Hit, Kind, WatchlistEntry
from passage.screening.screen import find_matches, person_attributes
from tests.conftest import TEST_PASSPHRASE, make_case
from tests.screening.helpers import import_list


@pytest.fixture
def own_keyring(fresh_keyring):
    """A keyring of this test's own, unsealed, so rotating it leaves the session's alone."""
    state.install(*keyring.initialise(TEST_PASSPHRASE)[:3])
    sealed_box.ensure_key_pair()
    return fresh_keyring


def plain_values():
    datakeys.clear_cache()
    return {
        "people": {p.pk: (p.names, p.contact_handle, p.unit) for p in Person.objects.all()},
        "requests": {r.pk: r.notes for r in Request.objects.all()},
        "watchlist": {w.pk: (w.names, w.notes, w.source) for w in WatchlistEntry.objects.all()},
        "hits": {h.pk: (h.reasons, h.evidence) for h in Hit.objects.all()},
    }


def test_rotation_keeps_everything_readable_and_retires_the_old_master(own_keyring, people, cells):
    coordinator = people["coordinator"]
    import_list(coordinator)
    earlier = make_case(coordinator, cell=cells["north"], names=["Zaw Min Htet", "Ko Zaw"])
    make_case(coordinator, cell=cells["north"])  # hits the watchlist's Kyawe Htu
    before = plain_values()
    assert before["hits"] and before["watchlist"]
    blob = sealed_box.seal_for_organisation(b"sealed before the rotation")
    old_id, old_master = state.current_master()
    old_digests = set(BlindKey.objects.values_list("digest", flat=True))
    old_hashes = set(AuditRecord.objects.values_list("hash", flat=True))
    raw_watch = WatchlistEntry.objects.values_list("pk", "notes").first()

    call_command("rotate-keys")

    new_id, _new = state.current_master()
    assert new_id != old_id
    assert plain_values() == before
    assert sealed_box.open_for_organisation(blob) == b"sealed before the rotation"
    # The old master is gone from the keyring and opens no data key.
    assert set(keyring.load()["masters"]) == {new_id}
    rows = list(DataKey.objects.filter(destroyed_at__isnull=True))
    assert rows and {r.master_id for r in rows} == {new_id}
    for row in rows:
        owner = (row.owner_type, row.owner_id)
        for label_id in (old_id, new_id):
            with pytest.raises(keyring.WrongSecret):
                keyring.unwrap(
                    datakeys._wrapping_key(old_master),
                    row.wrapped,
                    datakeys._label(owner, label_id),
                )
    # Field-key values were re-sealed: the old field key no longer opens them.
    pk, token = raw_watch
    assert WatchlistEntry.objects.values_list("notes", flat=True).get(pk=pk).token != token.token
    # The blind index was rebuilt under the new key, and still finds the earlier alias.
    assert not old_digests & set(BlindKey.objects.values_list("digest", flat=True))
    later = make_case(coordinator, cell=cells["north"], names=["Zaw Min Htet"])
    found = find_matches(
        ["Zaw Min Htet"],
        person_attributes(later.person),
        kinds=[Kind.PERSON],
        exclude_person=later.person_id,
    )
    assert earlier.person_id in {m.record.pk for m in found}
    assert find_matches(["Kyawe Htu"], person_attributes(later.person), kinds=[Kind.WATCHLIST])
    # The chain was re-hashed under the new key, says so, and verifies.
    assert not old_hashes & set(AuditRecord.objects.values_list("hash", flat=True))
    rotated = AuditRecord.objects.get(action="keys.rotate")
    assert rotated.detail["old_master"] == old_id and "re-hashed" in rotated.detail["audit_chain"]
    call_command("audit", "verify")
    now = plain_values()
    # A new process unsealing with the passphrase gets the new master.
    crypto.forget_keys()
    state.install(*keyring.open_with_passphrase(TEST_PASSPHRASE))
    assert state.current_master()[0] == new_id
    assert plain_values() == now


def test_rotation_refuses_a_broken_audit_chain_and_changes_nothing(own_keyring, people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    AuditRecord.objects.filter(seq=1).update(action="edited")
    ring = keyring.load()
    wrapped = list(DataKey.objects.values_list("wrapped", flat=True))
    with pytest.raises(CommandError, match="audit chain is broken"):
        call_command("rotate-keys")
    assert keyring.load() == ring
    assert list(DataKey.objects.values_list("wrapped", flat=True)) == wrapped


def test_a_failed_rotation_rolls_back_and_keeps_the_old_keys(
    own_keyring, people, cells, monkeypatch
):
    make_case(people["coordinator"], cell=cells["north"])
    before = plain_values()
    ring = keyring.load()
    old_id = state.current_master()[0]

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr(rotation, "_rehash_chain", broken)
    with pytest.raises(RuntimeError):
        rotation.rotate()
    assert keyring.load() == ring
    assert state.current_master()[0] == old_id
    assert {r.master_id for r in DataKey.objects.all()} == {old_id}
    assert plain_values() == before


def test_a_process_unsealed_before_the_rotation_keeps_reading_and_auditing(
    own_keyring, people, cells
):
    """Another process holds only the old master and has not seen the change yet: its next key use
    reads the new keyring (state.sync in current_master), so it opens re-wrapped data keys and
    appends to the re-hashed chain with the new chain key."""
    from passage.core import audit

    case = make_case(people["coordinator"], cell=cells["north"], names=["Zaw Min Htet"])
    w = state.wrapping_key()
    old_id, old_master = state.current_master()
    seen_before = state._seen
    call_command("rotate-keys")
    # Back to the other process's view: old keys only, state file last seen before the rotation.
    state.install(w, {old_id: old_master}, old_id)
    state._seen = seen_before
    datakeys.clear_cache()
    assert Person.objects.get(pk=case.person_id).names == ["Zaw Min Htet"]
    audit.record(people["coordinator"], "test.read_after_rotation", case)
    assert state.current_master()[0] != old_id
    assert audit.verify().ok


def test_checkpoints_outlive_a_rotation_and_a_new_one_is_signed(own_keyring, people, tmp_path):
    from passage.core import audit, checkpoints
    from passage.core.models import AuditCheckpoint

    for i in range(3):
        audit.record(None, "test.event", detail={"i": i})
    checkpoints.make()
    before = tmp_path / "before.json"
    before.write_text(__import__("json").dumps(checkpoints.export()))
    call_command("rotate-keys")
    # The old file still checks the chain's length: the signing key stayed in the keyring.
    call_command("audit", "verify", "--checkpoint", str(before))
    newest = AuditCheckpoint.objects.first()
    assert newest.master_id == state.current_master()[0]
    assert checkpoints.check(checkpoints.export(), AuditRecord.objects.count()).compared
