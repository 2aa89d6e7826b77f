import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from passage.core import audit, checkpoints
from passage.core.sealing.cli import add_unseal_arguments, unsealed_here


class Command(BaseCommand):
    help = "Audit chain tools: `passage audit verify` checks that no record was edited or removed."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Check the chain; name the first broken record.")
        verify.add_argument(
            "--checkpoint",
            help="a checkpoints file downloaded from the audit page: also find a cut tail",
        )
        add_unseal_arguments(verify)

    def handle(self, *args, subcommand, checkpoint=None, **options):
        unsealed_here(options)  # the chain's hashes are keyed by the master key
        verdict = audit.verify()
        if not verdict.ok:
            raise CommandError(
                f"Audit chain BROKEN at record #{verdict.first_broken}: {verdict.problem} "
                f"({verdict.checked} records before it are intact)."
            )
        held = ""
        if checkpoint:
            try:
                exported = json.loads(Path(checkpoint).read_text())
                found = checkpoints.check(exported, verdict.checked)
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read {checkpoint}: {exc}") from None
            except checkpoints.CheckpointError as exc:
                raise CommandError(f"Audit chain BROKEN: {exc}") from None
            held = f" It holds the checkpoint of {found.at} (record #{found.seq})" + (
                "." if found.compared else ", by length: the chain was re-keyed since."
            )
        self.stdout.write(f"Audit chain intact: {verdict.checked} records verified.{held}")
