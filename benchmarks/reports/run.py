"""Reports benchmark: each dashboard query's p95 on PostgreSQL with 100,000 cases.

Creates the database `passage_reports_bench` (dropping an old one), migrates it, fills it with
the foundation benchmark's generator (benchmarks/foundation/generate.py), then times each
aggregate query the figures pages run, and the whole dashboard build (queries plus
suppression), and writes benchmarks/results/reports.md.

    .venv/bin/python benchmarks/reports/run.py [--cases 100000] [--runs 30] [--keep]
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "passage_reports_bench"
RESULTS = ROOT / "benchmarks" / "results" / "reports.md"
TARGET_P95_MS = 300


def pg_admin(sql: str) -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


@contextmanager
def _unsealed():
    """The generator writes sealed fields: give it a throwaway keyring of its own, unsealed
    (as the test suite does). A tree without sealing needs nothing."""
    try:
        from passage.core.sealing import keyring, state
    except ImportError:
        yield
        return
    from django.test.utils import override_settings

    with (
        tempfile.TemporaryDirectory() as tmp,
        override_settings(
            DATA_DIR=Path(tmp),
            KEYRING_FILE=Path(tmp) / "keyring.json",
            SEAL_STATE_FILE=Path(tmp) / "seal-state.json",
            SEALING_ARGON2={"time_cost": 1, "memory_kib": 8, "parallelism": 1},
        ),
    ):
        wrapping, masters, current, _shares = keyring.initialise("reports bench, thrown away")
        state.install(wrapping, masters, current)
        yield


def timed(fn, runs: int) -> list[float]:
    fn()  # one warm-up run: plans cached, pages in memory, as on a server that has been up
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse a filled database if present")
    parser.add_argument("--db", default=PG_DB, help="database name (default %(default)s)")
    parser.add_argument("--only", default="", help="comma-separated parts of query names to run")
    parser.add_argument("--no-write", action="store_true", help="don't write the results file")
    args = parser.parse_args()
    db = args.db
    url = f"{PG_SERVER}/{db}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings")
    filled = False
    if args.keep:
        try:
            with psycopg.connect(url) as conn:
                filled = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0] > 0
        except psycopg.Error:
            filled = False
    if not filled:
        pg_admin(f'DROP DATABASE IF EXISTS "{db}"')
        pg_admin(f'CREATE DATABASE "{db}"')
    passage = str(Path(sys.executable).parent / "passage")
    subprocess.run([passage, "migrate", "--no-input", "-v", "0"], check=True, cwd=ROOT)  # noqa: S603
    import django

    django.setup()
    if not filled:
        from benchmarks.foundation.generate import generate

        with _unsealed():
            generate(args.cases, args.requests, seed=2025, manifest=None)
        # What autovacuum does to a server after a bulk load: statistics and the visibility map
        # (without which PostgreSQL cannot answer a count from an index alone).
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    from django.db import connection
    from django.utils import timezone

    from passage.cases.models import Case, TimelineEntry
    from passage.intake.models import Request
    from passage.reports import figures, queries

    now = timezone.now()
    year = queries.Filters(start=now - timedelta(days=365), end=now)
    everything = queries.Filters(start=now - timedelta(days=3 * 365), end=now)
    narrow = queries.Filters(
        start=now - timedelta(days=365), end=now, branch="navy", region="sagaing"
    )
    checks = [
        ("requests per week by channel", lambda f: queries.requests_by_week_and_channel(f)),
        ("funnel (cases reaching each step)", lambda f: queries.funnel(f)),
        ("median days per stage", lambda f: queries.median_days_in_stage(f)),
        ("defections per month by branch", lambda f: queries.arrivals_by_month(f, "branch")),
        (
            "defections per month by rank group",
            lambda f: queries.arrivals_by_month(f, "rank_group"),
        ),
        ("defections per month by region", lambda f: queries.arrivals_by_month(f, "region")),
        ("rejections and referrals per month", lambda f: queries.outcomes_by_month(f)),
        (
            "summary: defections by year and branch",
            lambda f: queries.arrivals_by_year_and_branch(queries.Filters()),
        ),
    ]

    def whole_dashboard(f):
        figures.funnel(f)
        figures.requests_table(f)
        figures.arrivals_tables(f)
        figures.outcomes_table(f)

    load_before = os.getloadavg()[0]
    rows = []
    for period, f in (
        ("last 12 months", year),
        ("last 3 years", everything),
        ("12 months, navy, Sagaing", narrow),
    ):
        only = [part for part in args.only.split(",") if part]
        for name, fn in checks:
            if only and not any(part in name for part in only):
                continue
            ms = timed(lambda fn=fn, f=f: fn(f), args.runs)
            rows.append((name, period, statistics.median(ms), percentile(ms, 95)))
            print(f"{name:42} {period:26} p50 {rows[-1][2]:7.1f} ms  p95 {rows[-1][3]:7.1f} ms")
        if only:
            continue
        ms = timed(lambda f=f: whole_dashboard(f), max(5, args.runs // 3))
        rows.append(
            (
                "whole dashboard (queries + suppression)",
                period,
                statistics.median(ms),
                percentile(ms, 95),
            )
        )
        p50, p95 = rows[-1][2:]
        print(f"{'whole dashboard':42} {period:26} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    counts = (Case.objects.count(), Request.objects.count(), TimelineEntry.objects.count())
    worst = max(r[3] for r in rows if not r[0].startswith("whole"))
    lines = [
        "# Reports benchmark: dashboard queries on PostgreSQL",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() and 'a'} "
        f"{platform.machine()} machine, Python {platform.python_version()}, "
        f"PostgreSQL {version}. Load average during the run: {load_before:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} CPUs (other work was running).",
        f"Data: {counts[0]:,} cases, {counts[1]:,} requests, {counts[2]:,} timeline entries "
        "(benchmarks/foundation/generate.py, seed 2025, spread over three years).",
        f"Each query run {args.runs} times after one warm-up; nearest-rank p95. Target: each "
        f"dashboard query p95 ≤ {TARGET_P95_MS} ms. Worst query p95: **{worst:.0f} ms** "
        f"({'met' if worst <= TARGET_P95_MS else 'NOT met'}).",
        "",
        "Reproduce: `.venv/bin/python benchmarks/reports/run.py` (needs PostgreSQL at "
        "127.0.0.1:5432 as postgres; creates and fills `passage_reports_bench`; `--keep` reuses "
        "a filled one).",
        "",
        "| query | period and filters | p50 ms | p95 ms |",
        "|---|---|---:|---:|",
        *[f"| {n} | {p} | {a:.1f} | {b:.1f} |" for n, p, a, b in rows],
        "",
        "Each figure is one aggregate query grouped in the database (TruncWeek / TruncMonth / "
        "TruncYear with GROUP BY; the medians use window functions in one statement). The "
        "whole-dashboard row adds the small-number suppression and its audit, in Python, on "
        "the grouped counts.",
        "",
    ]
    if args.no_write:
        return
    RESULTS.write_text("\n".join(lines))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
