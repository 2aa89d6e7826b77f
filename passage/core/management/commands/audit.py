from django.core.management.base import BaseCommand, CommandError

from passage.core import audit
from passage.core.sealing.cli import add_unseal_arguments, unsealed_here


class Command(BaseCommand):
    help = "Audit chain tools: `passage audit verify` checks that no record was edited or removed."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Check the chain; name the first broken record.")
        add_unseal_arguments(verify)

    def handle(self, *args, subcommand, **options):
        unsealed_here(options)  # the chain's hashes are keyed by the master key
        verdict = audit.verify()
        if not verdict.ok:
            raise CommandError(
                f"Audit chain BROKEN at record #{verdict.first_broken}: {verdict.problem} "
                f"({verdict.checked} records before it are intact)."
            )
        self.stdout.write(f"Audit chain intact: {verdict.checked} records verified.")
