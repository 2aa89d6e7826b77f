"""`passage check --deploy`: Django's own deploy checks plus Passage's sealing ones."""

import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from passage.core.sealing import keyring


@register(Tags.security, deploy=True)
def sealing_checks(app_configs=None, **kwargs):
    problems = []
    if settings.DEBUG:
        problems.append(Error("PASSAGE_DEBUG is on: pages would show data.", id="passage.E001"))
    if not getattr(settings, "TLS", False):
        problems.append(Error("PASSAGE_TLS is off: no Secure cookies, no HSTS.", id="passage.E002"))
    params = keyring.configured_params()
    if keyring.exists():
        params = keyring.params_of(keyring.load())
    if params.is_weak():
        problems.append(
            Error(
                f"Argon2id parameters {params} are too cheap for the unseal passphrase.",
                hint="At least 64 MiB and 2 passes; the default is 256 MiB, 3 passes.",
                id="passage.E003",
            )
        )
    for path in _data_files():
        if path.stat().st_mode & (stat.S_IROTH | stat.S_IWOTH | stat.S_IRGRP):
            problems.append(
                Error(f"{path} is readable by other users.", hint="chmod 600", id="passage.E004")
            )
    if settings.WEB_WORKERS != 1:
        problems.append(
            Warning(
                f"PASSAGE_WEB_WORKERS={settings.WEB_WORKERS}: each worker process holds its own "
                "keys and must be unsealed on its own; the unseal page reaches only one.",
                hint="Run one worker with threads (the default).",
                id="passage.W001",
            )
        )
    if not keyring.exists():
        problems.append(Warning("No keyring yet: finish the set-up page.", id="passage.W002"))
    return problems


def _data_files():
    data_dir = Path(settings.DATA_DIR)
    if not data_dir.exists():
        return []
    return [p for p in [data_dir, *data_dir.rglob("*")] if not p.is_symlink()]
