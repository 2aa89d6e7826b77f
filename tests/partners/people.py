"""Crafted lists for two partners: the same people spelled differently on each side.

Names come from the matcher's own table (Burmese Unicode, Zawgyi and a Latin spelling of each),
keeping those whose three spellings give the same whole-name key and no other name shares it,
so the true overlap is known exactly.
"""

import csv
from pathlib import Path

import passage.names
from passage.partners.matchkeys import keys_for

TABLE = Path(passage.names.__file__).with_name("data") / "names.tsv"


def spellings(n: int) -> list[dict[str, str]]:
    chosen, seen = [], set()
    with TABLE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            keys = {
                keys_for([row[c]], None, "", "").get("name")
                for c in ("burmese_unicode", "burmese_zawgyi", "latin")
            }
            if len(keys) != 1 or None in keys or keys & seen:
                continue
            seen |= keys
            chosen.append(row)
            if len(chosen) == n:
                break
    return chosen


def two_lists(only_a: int, both: int, only_b: int, differ: int):
    """(A's people, B's people, true overlap). A writes Burmese (every third one in Zawgyi), B the
    Latin spelling; `differ` of the shared people have another unit and no age on B's side."""
    rows = spellings(only_a + both + only_b)
    a, b = [], []
    for i, row in enumerate(rows[: only_a + both]):
        script = "burmese_zawgyi" if i % 3 == 0 else "burmese_unicode"
        a.append({"name": row[script], "age": 20 + i % 30, "unit": f"LIB {100 + i}"})
    for j, row in enumerate(rows[only_a:]):
        i = only_a + j
        person = {"name": row["latin"], "age": 20 + i % 30, "unit": f"lib-{100 + i}"}
        if j < differ:
            person = {"name": row["latin"], "unit": f"IB {900 + i}"}
        b.append(person)
    return a, b, both
