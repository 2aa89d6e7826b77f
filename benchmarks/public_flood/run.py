"""Staff page latency while the public form is flooded, before and after the flood fixes.

Each checkout given is run as a real installation in a temporary folder (SQLite file, real
Argon2 costs for receipts, `passage serve` with gunicorn): a coordinator signs in with TOTP and
loads the triage queue again and again while FLOOD_THREADS clients post first messages to the
public form, FLOOD_POSTS in all (a bounded loop against 127.0.0.1). Reported: the queue's
latency without and with the flood, and the flood's answers by status.

    .venv/bin/python benchmarks/public_flood/run.py OLD_CHECKOUT NEW_CHECKOUT

Scenarios: "one process" (the flood and staff share `passage serve`), and for a checkout that
has it, "public-only process" (the flood goes to `passage serve --public-only`).
"""

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

FLOOD_THREADS = int(os.environ.get("FLOOD_THREADS", 16))
FLOOD_POSTS = int(os.environ.get("FLOOD_POSTS", 320))
PASSPHRASE = "a benchmark passphrase that is long enough"  # noqa: S105 (a throwaway install)
PASSWORD = "benchmark password 2026"  # noqa: S105
FORM = {"message": "I want to leave.", "names": "Kyaw Htoo", "branch": "army",
        "rank": "corporal", "region": "sagaing", "urgency": "2"}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Install:
    def __init__(self, checkout: Path):
        self.checkout = checkout
        self.folder = Path(tempfile.mkdtemp(prefix="flood-", dir="/tmp"))
        self.env = {
            **os.environ,
            "PASSAGE_DATA_DIR": str(self.folder),
            "DATABASE_URL": f"sqlite:///{self.folder / 'passage.sqlite3'}",
            "PASSAGE_ARGON2_TIME_COST": "1",  # the unseal key only; receipts keep their cost
            "PASSAGE_ARGON2_MEMORY_KIB": "8",
            "PASSAGE_ARGON2_PARALLELISM": "1",
            "PASSAGE_PUBLIC_DAILY_LIMIT": "100000",
            "PYTHONPATH": str(checkout),
        }
        self.processes = []

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "passage", *args], cwd=self.checkout, env=self.env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(done.stderr)
        return done.stdout

    def serve(self, *extra: str) -> str:
        port = free_port()
        log = (self.folder / f"serve-{port}.log").open("w")
        self.processes.append(
            subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "passage", "serve", "--bind", f"127.0.0.1:{port}", *extra],
                cwd=self.checkout, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/public/", timeout=2)  # noqa: S310
                return base
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def stop(self):
        for p in self.processes:
            p.terminate()
            p.wait(timeout=20)
        shutil.rmtree(self.folder, ignore_errors=True)


def setup(install: Install) -> str:
    install.run("migrate", "--no-input")
    (install.folder / "phrase").write_text(PASSPHRASE)
    install.run("keyring", "init", "--passphrase-file", str(install.folder / "phrase"))
    script = (
        "from passage.accounts.models import User; from passage.core.models import Organisation;"
        "from django_otp.plugins.otp_totp.models import TOTPDevice;"
        "Organisation.objects.get_or_create(name='Bench');"
        f"u = User.objects.create_user('coord', password='{PASSWORD}', role='coordinator');"
        "d = TOTPDevice.objects.create(user=u, name='phone', confirmed=True);"
        "print(d.bin_key.hex())"
    )
    return install.run("shell", "-c", script).strip().splitlines()[-1]


def totp(key_hex: str) -> str:
    import hashlib
    import hmac
    import struct

    counter = struct.pack(">Q", int(time.time()) // 30)
    mac = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def form_post(opener, url: str, fields: dict) -> str:
    page = opener.open(url, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    return opener.open(urllib.request.Request(url, data=body), timeout=120).geturl()  # noqa: S310


def staff_session(base: str, key_hex: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form_post(opener, f"{base}/sealing/unseal/", {"passphrase": PASSPHRASE})
    form_post(opener, f"{base}/accounts/sign-in/",
              {"username": "coord", "password": PASSWORD, "token": totp(key_hex)})  # fmt: skip
    assert "/accounts/sign-in/" not in opener.open(f"{base}/cases/", timeout=60).geturl()
    return opener


def staff_latencies(opener, base: str, stop: threading.Event, minimum: int) -> list[tuple]:
    """(seconds, status) of each load of the queue, one after another."""
    times = []
    while not stop.is_set() or len(times) < minimum:
        started = time.perf_counter()
        try:
            response = opener.open(f"{base}/cases/", timeout=120)
            response.read()
            status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        times.append((time.perf_counter() - started, status))
        time.sleep(0.05)
    return times


def fetch_tokens(public: str) -> list[str]:
    tokens = []
    for _ in range(FLOOD_POSTS):
        page = urllib.request.urlopen(f"{public}/public/", timeout=60).read().decode()  # noqa: S310
        tokens.append(re.search(r'name="token" value="([^"]+)"', page).group(1))
    time.sleep(5.5)  # the form's minimum fill time
    return tokens


def flood(public: str, tokens: list[str]) -> dict:
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def worker(mine):
        for token in mine:
            body = urllib.parse.urlencode({**FORM, "token": token}).encode()
            try:
                code = urllib.request.urlopen(f"{public}/public/", data=body, timeout=120).status  # noqa: S310
            except urllib.error.HTTPError as exc:
                code = exc.code
            except OSError:
                code = 0
            with lock:
                statuses[code] = statuses.get(code, 0) + 1

    threads = [threading.Thread(target=worker, args=(tokens[i::FLOOD_THREADS],))
               for i in range(FLOOD_THREADS)]  # fmt: skip
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"statuses": statuses, "seconds": round(time.perf_counter() - started, 1)}


def summary(loads: list[tuple]) -> dict:
    ordered = sorted(seconds for seconds, _status in loads)
    return {
        "n": len(ordered),
        "failed": sum(1 for _seconds, status in loads if status != 200),
        "median_s": round(statistics.median(ordered), 3),
        "p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "max_s": round(ordered[-1], 3),
    }


def scenario(checkout: Path, public_only: bool) -> dict:
    install = Install(checkout)
    try:
        key = setup(install)
        base = install.serve()
        opener = staff_session(base, key)
        public = install.serve("--public-only") if public_only else base
        quiet = threading.Event()
        quiet.set()
        baseline = staff_latencies(opener, base, quiet, 20)
        tokens = fetch_tokens(public)
        stop = threading.Event()
        measured: list[tuple] = []
        watcher = threading.Thread(
            target=lambda: measured.extend(staff_latencies(opener, base, stop, 5))
        )
        watcher.start()
        flooded = flood(public, tokens)
        stop.set()
        watcher.join()
        return {"quiet": summary(baseline), "flooded": summary(measured), "flood": flooded}
    finally:
        install.stop()


def main(old: str, new: str) -> None:
    results = {
        "old, one process": scenario(Path(old), public_only=False),
        "new, one process": scenario(Path(new), public_only=False),
        "new, public-only process": scenario(Path(new), public_only=True),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(*sys.argv[1:3])
