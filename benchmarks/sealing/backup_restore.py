"""Backup and restore throughput: `passage backup` of N demo cases, restored into an empty database.

Run (SQLite, in a temporary data folder):
    .venv/bin/python benchmarks/sealing/backup_restore.py --cases 5000
An installation filled beforehand (e.g. 100,000 cases by benchmarks/foundation/generate.py, whose
passphrase is given in a file), restored into a second, migrated, empty database:
    PASSAGE_DATA_DIR=/tmp/bench100k DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_a \
    RESTORE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_b \
    .venv/bin/python benchmarks/sealing/backup_restore.py --existing --passphrase-file F
PostgreSQL (two empty databases; the second one receives the restore):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_a \
    RESTORE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_b \
    .venv/bin/python benchmarks/sealing/backup_restore.py --cases 5000
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

tmp = Path(tempfile.mkdtemp(prefix="passage-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings")
if "--existing" not in sys.argv:
    os.environ["PASSAGE_DATA_DIR"] = str(tmp / "a")
    (tmp / "a").mkdir()

import django  # noqa: E402

django.setup()

import dj_database_url  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from passage.core.sealing import backup, keyring, state  # noqa: E402

PASSPHRASE = "bench passphrase with several words"  # noqa: S105 - a throwaway test install


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--existing", action="store_true", help="back up the database as it is")
    parser.add_argument("--passphrase-file", type=Path)
    args = parser.parse_args()
    restore_url = os.environ.get("RESTORE_DATABASE_URL")
    if restore_url:
        restore_db = dj_database_url.parse(restore_url)
    else:
        restore_db = {**settings.DATABASES["default"], "NAME": str(tmp / "b.sqlite3")}
    connections.databases["restore"] = {**settings.DATABASES["default"], **restore_db}
    quiet = io.StringIO()
    call_command("migrate", database="restore", verbosity=0, stdout=quiet)
    passphrase = PASSPHRASE
    if args.existing:
        passphrase = args.passphrase_file.read_text().strip()
        state.install(*keyring.open_with_passphrase(passphrase))
    else:
        call_command("migrate", verbosity=0, stdout=quiet)
        state.install(*keyring.initialise(PASSPHRASE)[:3])
        from passage.cases.demo import load_demo_data

        started = time.perf_counter()
        load_demo_data(cases=args.cases, seed=1)
        print(f"loaded {args.cases} demo cases in {time.perf_counter() - started:.0f} s")
    from passage.cases.models import Case

    print(f"{Case.objects.count():,} cases in the database", flush=True)

    target = tmp / "bench.pbk"
    started = time.perf_counter()
    made = backup.create(target, progress=backup.Progress(0, "backup", io.StringIO()))
    took = time.perf_counter() - started
    size = target.stat().st_size
    vendor = connections["default"].vendor
    print(
        f"{vendor}: backup {made.rows:,} rows, {made.plain_bytes / 1e6:.1f} MB of rows → "
        f"{size / 1e6:.1f} MB file in {took:.2f} s: {made.rows / took:,.0f} rows/s, "
        f"{made.plain_bytes / 1e6 / took:.1f} MB/s of rows",
        flush=True,
    )

    settings.KEYRING_FILE = tmp / "b" / "keyring.json"  # a new installation: no keyring yet
    settings.DATA_DIR = tmp / "b"
    started = time.perf_counter()
    back = backup.restore(
        target,
        passphrase=passphrase,
        using="restore",
        progress=backup.Progress(0, "restore", io.StringIO()),
    )
    took = time.perf_counter() - started
    print(
        f"{vendor}: restore (checks the whole file, then inserts) {back.rows:,} rows in "
        f"{took:.2f} s: {back.rows / took:,.0f} rows/s, {size / 1e6 / took:.1f} MB/s of file",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
