from functools import partial

from django.core.management.base import BaseCommand
from django.db import transaction

from passage.cases.models import Person
from passage.core import audit
from passage.core.sealing.cli import add_unseal_arguments, unsealed_here
from passage.screening import blind
from passage.screening.actions import record_names
from passage.screening.models import AbuseRecord, BlindKey, Kind, WatchlistEntry


class Command(BaseCommand):
    help = "Screening tools: `passage screening reindex` rebuilds the blind name index."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        reindex = sub.add_parser(
            "reindex",
            help="Rebuild the blind name index with the current key (e.g. after re-keying).",
        )
        add_unseal_arguments(reindex)

    def handle(self, *args, subcommand, **options):
        unsealed_here(options)
        index = blind.hasher()
        counts = {}
        with transaction.atomic():
            BlindKey.objects.all().delete()
            sources = [
                (Kind.PERSON, Person.objects.all(), lambda p: p.names),
                (
                    Kind.WATCHLIST,
                    WatchlistEntry.objects.all(),
                    partial(record_names, Kind.WATCHLIST),
                ),
                (Kind.ABUSE, AbuseRecord.objects.all(), partial(record_names, Kind.ABUSE)),
            ]
            for kind, records, names_of in sources:
                rows = []
                n = 0
                for record in records.iterator(chunk_size=500):
                    n += 1
                    rows += [
                        BlindKey(digest=d, kind=kind, record_id=record.pk, version=blind.VERSION)
                        for d in sorted(blind.digests_for(names_of(record), index))
                    ]
                    if len(rows) > 5000:
                        BlindKey.objects.bulk_create(rows)
                        rows = []
                BlindKey.objects.bulk_create(rows)
                counts[kind] = n
            audit.record(None, "screening.reindex", detail=counts)
        self.stdout.write(
            "Blind index rebuilt: "
            + ", ".join(f"{n} {kind} records" for kind, n in counts.items())
            + f", {BlindKey.objects.count()} keys."
        )
