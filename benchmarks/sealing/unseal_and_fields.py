"""Unseal time with the production Argon2id parameters, and the per-value cost of sealed fields.

Run: .venv/bin/python benchmarks/sealing/unseal_and_fields.py  (no database needed)
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings")
tmp = Path(tempfile.mkdtemp())
os.environ["PASSAGE_DATA_DIR"] = str(tmp)

import django  # noqa: E402

django.setup()

from passage.core import crypto  # noqa: E402
from passage.core.sealing import keyring, state  # noqa: E402


def timed(fn, n):
    runs = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return runs


params = keyring.configured_params()
keyring.initialise("bench passphrase with several words")
unseal = timed(
    lambda: state.install(*keyring.open_with_passphrase("bench passphrase with several words")), 3
)
print(
    f"Argon2id {params}: unseal median {statistics.median(unseal):.2f} s, "
    f"max {max(unseal):.2f} s (os.cpu_count()={os.cpu_count()})"
)
text = "ကျော်ထူး · Light Infantry Battalion 999 · wants to leave with his wife" * 2
token = crypto.encrypt(text, "bench.field:1")
n = 20000
enc = timed(lambda: crypto.encrypt(text, "bench.field:1"), n)
dec = timed(lambda: crypto.decrypt(token, "bench.field:1"), n)
print(
    f"field encrypt {statistics.median(enc) * 1e6:.1f} µs, decrypt "
    f"{statistics.median(dec) * 1e6:.1f} µs per value ({len(text.encode())} bytes, median of {n})"
)
