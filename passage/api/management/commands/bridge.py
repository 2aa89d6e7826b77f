"""passage bridge telegram-export|signal|jsonl FILE: send a chat export to Passage's API."""

import json
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from passage.bridges import jsonl, signal, telegram
from passage.bridges.send import BridgeStopped, send

CHANNELS = {"telegram-export": "telegram", "signal": "signal"}


class Command(BaseCommand):
    help = (
        "Send a chat export to Passage as requests: telegram-export (Telegram Desktop's "
        "result.json), signal (signal-cli JSON output), jsonl (one message a line). The token "
        "(scope requests:create) is read from PASSAGE_API_TOKEN."
    )
    # It only talks to the API, which may be another server: no database, no keys here.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("format", choices=["telegram-export", "signal", "jsonl"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Passage's address (default: %(default)s)",
        )
        parser.add_argument(
            "--own-id",
            action="append",
            default=[],
            help="The hotline's own account (Telegram from_id such as user123, or the Signal "
            "number or UUID), to leave its messages out; repeatable.",
        )
        parser.add_argument(
            "--timezone",
            default="UTC",
            help="Telegram exports without date_unixtime: the exporting computer's time zone.",
        )
        parser.add_argument(
            "--channel", default="telegram", help="jsonl only: the channel to log messages as."
        )

    def handle(self, *args, **options):
        token = os.environ.get("PASSAGE_API_TOKEN", "")
        if not token:
            raise CommandError("Set PASSAGE_API_TOKEN to a token with the requests:create scope.")
        path, kind = options["file"], options["format"]
        try:
            if kind == "telegram-export":
                zone = ZoneInfo(options["timezone"])
                export = json.loads(path.read_text(encoding="utf-8"))
                items = telegram.read_export(export, own_ids=options["own_id"], zone=zone)
            elif kind == "signal":
                lines = path.read_text(encoding="utf-8").splitlines()
                items = signal.read_envelopes(lines, own_accounts=options["own_id"])
            else:
                lines = path.read_text(encoding="utf-8").splitlines()
                items = jsonl.read_lines(lines, now=timezone.now())
        except (OSError, ValueError, ZoneInfoNotFoundError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        channel = CHANNELS.get(kind, options["channel"])
        try:
            summary = send(
                items, url=options["url"], token=token, channel=channel, progress=sys.stderr
            )
        except BridgeStopped as exc:
            raise CommandError(f"Stopped: {exc}") from None
        for line in summary.lines():
            self.stdout.write(line)
        for problem in summary.failed:
            self.stderr.write(f"  {problem}")
        if summary.failed:
            raise CommandError(f"{len(summary.failed)} messages were not logged; see above.")
