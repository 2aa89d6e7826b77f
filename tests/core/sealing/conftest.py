"""Fixtures for the sealed state. The session starts unsealed (tests/conftest.py), and its autouse
`_unsealed_after_each_test` unseals again after any test that sealed."""

import pytest

from passage.core import crypto


@pytest.fixture
def sealed():
    """This process sealed, as after a restart or "seal now"."""
    crypto.forget_keys()


@pytest.fixture
def fresh_keyring(tmp_path, settings):
    """An empty data folder: no keyring, not initialised, sealed."""
    settings.KEYRING_FILE = tmp_path / "keyring.json"
    settings.SEAL_STATE_FILE = tmp_path / "seal-state.json"
    crypto.forget_keys()
    yield tmp_path
    crypto.forget_keys()  # drop this keyring's keys; the session's come back after the test
