import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from passage.core import audit
from passage.core.sealing import backup
from passage.core.sealing.cli import add_unseal_arguments, unsealed_here


class Command(BaseCommand):
    help = (
        "Write one encrypted, integrity-checked backup: every row as stored, the wrapped keyring, "
        "attachments. Restoring it needs the passphrase or shares."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="default: passage-backup-<UTC time>.pbk")
        add_unseal_arguments(parser)

    def handle(self, *args, output=None, **options):
        unsealed_here(options)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        target = Path(output or f"passage-backup-{stamp}.pbk")
        started = time.monotonic()
        try:
            summary = backup.create(target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.monotonic() - started
        size = target.stat().st_size
        audit.record(
            None,
            "backup.create",
            detail={"rows": summary.rows, "files": summary.files, "bytes": size},
        )
        self.stdout.write(
            f"Backup written to {target}: {summary.rows:,} rows in {summary.tables} tables, "
            f"{summary.files} attachment(s), {size / 1e6:.1f} MB in {seconds:.1f} s. "
            "It holds the wrapped keyring: restoring it needs the passphrase or shares."
        )
