"""`passage names`: compare two names, compare a file of pairs, or show how a name is read."""

import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from passage import names

REQUIRED_COLUMNS = ("a", "b")


class Command(BaseCommand):
    help = "Name matching: `compare A B`, `compare --pairs FILE` (TSV: a, b), `explain NAME`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        compare = sub.add_parser(
            "compare", help="Compare two names, or every row of a TSV file with columns a and b."
        )
        compare.add_argument("a", nargs="?", help="the first name")
        compare.add_argument("b", nargs="?", help="the second name")
        compare.add_argument(
            "--pairs", metavar="FILE", help="TSV with a header and columns a and b ('-': stdin)"
        )
        explain = sub.add_parser(
            "explain", help="Show how a name is read: syllables, keys, titles set aside."
        )
        explain.add_argument("name")

    def handle(self, *args, subcommand, **options):
        if subcommand == "explain":
            self._json(self._checked(names.explain, options["name"]))
        elif options["pairs"]:
            if options["a"] or options["b"]:
                raise CommandError("give either two names or --pairs FILE, not both")
            self._pairs(options["pairs"])
        elif options["a"] is None or options["b"] is None:
            raise CommandError('give two names (compare "A" "B") or --pairs FILE')
        else:
            self._json(self._checked(names.compare, options["a"], options["b"]))

    def _checked(self, fn, *args):
        try:
            return fn(*args)
        except names.InvalidName as e:
            raise CommandError(f"not a name: {e}") from None

    def _json(self, value) -> None:
        self.stdout.write(json.dumps(value, ensure_ascii=False, indent=2))

    def _pairs(self, path: str) -> None:
        try:
            f = sys.stdin if path == "-" else open(path, encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as e:
            raise CommandError(f"cannot read {path}: {e.strerror}") from None
        try:
            reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = reader.fieldnames or []
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise CommandError(
                    f"{path}: the header has no column {' or '.join(missing)} "
                    f"(found: {', '.join(header) or 'nothing'}); columns are separated by tabs"
                )
            extra = [c for c in ("score", "same") if c not in header]
            writer = csv.DictWriter(
                self.stdout,
                [*header, *extra],
                delimiter="\t",
                lineterminator="\n",
                quoting=csv.QUOTE_NONE,
                escapechar="\\",
                extrasaction="ignore",
            )
            writer.writeheader()
            rows = ({k: v or "" for k, v in row.items() if k is not None} for row in reader)
            for line, row in enumerate(names.compare_pairs(rows), start=2):
                if "error" in row:
                    self.stderr.write(f"{path}, line {line}: not a name: {row['error']}")
                if row["same"] != "":
                    row["same"] = "true" if row["same"] else "false"
                writer.writerow(row)
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text") from None
        finally:
            if f is not sys.stdin:
                f.close()
