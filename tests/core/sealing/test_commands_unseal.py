"""Commands that need keys run in their own process, which starts sealed: each unseals itself with
--passphrase-file / --shares-file (or a prompt) through one helper, and wrong tries are counted
atomically, one Argon2 at a time, with the shell's count kept apart from the unseal page's."""

import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from passage.api import tokens
from passage.core.models import AuditRecord
from passage.core.sealing import actions, keyring, state
from tests.conftest import TEST_PASSPHRASE


@pytest.fixture
def passphrase_file(tmp_path):
    path = tmp_path / "passphrase"
    path.write_text(TEST_PASSPHRASE + "\n")
    return path


def _commands(people):
    token, _secret = tokens.create_token(
        None, name="old", owner=people["intake"], scopes=["requests:create"]
    )
    return [
        ["audit", "verify"],
        ["api-token", "create", "--name", "bridge", "--owner", "intake"]
        + ["--scope", "requests:create"],
        ["api-token", "revoke", str(token.pk)],
        ["screening", "reindex"],
    ]


def test_every_command_that_needs_keys_unseals_itself_from_a_passphrase_file(
    people, passphrase_file
):
    for argv in _commands(people):
        state.drop()  # a new process: sealed
        call_command(*argv, "--passphrase-file", str(passphrase_file))
        assert state.is_unsealed(), argv
    unseals = AuditRecord.objects.filter(action="seal.unseal")
    assert unseals.count() == 4
    assert all(r.detail["from"] == actions.SHELL for r in unseals)


def test_a_wrong_passphrase_file_is_a_clear_error_not_a_traceback(people, tmp_path):
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase")
    for argv in _commands(people):
        state.drop()
        with state.updating_shared() as s:
            s.pop("shell", None)
        with pytest.raises(CommandError, match="wrong"):
            call_command(*argv, "--passphrase-file", str(wrong))
        assert not state.is_unsealed()


def test_concurrent_wrong_guesses_run_argon2_once_and_the_rest_wait(db):
    state.drop()
    outcomes, start = [], threading.Barrier(8)

    def guess():
        start.wait()
        try:
            actions.unseal(passphrase="a wrong guess")
        except actions.TooSoon:
            outcomes.append("too soon")
        except keyring.KeyringError:
            outcomes.append("wrong")

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["too soon"] * 7 + ["wrong"]
    assert state.read_shared()["failed"] == 1


def test_guesses_on_the_unseal_page_do_not_lock_out_the_shell(people, passphrase_file):
    state.drop()
    client = Client()
    assert client.post(reverse("sealing:unseal"), {"passphrase": "guess"}).status_code == 403
    with state.updating_shared() as s:
        s["failed"], s["next_attempt_at"] = 30, time.time() + 3600  # a stranger's long run
    call_command("audit", "verify", "--passphrase-file", str(passphrase_file))
    assert state.is_unsealed()
    # ...and the page's own wait is untouched by the shell's success.
    assert state.read_shared()["next_attempt_at"] > time.time() + 3000
