"""What screening costs one intake, with a few thousand people in the database.

    .venv/bin/python benchmarks/screening/intake.py [--people 3000] [--common 1000] [--runs 20]

A fresh SQLite installation in a temporary folder gets `--people` requests named after real names
(passage/names/data/names.tsv, in Burmese script or Latin letters at random) and `--common` more
all named some spelling of "Aung Aung", the name that shares keys with everyone. Then new
requests are logged through the real intake action (which screens them synchronously, in its
transaction), with ordinary names and as "Aung Aung", under each candidate cap of `--caps`
(0: no cap; the setting is PASSAGE_SCREENING_CANDIDATE_CAP), and the time of each intake is
reported (median and p95) with how many candidates were scored.
Add DATABASE_URL=postgres://… (an empty database) to measure on PostgreSQL.
"""

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

tmp = Path(tempfile.mkdtemp(prefix="passage-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings")
os.environ["PASSAGE_DATA_DIR"] = str(tmp)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from passage.accounts.models import User  # noqa: E402
from passage.accounts.roles import Role  # noqa: E402
from passage.core.models import AuditRecord  # noqa: E402
from passage.core.sealing import keyring, state  # noqa: E402
from passage.intake.actions import log_new_request  # noqa: E402

NAMES = Path(__file__).resolve().parents[2] / "passage" / "names" / "data" / "names.tsv"
PASSPHRASE = "bench passphrase with several words"  # noqa: S105 - a throwaway test install
COMMON = ["Aung Aung", "အောင်အောင်", "Ko Aung Aung", "Aung Aung (a) Kyaw", "Maung Aung Aung"]
ORDINARY = ["Kyaw Zin Htet", "ဇော်မင်းထွန်း", "Thiha Soe", "Nay Lin Aung", "Hnin Wai"]


def request(names) -> dict:
    return {
        "channel": "phone",
        "language": "my",
        "urgency": 2,
        "names": names,
        "rank": "private",
        "branch": "army",
        "unit": "Light Infantry Battalion 999",
        "region": "sagaing",
        "township": "Monywa",
        "age": 27,
        "received_at": timezone.now(),
    }


def intake(actor, names):
    started = time.perf_counter()
    case = log_new_request(actor, request(names))
    took = (time.perf_counter() - started) * 1000
    run = AuditRecord.objects.filter(action="screening.run", object_id=str(case.pk)).get()
    return took, run.detail


def cap_label() -> str:
    cap = settings.SCREENING_CANDIDATE_CAP
    return "none" if cap >= 10**9 else f"{cap:,}"


def measure(actor, label, pool, runs):
    times, candidates, capped = [], [], []
    for i in range(runs):
        took, detail = intake(actor, [pool[i % len(pool)]])
        times.append(took)
        candidates.append(detail["candidates"])
        capped.append(sum(detail["capped"].values()))
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"| {label} | {cap_label()} | {max(capped):,} | "
        f"{max(candidates):,} | {statistics.median(times):.0f} | {p95:.0f} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--common", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--caps", type=int, nargs="+", default=[settings.SCREENING_CANDIDATE_CAP, 0]
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    state.install(*keyring.initialise(PASSPHRASE)[:3])
    rng = random.Random(7)  # noqa: S311 - made-up people
    with NAMES.open(encoding="utf-8") as f:
        real = [row for row in csv.DictReader(f, delimiter="\t") if len(row["latin"].split()) > 1]
    started = time.perf_counter()
    actor = User.objects.create(username="bench-coordinator", role=Role.COORDINATOR)
    settings.SCREENING_CANDIDATE_CAP = 10  # filling is not what is measured
    for _ in range(args.people):
        row = rng.choice(real)
        log_new_request(actor, request([row[rng.choice(("latin", "burmese_unicode"))]]))
    for i in range(args.common):
        log_new_request(actor, request([COMMON[i % len(COMMON)]]))
    print(
        f"{connection.vendor}: {args.people:,} people + {args.common:,} named Aung Aung, "
        f"loaded in {time.perf_counter() - started:.0f} s; {args.runs} intakes each",
        flush=True,
    )
    print("| new request | cap | records sharing a key (if capped) | scored | median ms | p95 ms |")
    print("|---|---|---|---|---|---|")
    for label, pool in (("ordinary name", ORDINARY), ("Aung Aung", COMMON)):
        for cap in args.caps:
            settings.SCREENING_CANDIDATE_CAP = cap or 10**9
            measure(actor, label, pool, args.runs)


if __name__ == "__main__":
    sys.exit(main())
