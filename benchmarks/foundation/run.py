"""Foundation benchmark: queue and case pages under 10 signed-in users, on PostgreSQL and SQLite.

For each database: create it (PostgreSQL `passage_bench`, SQLite var/bench/passage_bench.sqlite3),
migrate, fill it with generate.py, start `passage serve` on a free loopback port, run the locust
file against it (bounded in time and requests), stop the server, drop the database. Writes
benchmarks/results/foundation.md.

    .venv/bin/python benchmarks/foundation/run.py            # what `make bench` runs
"""

import argparse
import json
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BENCH_DIR = ROOT / "var" / "bench"
VENV_BIN = Path(sys.executable).parent
PASSAGE = str(VENV_BIN / "passage")
RESULTS = ROOT / "benchmarks" / "results" / "foundation.md"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "passage_bench"
TARGET_P95_MS = 150


def pg_admin(sql: str) -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def pg_version() -> str:
    with psycopg.connect(f"{PG_SERVER}/postgres") as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    print("$", shlex.join(cmd), flush=True)
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)  # noqa: S603


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("passage serve exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback server
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"passage serve did not answer at {url}")


def unseal_server(base: str, passphrase: str) -> None:
    """Where the app has sealing, the server starts sealed: unseal it as an officer would."""
    import http.cookiejar
    import re
    import urllib.parse

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    try:
        page = opener.open(f"{base}/sealing/unseal/", timeout=30).read().decode()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return  # no sealing in this version
        page = exc.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        return  # already unsealed: the page redirected
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "passphrase": passphrase})
    opener.open(f"{base}/sealing/unseal/", data=form.encode(), timeout=60)


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(p / 100 * len(sorted_values) + 0.5 - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarise(timings: dict) -> dict:
    pages = {}
    for name in ("queue", "case"):
        times = sorted(t for n, t, _ in timings["t"] if n == name)
        errors = sum(1 for n, _, status in timings["t"] if n == name and status != 200)
        pages[name] = {
            "n": len(times),
            "errors": errors,
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
            "p99": percentile(times, 99),
            "rps": len(times) / timings["measured_s"],
        }
    total = len(timings["t"])
    return {"pages": pages, "rps": total / timings["measured_s"], "seconds": timings["measured_s"]}


def audit_count(env: dict) -> int:
    out = subprocess.run(  # noqa: S603
        [
            PASSAGE,
            "shell",
            "-c",
            "from passage.core.models import AuditRecord as A;"
            "print(A.objects.filter(action='person.read_identity').count())",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def load(env: dict, port: int, think: str, manifest: Path, timings_file: Path, args) -> dict:
    """One bounded locust run against the running server; the summary of what it measured."""
    reads_before = audit_count(env)
    load_env = {
        **env,
        "BENCH_MANIFEST": str(manifest),
        "BENCH_TIMINGS": str(timings_file),
        "BENCH_WARMUP": str(args.warmup),
        "BENCH_MAX_REQUESTS": str(args.max_requests),
        "BENCH_THINK": think,
    }
    run(
        [
            str(VENV_BIN / "locust"),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            f"--users={args.users}",
            f"--spawn-rate={args.users}",
            f"--run-time={args.seconds + args.warmup}s",
            f"--host=http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel=WARNING",
        ],
        load_env,
    )
    result = summarise(json.loads(timings_file.read_text()))
    result["identity_reads_audited"] = audit_count(env) - reads_before
    result["load"] = os.getloadavg()[0]
    return result


def think_label(think: str) -> str:
    low, high = think.split(",")
    return "none" if float(high) == 0 else f"{low}–{high} s"


def bench_one(backend: str, args) -> dict:
    data_dir = BENCH_DIR / "data"
    fresh = not args.reuse
    if backend == "postgresql":
        url = f"{PG_SERVER}/{PG_DB}"
        if fresh:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
            pg_admin(f"CREATE DATABASE {PG_DB}")
    else:
        db_file = BENCH_DIR / "passage_bench.sqlite3"
        for leftover in BENCH_DIR.glob("passage_bench.sqlite3*") if fresh else ():
            leftover.unlink()
        url = f"sqlite:///{db_file}"
    env = {**os.environ, "DATABASE_URL": url, "PASSAGE_DATA_DIR": str(data_dir)}
    env.pop("PASSAGE_DEBUG", None)
    manifest = BENCH_DIR / f"{backend}-users.json"
    timings_file = BENCH_DIR / f"{backend}-timings.json"
    try:
        started = time.monotonic()
        if fresh:
            run([PASSAGE, "migrate", "--no-input", "-v0"], env)
            run(
                [
                    sys.executable,
                    str(HERE / "generate.py"),
                    f"--cases={args.cases}",
                    f"--requests={args.requests}",
                    f"--manifest={manifest}",
                ],
                env,
            )
        generate_s = time.monotonic() - started
        port = free_port()
        server_cmd = [
            PASSAGE,
            "serve",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.workers}",
            f"--threads={args.threads}",
        ]
        print("$", shlex.join(server_cmd), flush=True)
        server_env = env
        if args.server_path:
            # The server runs another checkout's code (e.g. the commit before a fix) on this data.
            server_env = {**env, "PYTHONPATH": args.server_path}
        server = subprocess.Popen(server_cmd, env=server_env, cwd=ROOT)  # noqa: S603
        try:
            wait_until_up(f"http://127.0.0.1:{port}/static/passage/css/passage.css", server)
            unseal_server(
                f"http://127.0.0.1:{port}", json.loads(manifest.read_text())["passphrase"]
            )
            wait_until_up(f"http://127.0.0.1:{port}/accounts/sign-in/", server)
            results = {}
            for think in args.think.split(";"):
                results[think] = load(env, port, think, manifest, timings_file, args)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        for result in results.values():
            result["generate_s"] = generate_s
        return results
    finally:
        if not (args.keep or args.reuse):
            if backend == "postgresql":
                pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
            else:
                for leftover in BENCH_DIR.glob("passage_bench.sqlite3*"):
                    leftover.unlink()


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": pg_version(),
        "os": platform.platform(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def write_results(results: dict, facts: dict, args, command: str) -> None:
    lines = [
        "# Foundation benchmark: triage queue and case page",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Reproduce with `make bench`, which runs:",
        "",
        "```",
        command,
        "```",
        "",
        f"Data: {args.cases:,} cases and {args.requests:,} requests made by "
        "`benchmarks/foundation/generate.py` (names, aliases, unit, township, contact handle "
        "and notes encrypted as the app does; one timeline entry per request and per stage "
        "change; 8 cells; 30% of cases also assigned to named users; realistic mixes of stage, "
        "urgency, branch, region and channel).",
        "",
        f"Load: {args.users} users signed in for real (sign-in form: password, and a TOTP code "
        "computed from each device's key with `django_otp.oath.TOTP`): 2 coordinators (one in a "
        "cell, one in none) and one member of each of 8 cells (vetters, planners, caseworkers, "
        "intake officers in turn). Each user picks at random, one after the other, the queue's "
        "first page (`/cases/`, 50 rows, with the page count) or the page of a case it may open "
        "(`locustfile.py`). Think time is the pause between a user's pages: *none* is a closed "
        "loop, each user asking again as soon as its last page arrives, the worst case for 10 "
        f"people. Each row is {args.seconds} s measured after a {args.warmup} s warm-up (sign-in), "
        f"or {args.max_requests:,} pages, whichever comes first. Times are whole responses over "
        "loopback as locust's FastHttpUser sees them; percentiles are nearest-rank over every "
        "measured page; no page failed unless the errors column says so.",
        "",
        f"Target: p95 ≤ {TARGET_P95_MS} ms for both pages on PostgreSQL.",
        "",
        "| database | think time | page | pages | errors | p50 ms | p95 ms | p99 ms | pages/s |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for backend, runs in results.items():
        for think, result in runs.items():
            for name, label in (("queue", "triage queue, page 1"), ("case", "case page")):
                p = result["pages"][name]
                lines.append(
                    f"| {backend} | {think_label(think)} | {label} | {p['n']} | {p['errors']} | "
                    f"{p['p50']:.0f} | {p['p95']:.0f} | {p['p99']:.0f} | {p['rps']:.1f} |"
                )
    lines += [
        "",
        "| database | think time | all pages/s | identity reads audited | load average after |",
        "|---|---|---:|---:|---:|",
    ]
    for backend, runs in results.items():
        for think, result in runs.items():
            lines.append(
                f"| {backend} | {think_label(think)} | {result['rps']:.1f} | "
                f"{result['identity_reads_audited']} | {result['load']:.2f} |"
            )
    generated = ", ".join(
        f"{backend} {next(iter(runs.values()))['generate_s']:.0f} s"
        for backend, runs in results.items()
    )
    lines += [
        "",
        "Every case page opened by a user assigned to the case (by name or through a cell) "
        "decrypts the identity and appends a `person.read_identity` record to the audit chain, "
        "which locks the chain's one head row until the commit: those writes are in the figures "
        "(the *identity reads audited* column counts them).",
        "",
        "## Server",
        "",
        f"`passage serve --workers={args.workers} --threads={args.threads}` (gunicorn, gthread) "
        "on 127.0.0.1, settings as shipped: `PASSAGE_DEBUG` off, persistent database "
        "connections (`PASSAGE_DB_CONN_MAX_AGE` 60 s), sessions in the database and saved on "
        "every request (idle timeout), SQLite in WAL mode with `synchronous=NORMAL`; PostgreSQL "
        "with its Debian defaults. `ANALYZE` runs after the bulk load. The load generator, the "
        "server and PostgreSQL share the machine. Bulk load took " + generated + ".",
        "",
        "## Machine",
        "",
        f"- nproc {facts['nproc']} ({facts['cpu']}), shared with other work: load average "
        f"{facts['load']} (1, 5, 15 min) at the start",
        f"- Python {facts['python']}, PostgreSQL {facts['postgresql']}",
        f"- {facts['os']}",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300_000)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60, help="measured time per database")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument(
        "--think",
        default="0,0;0.5,2",
        help="min,max seconds between a user's pages; several runs separated by ';'",
    )
    # One process, as the sealing design asks (each process would have to be unsealed).
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the databases for profiling")
    parser.add_argument(
        "--reuse", action="store_true", help="load a database kept by --keep (for trying fixes)"
    )
    parser.add_argument("--no-write", action="store_true", help="don't write the results file")
    parser.add_argument("--db", default="", help="PostgreSQL database (and var/bench/<db>/)")
    parser.add_argument("--server-path", default="", help="PYTHONPATH for the server only")
    args = parser.parse_args()
    if args.db:
        global PG_DB, BENCH_DIR
        PG_DB, BENCH_DIR = args.db, BENCH_DIR / args.db
    command = shlex.join([".venv/bin/python", "benchmarks/foundation/run.py", *sys.argv[1:]])
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    facts = machine()
    results = {b: bench_one(b, args) for b in args.backends.split(",")}
    print(json.dumps(results, indent=1))
    if not args.no_write:
        write_results(results, facts, args, command)


if __name__ == "__main__":
    main()
