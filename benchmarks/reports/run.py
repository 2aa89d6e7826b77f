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
    parser.add_argument(
        "--page",
        action="store_true",
        help="time only the whole dashboard page, before and after b9a9c70 and 971a745 taking "
        "turns, and print the table",
    )
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
        (
            "defections per month, the three breakdowns in one query",
            lambda f: queries.arrivals_by_month_every_way(f),
        ),
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

    if args.page:
        with _unsealed():  # the page writes an audit record, which needs the keys
            page_timings(args.runs)
        return

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


def page_timings(runs: int) -> None:
    """The dashboard page as an analyst gets it (the view, its queries, suppression, template and
    audit record), for the last 12 months and 3 years, before and after b9a9c70 and 971a745
    taking turns, so that both meet the same load. Before is the max-flow suppression (kept in
    tests/reports/test_suppression_same_as_flow.py) and one query per monthly breakdown. The
    analyst and the audit records are rolled back."""
    from django.db import transaction
    from django.test import RequestFactory
    from django.utils import timezone, translation

    from passage.accounts.models import User
    from passage.accounts.roles import Role
    from passage.reports import queries, suppression, views
    from tests.reports.test_suppression_same_as_flow import flow_protect

    current = suppression.protect, queries.arrivals_by_month_every_way

    def before(counts, *, threshold=5, row_totals=True, col_totals=True, total=True, force=None):
        options = {"row_totals": row_totals, "col_totals": col_totals, "total": total}
        return flow_protect(counts, threshold=threshold, force=force, **options)

    def one_query_each(f):
        return {by: queries.arrivals_by_month(f, by) for by in queries.BREAKDOWNS}

    today = timezone.localdate()
    periods = [
        ("last 12 months", {}),
        ("last 3 years", {"start": (today - timedelta(days=3 * 365)).isoformat()}),
    ]
    load_before = os.getloadavg()[0]
    results = []
    with transaction.atomic():
        analyst = User.objects.create_user(username="bench-analyst", role=Role.ANALYST)
        factory = RequestFactory()
        translation.activate("en")
        for label, query in periods:
            ms: dict[str, list[float]] = {"before": [], "after": []}
            for run in range(runs + 1):
                for name, (protect, breakdowns) in (
                    ("before", (before, one_query_each)),
                    ("after", current),
                ):
                    suppression.protect = protect  # protect_together and figures look it up
                    views.figures.protect = protect
                    queries.arrivals_by_month_every_way = breakdowns
                    request = factory.get("/figures/", query)
                    request.user = analyst
                    started = time.perf_counter()
                    response = views.dashboard(request)
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200
                    if run:  # the first round warms up
                        ms[name].append(elapsed)
            suppression.protect = views.figures.protect = current[0]
            queries.arrivals_by_month_every_way = current[1]
            results.append((label, ms))
            print(label, {k: (statistics.median(v), percentile(v, 95)) for k, v in ms.items()})
        transaction.set_rollback(True)
    load_after = os.getloadavg()[0]
    print(
        f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_before:.1f} at the start, "
        f"{load_after:.1f} at the end, {os.cpu_count()} CPUs, {runs} runs of each after a warm-up"
    )
    print("| period | before p50 | before p95 | after p50 | after p95 |")
    print("|---|---:|---:|---:|---:|")
    for label, ms in results:
        b, a = ms["before"], ms["after"]
        print(
            f"| {label} | {statistics.median(b):.0f} | {percentile(b, 95):.0f} "
            f"| {statistics.median(a):.0f} | {percentile(a, 95):.0f} |"
        )


if __name__ == "__main__":
    main()
