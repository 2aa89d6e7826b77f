"""Fill the database DATABASE_URL names with synthetic cases for the foundation benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passage_bench \
        .venv/bin/python benchmarks/foundation/generate.py --cases 100000 --requests 300000 \
        --manifest var/bench/users.json

Sealed fields are encrypted for real (bulk_create calls each field's pre_save). Every account
gets the same real Argon2 password hash, computed once, and its own TOTP device; the manifest
lists the usernames, the password, each device's key and cases each user may open, for the load
script. The data is synthetic: names come from the Myanmar names list in passage/names/data/.
"""

import argparse
import csv
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMES_TSV = ROOT / "passage" / "names" / "data" / "names.tsv"
PASSWORD = "bench password not for real use"  # noqa: S105 - synthetic accounts on a bench DB
PASSPHRASE = "bench passphrase for a synthetic keyring only"  # noqa: S105 - same
BATCH = 2000

STAGES = {
    "received": 18,
    "vetting": 14,
    "cleared": 5,
    "planning": 5,
    "in_transit": 2,
    "arrived": 3,
    "aftercare": 10,
    "closed": 25,
    "rejected": 8,
    "suspended": 2,
    "referred": 1,
    "lost_contact": 4,
}
URGENCY = {1: 20, 2: 50, 3: 22, 4: 8}
BRANCH = {"army": 70, "police": 18, "air_force": 5, "navy": 4, "unknown": 3}
RANKS = {
    "army": ["private", "lance_corporal", "corporal", "sergeant", "warrant_officer", "captain"],
    "police": ["police_constable", "police_corporal", "police_sergeant", "police_inspector"],
    "air_force": ["airman", "sergeant", "lieutenant"],
    "navy": ["seaman", "petty_officer", "lieutenant"],
    "unknown": ["unknown"],
}
REGION = {
    "sagaing": 18,
    "magway": 12,
    "mandalay": 12,
    "yangon": 10,
    "bago": 8,
    "shan": 8,
    "ayeyarwady": 6,
    "kayin": 5,
    "rakhine": 4,
    "mon": 4,
    "tanintharyi": 3,
    "kachin": 3,
    "chin": 2,
    "kayah": 2,
    "naypyidaw": 2,
    "unknown": 1,
}
CHANNEL = {
    "signal": 30,
    "telegram": 25,
    "facebook": 20,
    "phone": 12,
    "web_form": 6,
    "in_person": 4,
    "partner": 3,
}
TOWNSHIPS = ["Monywa", "Pakokku", "Meiktila", "Hlaing Tharyar", "Taunggyi", "Hpa-an", "Dawei"]
CELLS = ["North", "South", "East", "West", "Delta", "Hills", "Border", "Coast"]
# role -> accounts per cell (members of that cell), plus coordinators and the two outsiders.
CELL_ROLES = {"vetter": 1, "planner": 1, "caseworker": 1, "intake": 1}


def weighted(table: dict, k: int, rng: random.Random) -> list:
    return rng.choices(list(table), weights=list(table.values()), k=k)


def load_names() -> list[tuple[str, str]]:
    with NAMES_TSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [(r["burmese_unicode"], r["latin"]) for r in rows if r["latin"]]


def pseudonyms(n: int, rng: random.Random) -> list[str]:
    """n distinct pseudonyms in the app's style, numbered once the two-word pairs run out."""
    from passage.cases.pseudonyms import ADJECTIVES, NOUNS

    pairs = [f"{a.title()} {b.title()}" for a in ADJECTIVES for b in NOUNS]
    rng.shuffle(pairs)
    return [
        pairs[i % len(pairs)] + ("" if i < len(pairs) else f" {100 + i // len(pairs)}")
        for i in range(n)
    ]


def make_users(rng: random.Random):
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from passage.accounts.models import Cell, User

    encoded = make_password(PASSWORD)  # one real Argon2 hash, shared by every bench account
    cells = [Cell.objects.create(name=name) for name in CELLS]
    specs = [("coordinator1", "coordinator", [cells[0]]), ("coordinator2", "coordinator", [])]
    for cell in cells:
        for role, count in CELL_ROLES.items():
            for i in range(count):
                specs.append((f"{role}-{cell.name.lower()}-{i + 1}", role, [cell]))
    specs += [("analyst1", "analyst", []), ("admin1", "admin", [])]
    users = []
    for username, role, member_of in specs:
        user = User.objects.create(username=username, role=role, password=encoded)
        for cell in member_of:
            cell.members.add(user)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        users.append((user, member_of, device))
    return cells, users


def unseal() -> None:
    """Create or open the bench data folder's keyring, where the app has sealing."""
    try:
        from passage.core.sealing import keyring, state
    except ImportError:
        return
    if keyring.exists():
        state.install(*keyring.open_with_passphrase(PASSPHRASE))
    else:
        wrapping, masters, current, _shares = keyring.initialise(PASSPHRASE)
        state.install(wrapping, masters, current)


