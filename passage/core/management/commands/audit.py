from django.core.management.base import BaseCommand, CommandError

from passage.core import audit


class Command(BaseCommand):
    help = "Audit chain tools: `passage audit verify` checks that no record was edited or removed."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Check the whole chain and name the first broken record.")

    def handle(self, *args, subcommand, **options):
        verdict = audit.verify()
        if not verdict.ok:
            raise CommandError(
                f"Audit chain BROKEN at record #{verdict.first_broken}: {verdict.problem} "
                f"({verdict.checked} records before it are intact)."
            )
        self.stdout.write(f"Audit chain intact: {verdict.checked} records verified.")
