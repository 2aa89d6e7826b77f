"""Speed of the name index against a million synthetic names, beside rapidfuzz process.extract.

    python benchmarks/names_speed.py [--size 1000000] [--queries 1000] [--batch 10000]
        [--rapidfuzz-queries 20] [--processes N] [--seed 7] [--out benchmarks/results/names.md]

Names are drawn from the real distribution in names.tsv: the number of syllables of a real name,
then each syllable with its real frequency, spelled with one of the Latin spellings people used
for it. Queries are names from the index with one syllable respelled (as a caller would), so each
has at least one true match. Timings are wall-clock on this machine: single queries in one
process, the batch through NameIndex.search_many on every core.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from passage.names import NameIndex  # noqa: E402
from passage.names.build_table import DATA, read_tsv  # noqa: E402
from passage.names.table import load  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "myanmar-names"


def distributions():
    """Syllables per name and syllable frequencies (by key) from names.tsv; spellings by key."""
    table = load()
    lengths: Counter[int] = Counter()
    keys: Counter[str] = Counter()
    for row in read_tsv(SHARED / "names.tsv"):
        words = row["latin"].split()
        lengths[len(words)] += 1
        for w in words:
            keys[table.latin(w).key] += 1
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for row in read_tsv(DATA / "syllables.tsv"):
        spellings[row["key"]][row["spelling"]] += int(row["count"]) + 1
    return lengths, keys, spellings


def synthetic_names(n: int, rng: random.Random) -> list[str]:
    lengths, keys, spellings = distributions()
    length_values, length_weights = zip(*sorted(lengths.items()), strict=True)
    key_values, key_weights = zip(*sorted(keys.items()), strict=True)
    spelled = {}
    for k in key_values:
        options = spellings.get(k) or Counter({k: 1})
        spelled[k] = (list(options), list(options.values()))
    sizes = rng.choices(length_values, length_weights, k=n)
    pool = rng.choices(key_values, key_weights, k=sum(sizes))
    names, i = [], 0
    for size in sizes:
        parts = []
        for k in pool[i : i + size]:
            words, weights = spelled[k]
            parts.append(rng.choices(words, weights)[0].capitalize())
        i += size
        names.append(" ".join(parts))
    return names


def respell(name: str, rng: random.Random, spellings) -> str:
    """The name with one syllable written another way people write it (if there is one)."""
    table = load()
    words = name.split()
    j = rng.randrange(len(words))
    options = [s for s in spellings.get(table.latin(words[j]).key, ()) if s != words[j].lower()]
    if options:
        words[j] = rng.choice(options).capitalize()
    return " ".join(words)


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_rss_mb() -> float:
    """Peak resident memory of the largest finished child process, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def uptime() -> str:
    """The load averages over 1, 5 and 15 minutes, as `uptime` shows them."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values, p) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--rapidfuzz-queries", type=int, default=20)
    ap.add_argument("--budget", type=int, default=50, help="most candidates scored per query")
    ap.add_argument("--processes", type=int, help="for the batch (default: every core)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    load_start = uptime()
    _, _, spellings = distributions()

    t = time.perf_counter()
    names = synthetic_names(args.size, rng)
    generated = time.perf_counter() - t
    distinct = len(set(names))
    print(f"generated {len(names):,} names ({distinct:,} distinct) in {generated:.1f} s")

    gc.collect()
    before = current_rss_mb()
    index = NameIndex(b"benchmark index key, 32 bytes!!")
    t = time.perf_counter()
    index.add_many(enumerate(names))
    build = time.perf_counter() - t
    gc.collect()
    memory = current_rss_mb() - before
    print(f"index built in {build:.1f} s, {memory:,.0f} MB")

    picks = [rng.randrange(len(names)) for _ in range(max(args.queries, args.batch))]
    queries = [respell(names[i], rng, spellings) for i in picks]

    times, cpu_times, found, cands = [], [], 0, []
    for q, i in zip(queries[: args.queries], picks, strict=False):
        t, c = time.perf_counter(), time.thread_time()
        hits = index.search(q, limit=10, budget=args.budget)
        times.append((time.perf_counter() - t) * 1000)
        cpu_times.append((time.thread_time() - c) * 1000)
        found += any(names[h[0]] == names[i] for h in hits)
        cands.append(len(index.candidates(q, args.budget)))
    p50, p95, p99 = (pct(times, p) for p in (50, 95, 99))
    cpu50, cpu95, cpu99 = (pct(cpu_times, p) for p in (50, 95, 99))
    print(f"one query: p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms; found {found}")
    print(f"one query, CPU time: p50 {cpu50:.2f} ms, p95 {cpu95:.2f} ms, p99 {cpu99:.2f} ms")

    rf_times, rf_found = [], 0
    for q, i in zip(queries[: args.rapidfuzz_queries], picks, strict=False):
        t = time.perf_counter()
        top = process.extract(q, names, scorer=fuzz.token_sort_ratio, limit=10)
        rf_times.append((time.perf_counter() - t) * 1000)
        rf_found += any(names[idx] == names[i] for _, _, idx in top)
    rf_median = statistics.median(rf_times)
    print(f"rapidfuzz: median {rf_median:.0f} ms per query; found {rf_found}")

    load_before = uptime()
    t = time.perf_counter()
    index.search_many(queries[: args.batch], limit=10, budget=args.budget, processes=args.processes)
    batch = time.perf_counter() - t
    print(f"batch of {args.batch:,}: {batch:.1f} s")

    rows = [
        (f"index build ({args.size:,} names, in memory, parsed names kept)", f"{build:.0f} s", ""),
        ("index memory (resident growth)", f"{memory:,.0f} MB", ""),
        (
            f"one query, p50 / p95 / p99 ({args.queries:,} queries)",
            f"{p50:.2f} / {p95:.2f} / {p99:.2f} ms",
            "p95 ≤ 20 ms",
        ),
        (
            "one query, CPU time of the query's thread, p50 / p95 / p99",
            f"{cpu50:.2f} / {cpu95:.2f} / {cpu99:.2f} ms",
            "",
        ),
        (
            "candidates scored per query, median / p95",
            f"{statistics.median(cands):.0f} / {pct(cands, 95):.0f}",
            "",
        ),
        ("found (source name in top 10)", f"{found}/{args.queries}", ""),
        (
            f"rapidfuzz process.extract, token_sort_ratio, top 10, median "
            f"({args.rapidfuzz_queries} queries)",
            f"{rf_median:,.0f} ms",
            "",
        ),
        ("rapidfuzz found (source name in top 10)", f"{rf_found}/{args.rapidfuzz_queries}", ""),
        ("speed-up, rapidfuzz median / Passage p50", f"{rf_median / p50:,.0f}×", "≥ 20×"),
        (
            "speed-up, rapidfuzz median / Passage p95",
            f"{rf_median / p95:,.0f}×",
            "",
        ),
        (
            f"batch: {args.batch:,} queries against {args.size:,} "
            f"(`search_many`, {args.processes or 'all'} processes)",
            f"{batch:.1f} s",
            "≤ 60 s",
        ),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    report = f"""
