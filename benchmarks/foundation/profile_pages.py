"""Time and profile the queue and case pages in-process, against DATABASE_URL (a bench database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passage_bench PASSAGE_DATA_DIR=var/bench/data \
        .venv/bin/python benchmarks/foundation/profile_pages.py --user vetter-north-1 --profile

Prints each page's time and SQL queries (with their own time), and EXPLAIN ANALYZE for the
slowest query on PostgreSQL; --profile adds a cProfile of one request.
"""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="coordinator1")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from passage.accounts.models import User
    from passage.cases.models import Case

    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.get(username=args.user)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    ids = list(
        Case.objects.visible_to(user).filter(is_open=True).values_list("pk", flat=True)[:500]
    )
    pages = {"queue": lambda: "/cases/", "case": lambda: f"/cases/{random.choice(ids)}/"}  # noqa: S311
    for name, url in pages.items():
        client.get(url())
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url())
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        print(f"{name}: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
        with CaptureQueriesContext(connection) as captured:
            client.get(url())
        for q in captured.captured_queries:
            print(f"   {float(q['time']) * 1000:7.2f} ms  {q['sql'][:150]}")
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        if connection.vendor == "postgresql" and slowest["sql"].startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + slowest["sql"])
                print("\n".join("     " + row[0] for row in cursor.fetchall()))
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                client.get(url())
            profiler.disable()
            pstats.Stats(profiler).sort_stats(
                os.environ.get("PROFILE_SORT", "cumulative")
            ).print_stats(int(os.environ.get("PROFILE_LINES", "25")))


if __name__ == "__main__":
    main()
