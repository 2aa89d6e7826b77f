"""Time the triage queue in-process against a filled bench database (DATABASE_URL), per user:
the whole page, its SQL (with EXPLAIN ANALYZE of the count on PostgreSQL) and the render.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passage_perf_helper \
        .venv/bin/python benchmarks/foundation/time_queue.py --users coordinator1,vetter-north-1

Run it from two checkouts one after the other (or interleaved) to compare code on the same data
and the same machine: only ratios within one run mean much on a shared machine. The page reads
no sealed field, so a throwaway keyring (as benchmarks/reports/run.py uses) unseals it.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))


def signed_in_client(username: str):
    """A test client signed in as this bench user, past the authenticator step."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from passage.accounts.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="coordinator1,vetter-north-1,caseworker-south-1")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--query", default="", help="query string, e.g. stage=vetting")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.reports.run import _unsealed

    settings.ALLOWED_HOSTS = ["*"]
    url = "/cases/" + (f"?{args.query}" if args.query else "")
    with _unsealed():
        for username in args.users.split(","):
            client = signed_in_client(username)
            assert client.get(url).status_code == 200
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
            times.sort()
            print(
                f"{username:22} median {statistics.median(times):6.1f} ms  "
                f"p95 {times[int(len(times) * 0.95) - 1]:6.1f} ms  "
                f"queries {len(captured.captured_queries)} ({sql_ms:.1f} ms SQL)",
                flush=True,
            )
            if args.explain:
                for q in captured.captured_queries:
                    print(f"   {float(q['time']) * 1000:7.2f} ms  {q['sql'][:160]}")
                    if connection.vendor == "postgresql" and "COUNT(" in q["sql"]:
                        with connection.cursor() as cursor:
                            cursor.execute("EXPLAIN ANALYZE " + q["sql"])
                            print("\n".join("     " + r[0] for r in cursor.fetchall()))


if __name__ == "__main__":
    main()