# Name index speed

Reproduce: `python benchmarks/names_speed.py --size {args.size} --queries {args.queries} \\
--batch {args.batch} --budget {args.budget} --rapidfuzz-queries {args.rapidfuzz_queries} \\
--seed {args.seed} --out benchmarks/results/names.md` (appends this section).
{os.cpu_count()} cores; single queries in one process, the batch in forked processes sharing
the index. Load average (1, 5, 15 min, as `uptime` shows) at the start {load_start}, before
the batch {load_before}, at the end {uptime()}: other jobs shared the machine.

{args.size:,} synthetic names ({distinct:,} distinct) drawn from the syllable counts and name
lengths of names.tsv, spelled with real Latin spellings. Each query is an indexed name with one
syllable respelled; "found" counts queries whose source name (or an identical name: common
names repeat) is among the returned top 10. Wall-clock times include waiting for a core while
other jobs run; CPU time is the query's own work. At most {args.budget} candidates are scored per
query: those sharing the most blocking keys (`NameIndex.search(..., budget=)`).

| measure | result | target |
|---|---|---|
{table}

Peak resident memory of the whole run: {rss_mb():,.0f} MB; of the largest batch worker
{children_rss_mb():,.0f} MB, most of it pages shared with the parent (copy-on-write).
"""
    print(report)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write(report)


if __name__ == "__main__":
    main()
