"""A purge reaches every place the person's identity is stored (issue 10 §2): after it, no table
of the live database, read with every key still alive, and no table of a backup taken after it
and restored with the passphrase, holds any identity value of the purged person."""

import json

import pytest
from django.apps import apps
from django.core.management import call_command

from passage.aftercare.models import Statement
from passage.cases.actions import move_case
from passage.cases.models import Case
from passage.core import sealed_box
from passage.core.sealing import actions, backup, datakeys
from passage.public import actions as public
from passage.screening.models import BlindKey, Hit, Kind
from tests.conftest import make_case
from tests.core.sealing.test_backup_restore import _forget_restored_keys, empty_installation  # noqa: F401 - its autouse fixture re-seals after the restore
from tests.public.helpers import public_submission

IDENTITY = {
    "names": ["ဇေယျာလင်းအောင်", "Zeyar Lin Aung"],
    "contact_handle": "@zeyar_lin_9731",
    "unit": "Light Infantry Battalion 4711",
    "message": "My mother lives beside the Shwe Kyin monastery 8812.",
}


def identity_values() -> list[str]:
    return [*IDENTITY["names"], IDENTITY["contact_handle"], IDENTITY["unit"], "8812"]


def _readable(value) -> str:
    """What anyone holding the live keys reads in a value; sealed boxes are opened too."""
    if isinstance(value, bytes | memoryview):
        try:
            return sealed_box.open_for_organisation(bytes(value)).decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - not a sealed box, or one that no key opens
            return bytes(value).decode("utf-8", "replace")
    return json.dumps(value, ensure_ascii=False, default=str)


def everything_readable() -> str:
    """Every column of every row of every table, raw and as the models decrypt it."""
    datakeys.clear_cache()
    out = []
    for model in apps.get_models():
        columns = [f.attname for f in model._meta.concrete_fields]
        for row in model.objects.all().values_list(*columns):
            out.extend(_readable(v) for v in row)
        for obj in model.objects.all():
            out.extend(_readable(getattr(obj, c)) for c in columns)
    return "\n".join(out)


def purged_public_case(people, cells):
    """A case opened from the public form, followed up, screened against a later request that
    matches it, with after-care records; then purged by two coordinators."""
    submission = public_submission(
        names=IDENTITY["names"],
        contact_handle=IDENTITY["contact_handle"],
        message=IDENTITY["message"],
    )
    case = public.log_submission(people["coordinator"], submission)
    case.cell = cells["north"]
    case.save(update_fields=["cell"])
    person = case.person
    person.unit = IDENTITY["unit"]
    person.save(update_fields=["unit"])
    # A later request with the same name, in another cell: its hit names the purged person.
    later = make_case(people["coordinator"], cell=cells["south"], names=["Zay Yar Linn Aung"])
    assert Hit.objects.filter(case=later, other_case=case).exists()
    # A timeline note and an after-care statement that repeat identity details.
    move_case(people["coordinator"], case, "vetting", note=f"Called {IDENTITY['contact_handle']}")
    Statement.objects.create(
        case=case, text=IDENTITY["message"], consent="private", recorded_by=people["caseworker"]
    )
    Case.objects.filter(pk=case.pk).update(is_open=False, stage="closed")
    purge = actions.request_purge(people["coordinator"], case, reason="she asked us to")
    actions.approve_purge(people["outsider_coordinator"], purge)
    return case, later, submission


def test_after_a_purge_no_table_holds_any_identity_value(people, cells):
    case, later, _ = purged_public_case(people, cells)
    text = everything_readable()
    for value in identity_values():
        assert value not in text, value


def test_the_purged_person_leaves_no_blind_index_rows_and_no_hits(people, cells):
    case, later, _ = purged_public_case(people, cells)
    assert not BlindKey.objects.filter(kind=Kind.PERSON, record_id=case.person_id).exists()
    assert not Hit.objects.filter(other_case=case).exists()
    assert not Hit.objects.filter(other_kind=Kind.PERSON, other_id=case.person_id).exists()
    assert not Hit.objects.filter(case=case).exists()


def test_the_public_inbox_no_longer_shows_the_purged_submission(people, cells):
    from django.urls import reverse

    from tests.conftest import signed_in

    _, _, submission = purged_public_case(people, cells)
    client = signed_in(people["coordinator"])
    url = reverse("public_inbox:submission", args=[submission.pk])
    assert client.get(url).status_code == 404


# A restore flushes the database, which PostgreSQL refuses inside a test's transaction.
@pytest.mark.django_db(transaction=True)
def test_a_backup_after_the_purge_restored_with_the_passphrase_holds_no_identity_value(
    people, cells, tmp_path, settings
):
    from tests.conftest import TEST_PASSPHRASE

    purged_public_case(people, cells)
    target = tmp_path / "after.pbk"
    backup.create(target)
    passphrase = tmp_path / "passphrase"
    passphrase.write_text(TEST_PASSPHRASE + "\n")
    empty_installation(tmp_path, settings)
    call_command("restore", str(target), "--passphrase-file", str(passphrase))
    text = everything_readable()
    for value in identity_values():
        assert value not in text, value
