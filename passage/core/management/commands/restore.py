import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from passage.core import audit
from passage.core.sealing import backup
from passage.core.sealing.cli import add_unseal_arguments, unseal_secret


class Command(BaseCommand):
    help = (
        "Restore a `passage backup` file into a new, empty installation (SQLite or PostgreSQL). "
        "The whole file is checked before anything is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        add_unseal_arguments(parser)  # the backup's own passphrase or shares

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            backup.read_header(path)
            problem = backup.installation_problem()
            if problem:
                raise backup.BackupError(problem)
            secret = unseal_secret(options, "Backup passphrase: ")
            started = time.monotonic()
            summary = backup.restore(path, **secret)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.monotonic() - started
        audit.record(
            None,
            "backup.restore",
            detail={"rows": summary.rows, "files": summary.files, "file": path.name},
        )
        verdict = audit.verify()
        self.stdout.write(
            f"Restored {summary.rows:,} rows in {summary.tables} tables and {summary.files} "
            f"attachment(s) in {seconds:.1f} s; audit chain "
            + (f"intact ({verdict.checked} records)." if verdict.ok else "BROKEN: check it.")
        )
