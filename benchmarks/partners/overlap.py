"""Overlap count between two partners: PSI-cardinality (what Passage ships) beside anonlink/clkhash.

    .venv/bin/python benchmarks/partners/overlap.py 2000 20000 [--anonlink /path/to/python]

Crafted data: the same people spelled in Burmese on side A and in Latin on side B (names from the
matcher's table, joined two by two so 20,000 people have mostly distinct names; namesakes occur,
as in life). A quarter of each side is on both; a tenth of those have another unit and no age on
B's side. Each person has three keys (matchkeys.py). Both sides run in this one process one after
the other, so the wall time is both sides' work added (two installations would overlap it).
Bytes: each message body as it is sealed (base64 JSON), plus the box and signature (112 bytes).
The anonlink side needs its own interpreter with anonlink and clkhash installed (they are not a
Passage dependency: see benchmarks/results/partners.md for why).
"""

import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import passage.names  # noqa: E402
from passage.partners import psi  # noqa: E402
from passage.partners.matchkeys import keys_for  # noqa: E402

TABLE = Path(passage.names.__file__).with_name("data") / "names.tsv"
# Dice similarity above which anonlink calls two CLKs one person.
THRESHOLD = float(os.environ.get("ANONLINK_THRESHOLD", "0.9"))
ENVELOPE = 112  # sealed box (48) and Ed25519 signature (64)


def pool() -> list[tuple[str, str]]:
    out = []
    with TABLE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if 1 <= len(row["latin"].split()) <= 2:
                out.append((row["burmese_unicode"], row["latin"]))
    return out


def people(n: int, seed: int = 1):
    """(A's people, B's people, true overlap): dicts with name, birth year, unit."""
    rng = random.Random(seed)
    names = pool()
    both = n // 4
    total = 2 * n - both
    persons = []
    for i in range(total):
        (my1, la1), (my2, la2) = rng.choice(names), rng.choice(names)
        persons.append(
            {"my": f"{my1} {my2}", "la": f"{la1} {la2}", "year": 1960 + i % 45, "unit": i % 700}
        )
    a = [{"name": p["my"], "year": p["year"], "unit": f"LIB {p['unit']}"} for p in persons[:n]]
    b = []
    for j, p in enumerate(persons[n - both :]):
        entry = {"name": p["la"], "year": p["year"], "unit": f"lib-{p['unit']}"}
        if j < both // 10:
            entry = {"name": p["la"], "year": None, "unit": f"IB {p['unit'] + 1000}"}
        b.append(entry)
    return a, b, both


def key_sets(side) -> dict[str, list[str]]:
    sets: dict[str, set[str]] = {k: set() for k in psi.KINDS}
    for p in side:
        for kind, key in keys_for([p["name"]], p["year"], p["unit"], "").items():
            sets[kind].add(key)
    return {k: sorted(v) for k, v in sets.items()}


def b64len(n: int) -> int:
    return 4 * ((n + 2) // 3)


def run_psi(sets_a, sets_b) -> dict:
    t0 = time.perf_counter()
    sa, sb = psi.new_secrets(), psi.new_secrets()
    pa = psi.blind(sa, sets_a)  # A, message 1 is only this payload's hash
    pb = psi.blind(sb, sets_b)  # B, message 2
    answer_a = psi.respond(sa, pb)  # A, message 3 (with pa)
    counts_b = psi.count(sb, pa, answer_a)
    answer_b = psi.respond(sb, pa)  # B, message 4
    counts_a = psi.count(sa, pb, answer_b)
    seconds = time.perf_counter() - t0
    assert counts_a == counts_b
    payload = sum(
        b64len(len(x)) for side in (pa, pb) for parts in side.values() for x in parts.values()
    )
    answers = sum(b64len(len(x)) for ans in (answer_a, answer_b) for x in ans.values())
    return {
        "seconds": seconds,
        "bytes": payload + answers + 4 * ENVELOPE + 300,
        "counts": counts_a,
        "range": psi.person_range(counts_a),
    }


ANONLINK = r"""
import json, sys, time
from clkhash import clk
from clkhash.comparators import NgramComparison, ExactComparison
from clkhash.field_formats import FieldHashingProperties, StringSpec, BitsPerTokenStrategy
from clkhash.schema import Schema
import anonlink
data = json.load(open(sys.argv[1]))
def spec(name, comparator, bits):
    return StringSpec(name, FieldHashingProperties(comparator=comparator,
                      strategy=BitsPerTokenStrategy(bits)))
schema = Schema([spec("name", NgramComparison(2), 30), spec("year", ExactComparison(), 10),
                 spec("unit", ExactComparison(), 10)], 1024)
t0 = time.perf_counter()
clks = [clk.generate_clks(rows, schema, "shared secret of the two groups") for rows in data]
candidates = anonlink.candidate_generation.find_candidate_pairs(
    clks, anonlink.similarities.dice_coefficient_accelerated, float(sys.argv[2]))
groups = anonlink.solving.greedy_solve(candidates)
seconds = time.perf_counter() - t0
size = sum(len(c.tobytes()) for side in clks for c in side)
print(json.dumps({"seconds": seconds, "count": sum(1 for g in groups if len(g) == 2),
                  "bytes": size}))
"""


def run_anonlink(python: str, a, b) -> dict | None:
    def rows(side):
        # Fed the matcher's canonical name key, so the comparison is of the linkage, not the
        # transliteration (raw Burmese beside Latin would share no bigram at all).
        out = []
        for p in side:
            name = keys_for([p["name"]], None, "", "").get("name", "").split("|")[-1]
            out.append([name, str(p["year"] or ""), p["unit"].replace("-", " ").upper()])
        return out

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump([rows(a), rows(b)], f)
    try:
        done = subprocess.run(  # noqa: S603 - a fixed script in the interpreter we were given
            [python, "-c", ANONLINK, f.name, str(THRESHOLD)],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"anonlink did not run: {exc}", file=sys.stderr)
        return None
    finally:
        os.unlink(f.name)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    python = None
    if "--anonlink" in argv:
        python = argv[argv.index("--anonlink") + 1]
        argv = argv[: argv.index("--anonlink")]
    print(
        "| people per side | truth | PSI range (strict–loose) | PSI keys matched"
        " (name/year/place) | PSI wall s (keys + protocol) | PSI bytes | anonlink count"
        " | anonlink wall s | CLK bytes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n in [int(x) for x in argv] or [2000, 20000]:
        a, b, truth = people(n)
        t0 = time.perf_counter()
        sets_a, sets_b = key_sets(a), key_sets(b)
        key_seconds = time.perf_counter() - t0
        r = run_psi(sets_a, sets_b)
        c = r["counts"]
        al = run_anonlink(python, a, b) if python else None
        anon = f"{al['count']} | {al['seconds']:.1f} | {al['bytes']:,}" if al else "not run | – | –"
        print(
            f"| {n:,} | {truth:,} | {r['range'][0]:,}–{r['range'][1]:,} | "
            f"{c['name']:,}/{c['year']:,}/{c['place']:,} | "
            f"{key_seconds + r['seconds']:.1f} ({key_seconds:.1f} + {r['seconds']:.1f}) | "
            f"{r['bytes']:,} | {anon} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