def generate(n_cases: int, n_requests: int, seed: int, manifest: Path | None) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from passage.cases.lifecycle import OPEN_STAGES
    from passage.cases.models import Case, Person, TimelineEntry
    from passage.core.models import Organisation
    from passage.intake.models import Request

    rng = random.Random(seed)
    started = time.monotonic()
    if Case.objects.exists():
        sys.exit("the database already holds cases: give an empty, migrated database")
    Organisation.objects.get_or_create(name="Passage benchmark")
    cells, users = make_users(rng)
    case_roles = [u for u, _, _ in users if u.role in ("vetter", "planner", "caseworker", "intake")]
    intake_officers = [u for u in case_roles if u.role == "intake"] or case_roles
    names = load_names()
    all_pseudonyms = pseudonyms(n_cases, rng)
    # Every case has one request; the others fall on cases at random (some people ask often).
    extra = [0] * n_cases
    for i in rng.choices(range(n_cases), k=max(0, n_requests - n_cases)):
        extra[i] += 1
    now = timezone.now()
    three_years = 3 * 365 * 24 * 3600
    assign_model = Case.assignees.through
    visible: dict[int, list[str]] = {u.pk: [] for u, _, _ in users}
    cell_members = {c.pk: [u for u, member_of, _ in users if c in member_of] for c in cells}
    done_requests = 0
    print(f"generating {n_cases} cases, {n_requests} requests into {connection.vendor}")
    for start in range(0, n_cases, BATCH):
        people, cases, requests, timeline, assignments = [], [], [], [], []
        for i in range(start, min(start + BATCH, n_cases)):
            branch = weighted(BRANCH, 1, rng)[0]
            burmese, latin = rng.choice(names)
            person_names = [burmese, latin] if rng.random() < 0.7 else [latin]
            opened = now - timedelta(seconds=rng.random() ** 1.5 * three_years)
            person = Person(
                pseudonym=all_pseudonyms[i],
                names=person_names,
                unit=f"Light Infantry Battalion {rng.randint(1, 600)}",
                township=rng.choice(TOWNSHIPS),
                contact_handle=f"@{latin.lower().replace(' ', '_')}_{rng.randint(10, 9999)}",
                rank=rng.choice(RANKS[branch]),
                branch=branch,
                region=weighted(REGION, 1, rng)[0],
                age=rng.randint(18, 58),
                family_at_risk=rng.random() < 0.3,
                created_at=opened,
            )
            stage = weighted(STAGES, 1, rng)[0]
            # Cases still in "received" are often not yet given to a cell.
            cell = None if stage == "received" and rng.random() < 0.5 else rng.choice(cells)
            changed = opened + (now - opened) * rng.random() if stage != "received" else opened
            n_req = 1 + extra[i]
            channels = weighted(CHANNEL, n_req, rng)
            case = Case(
                person=person,
                stage=stage,
                urgency=weighted(URGENCY, 1, rng)[0],
                cell=cell,
                opened_at=opened,
                stage_changed_at=changed,
                latest_channel=channels[-1],
                is_open=stage in OPEN_STAGES,
            )
            people.append(person)
            cases.append(case)
            received = sorted(opened + (now - opened) * rng.random() ** 3 for _ in range(n_req))
            received[0] = opened
            for at, channel in zip(received, channels, strict=True):
                officer = rng.choice(intake_officers)
                requests.append(
                    Request(
                        person=person,
                        case=case,
                        channel=channel,
                        received_at=at,
                        language="my" if rng.random() < 0.8 else "en",
                        urgency=case.urgency,
                        notes=f"Synthetic request {rng.randint(1, 10**9)}: wants to leave "
                        f"{'with family' if person.family_at_risk else 'alone'}.",
                        logged_by=officer,
                        logged_at=at,
                    )
                )
                timeline.append(TimelineEntry(case=case, at=at, actor=officer, kind="request"))
            if stage != "received":
                timeline.append(
                    TimelineEntry(
                        case=case,
                        at=changed,
                        actor=users[0][0],
                        kind="stage",
                        from_stage="received",
                        to_stage=stage,
                    )
                )
            named = set()
            if cell is not None and rng.random() < 0.3:
                named.update(rng.sample(cell_members[cell.pk], k=rng.randint(1, 2)))
            if rng.random() < 0.02:  # now and then someone outside the cell is added by name
                named.add(rng.choice(case_roles))
            for user in named:
                assignments.append(assign_model(case=case, user=user))
            if case.is_open:
                seen = {u.pk for u in named}
                if cell is not None:
                    seen.update(u.pk for u in cell_members[cell.pk])
                for pk in seen:
                    if len(visible[pk]) < 2000:
                        visible[pk].append(str(case.pk))
        with transaction.atomic():
            Person.objects.bulk_create(people)
            Case.objects.bulk_create(cases)
            Request.objects.bulk_create(requests)
            TimelineEntry.objects.bulk_create(timeline)
            assign_model.objects.bulk_create(assignments)
        done_requests += len(requests)
        done = start + len(cases)
        elapsed = time.monotonic() - started
        print(
            f"  {done:>7} cases  {done_requests:>7} requests  {elapsed:6.1f} s"
            f"  ({done / elapsed:,.0f} cases/s)",
            flush=True,
        )
    with connection.cursor() as cursor:
        # Fresh statistics, as a database that has been running a while would have.
        cursor.execute("ANALYZE")
    print(f"done in {time.monotonic() - started:.1f} s")
    if manifest:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        # Coordinators see every case: give them a sample of open ones to open.
        open_ids = [
            str(pk) for pk in Case.objects.filter(is_open=True).values_list("pk", flat=True)[:20000]
        ]
        entries = []
        for user, member_of, device in users:
            ids = open_ids if user.role == "coordinator" else visible[user.pk]
            entries.append(
                {
                    "username": user.username,
                    "role": user.role,
                    "cells": [c.name for c in member_of],
                    "totp_key": device.key,
                    "case_ids": rng.sample(ids, k=min(500, len(ids))),
                }
            )
        manifest.write_text(
            json.dumps({"password": PASSWORD, "passphrase": PASSPHRASE, "users": entries}, indent=1)
        )
        os.chmod(manifest, 0o600)
        print(f"wrote {manifest}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--manifest", type=Path, help="where to write the load script's users")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings")
    import django

    django.setup()
    unseal()
    generate(args.cases, args.requests, args.seed, args.manifest)


if __name__ == "__main__":
    main()
