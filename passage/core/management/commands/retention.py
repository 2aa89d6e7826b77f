from django.conf import settings
from django.core.management.base import BaseCommand

from passage.core.sealing import retention


class Command(BaseCommand):
    help = "Retention: `passage retention run` purges identities past the retention period."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        run = sub.add_parser("run", help="Purge identities N days after their last case closed.")
        run.add_argument("--days", type=int, default=None, help="default: PASSAGE_RETENTION_DAYS")

    def handle(self, *args, subcommand, days=None, **options):
        days = settings.RETENTION_DAYS if days is None else days
        if days <= 0:
            self.stdout.write("Retention is off (PASSAGE_RETENTION_DAYS=0): nothing purged.")
            return
        purged = retention.run(days)
        self.stdout.write(f"Purged the identity of {purged} closed case(s) older than {days} days.")
