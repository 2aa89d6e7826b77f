"""Cost of field encryption on the triage queue and the case page: p95 with and without, one run.

    cp -r var/bench/passage_perf_helper/data /tmp/seal-bench-data   # its keyring opens the data
    psql -h 127.0.0.1 -U postgres \
        -c "CREATE DATABASE passage_seal_bench TEMPLATE passage_perf_helper"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passage_seal_bench \
    PASSAGE_DATA_DIR=/tmp/seal-bench-data \
        .venv/bin/python benchmarks/sealing/field_cost.py --user vetter-north-1 --requests 300

In-process (Django's test client, one request at a time), so the figures are the server's own
time. Each request picks a random case the user may read in full, and the three arrangements are
interleaved in random order, request by request, so load on the shared machine hits all alike:

- "sealed fields, keys cached": the code as it runs (data keys cached after a case's first read);
- "sealed fields, cold keys": the same, with the data-key cache emptied before each request
  (each case page then pays one DataKey query and one unwrap, as on its first read after unseal);
- "no field encryption": a benchmark-only arrangement, never a setting. Every sealed value the
  run can read is decrypted once beforehand, and `crypto.decrypt` is swapped, in this process
  only, for a lookup of that plaintext: no key lookup, no data key, no AES-GCM. Everything else
  (queries, the audit record with its HMAC, templates) is the same code.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))
MODES = ("sealed fields, keys cached", "sealed fields, cold keys", "no field encryption")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="vetter-north-1")
    parser.add_argument("--requests", type=int, default=300, help="per page and arrangement")
    parser.add_argument("--manifest", default="var/bench/passage_perf_helper/postgresql-users.json")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from benchmarks.foundation.time_queue import signed_in_client
    from passage.accounts.models import User
    from passage.cases.models import Case
    from passage.core import crypto
    from passage.core.access import Action, can
    from passage.core.sealing import datakeys, keyring, state

    settings.ALLOWED_HOSTS = ["*"]
    passphrase = json.loads(Path(args.manifest).read_text())["passphrase"]
    state.install(*keyring.open_with_passphrase(passphrase))
    client = signed_in_client(args.user)
    user = User.objects.get(username=args.user)
    cases = list(Case.objects.visible_to(user).filter(is_open=True).order_by("?")[:200])
    ids = [c.pk for c in cases if can(user, Action.VIEW_IDENTITY, c)]
    assert ids, "this user may read no case in full"

    # Every plaintext the case pages will show, decrypted once now (the "no encryption" store).
    real_decrypt, plain = crypto.decrypt, {}

    def remembering(token, associated, owner=None):
        plain[token] = real_decrypt(token, associated, owner)
        return plain[token]

    def looked_up(token, associated, owner=None):
        return plain[token]

    crypto.decrypt = remembering
    for case_id in ids:
        assert client.get(f"/cases/{case_id}/").status_code == 200
    client.get("/cases/")

    def case_url() -> str:
        return f"/cases/{random.choice(ids)}/"  # noqa: S311

    pages = {"triage queue": lambda: "/cases/", "case page": case_url}
    times = {(page, mode): [] for page in pages for mode in MODES}
    for _ in range(args.requests):
        for page, url in pages.items():
            for mode in random.sample(MODES, len(MODES)):
                crypto.decrypt = looked_up if mode == MODES[2] else real_decrypt
                if mode == MODES[1]:
                    datakeys.clear_cache()
                path = url()
                started = time.perf_counter()
                response = client.get(path)
                times[(page, mode)].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
    crypto.decrypt = real_decrypt

    print(f"{connection.vendor}, user {args.user}, {len(ids)} cases, {args.requests} requests each")
    print("| page | arrangement | p50 ms | p95 ms | p95 vs no encryption |")
    print("|---|---|---:|---:|---:|")
    for page in pages:
        base = percentile(times[(page, MODES[2])], 0.95)
        for mode in MODES:
            values = times[(page, mode)]
            p95 = percentile(values, 0.95)
            print(
                f"| {page} | {mode} | {statistics.median(values):.1f} | {p95:.1f} | "
                f"{(p95 / base - 1) * 100:+.1f} % |"
            )


if __name__ == "__main__":
    main()
