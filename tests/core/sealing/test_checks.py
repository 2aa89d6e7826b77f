import os

from passage.core.sealing.checks import sealing_checks


def ids(settings):
    return {p.id for p in sealing_checks()}


def test_deploy_check_reports_insecure_settings(settings, tmp_path):
    settings.DEBUG, settings.TLS, settings.WEB_WORKERS = True, False, 2
    settings.SEALING_ARGON2 = {"time_cost": 1, "memory_kib": 8, "parallelism": 1}
    settings.DATA_DIR = tmp_path
    settings.KEYRING_FILE = tmp_path / "none.json"
    leaky = tmp_path / "passage.sqlite3"
    leaky.write_text("")
    os.chmod(leaky, 0o644)
    found = ids(settings)
    assert {"passage.E001", "passage.E002", "passage.E003", "passage.E004", "passage.W001"} <= found


def test_deploy_check_is_quiet_on_a_good_set_up(settings, tmp_path):
    settings.DEBUG, settings.TLS, settings.WEB_WORKERS = False, True, 1
    settings.SEALING_ARGON2 = {"time_cost": 3, "memory_kib": 262144, "parallelism": 2}
    settings.DATA_DIR = tmp_path
    settings.KEYRING_FILE = tmp_path / "none.json"
    assert ids(settings) == {"passage.W002"}
