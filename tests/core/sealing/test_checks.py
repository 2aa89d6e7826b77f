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


def test_a_make_run_installation_reports_only_real_problems(tmp_path):
    """`make run`'s steps in a new data folder, with a umask that would leave files readable:
    the deploy check then finds no file readable by others (the database is made 0600), and
    the Makefile keeps its bootstrap tool out of the data folder."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    data = tmp_path / "var"
    data.mkdir(mode=0o700)
    (tmp_path / "phrase").write_text("a long passphrase for the deploy check test")
    env = {
        **os.environ,
        "PASSAGE_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'passage.sqlite3'}",
        "PASSAGE_TLS": "1",
    }
    for name in ("PASSAGE_KEYRING_FILE", "PASSAGE_SEAL_STATE_FILE"):
        env.pop(name, None)

    def passage(*args):
        return subprocess.run(  # noqa: S603
            ["/bin/sh", "-c", 'umask 022 && exec "$@"', "sh", sys.executable, "-m", "passage"]
            + list(args),
            cwd=root, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    assert passage("migrate", "--no-input").returncode == 0
    assert passage("keyring", "init", "--passphrase-file", str(tmp_path / "phrase")).returncode == 0
    report = passage("check", "--deploy")
    assert "passage.E" not in report.stdout + report.stderr, report.stdout + report.stderr
    assert oct((data / "passage.sqlite3").stat().st_mode & 0o777) == "0o600"
    boot = re.search(r"^BOOT = (.+)$", (root / "Makefile").read_text(), re.M).group(1)
    assert not boot.startswith("var/")
