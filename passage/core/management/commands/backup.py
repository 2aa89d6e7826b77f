import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from passage.core import audit
from passage.core.management.commands.keyring import _secret
from passage.core.sealing import actions, backup, keyring, state


def unsealed_here(options) -> None:
    """Commands run in their own process: unseal it with the passphrase or shares if needed."""
    if state.is_unsealed():
        return
    try:
        if options.get("shares_file"):
            lines = Path(options["shares_file"]).read_text().splitlines()
            actions.unseal(shares=[s for s in lines if s.strip()])
        else:
            actions.unseal(passphrase=_secret(options, "passphrase", "Passphrase: "))
    except actions.TooSoon as exc:
        raise CommandError(f"Too many wrong tries: wait {exc.wait} s.") from None
    except keyring.KeyringError:
        raise CommandError("The passphrase (or shares) is wrong.") from None


class Command(BaseCommand):
    help = (
        "Write one encrypted, integrity-checked backup: every row as stored, the wrapped keyring, "
        "attachments. Restoring it needs the passphrase or shares."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="default: passage-backup-<UTC time>.pbk")
        parser.add_argument("--passphrase-file", help="unseal with the passphrase in this file")
        parser.add_argument("--shares-file", help="unseal with the shares in this file, one a line")

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
