"""The task worker runs nothing while sealed: the key agent lends the web process's keys over a
Unix socket, and a "seal now" anywhere stops the worker. With real processes and a real socket."""

import base64
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from passage.core.sealing import agent, state
from tests.conftest import TEST_PASSPHRASE

# `python -m passage` from this checkout's root: the processes run the code under test.
ROOT = Path(__file__).resolve().parents[3]
PASSAGE = [sys.executable, "-m", "passage"]
TASK_PATH = "passage.planning.tasks.raise_missed_check_ins"


@pytest.fixture
def agent_here():
    """An agent in this (unsealed) test process, on a socket in a fresh folder."""
    folder = Path(tempfile.mkdtemp(prefix="pa-", dir="/tmp"))  # short: socket paths max 108
    try:
        served = agent.Agent(folder / "key-agent.sock")
        yield served
        served.close()
    finally:
        shutil.rmtree(folder)


def test_the_socket_is_0600_and_answers_our_own_user_with_the_wrapping_key(agent_here):
    assert stat.S_IMODE(agent_here.path.stat().st_mode) == 0o600
    reply = agent.ask(agent_here.path)
    assert reply["sealed"] is False
    assert base64.b64decode(reply["wrapping"]) == state.wrapping_key()


def test_after_a_seal_elsewhere_the_agent_lends_nothing(agent_here):
    with state.updating_shared() as shared:  # what `passage seal` in another process does
        shared["generation"] += 1
    assert agent.ask(agent_here.path) == {"sealed": True}
    assert not state.is_unsealed()


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to run a peer as another user")
def test_a_peer_running_as_another_user_gets_no_key(agent_here):
    # Root passes the 0600 file mode, so this reaches the SO_PEERCRED check itself.
    os.chmod(agent_here.path.parent, 0o755)  # noqa: S103 (so the other user reaches the socket)
    os.chmod(agent_here.path, 0o666)  # noqa: S103
    script = (
        "import os, socket; os.setgid(65534); os.setuid(65534);"
        f"s = socket.socket(socket.AF_UNIX); s.connect({str(agent_here.path)!r})\n"
        "try:\n s.sendall(b'keys\\n'); print(repr(s.recv(4096)))\n"
        "except OSError as e: print(type(e).__name__)"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20, check=True
    )
    # Closed without a word (or reset before our request was read).
    assert out.stdout.strip() in ("b''", "ConnectionResetError", "BrokenPipeError")
    assert agent.ask(agent_here.path)["sealed"] is False  # while we still get an answer


def test_no_agent_means_sealed(tmp_path):
    assert agent.ask(tmp_path / "nothing.sock") == {"sealed": True}


# --- real processes: `passage serve`, `passage db_worker`, `passage seal` ----------------------


class Site:
    """A whole installation in a temporary folder, driven only through its commands and HTTP."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.db = folder / "passage.sqlite3"
        self.env = {
            **os.environ,
            "PASSAGE_DATA_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{self.db}",
            "PASSAGE_ARGON2_TIME_COST": "1",
            "PASSAGE_ARGON2_MEMORY_KIB": "8",
            "PASSAGE_ARGON2_PARALLELISM": "1",
            "PASSAGE_RETENTION_DAYS": "0",
            "PYTHONUNBUFFERED": "1",  # logs of running processes reach their files at once
        }
        self.env.pop("PASSAGE_SEAL_STATE_FILE", None)
        self.env.pop("PASSAGE_KEYRING_FILE", None)
        self.processes: list[tuple[subprocess.Popen, object]] = []

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603
            [*PASSAGE, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, *args: str) -> subprocess.Popen:
        log = (self.folder / f"{args[0]}-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(  # noqa: S603
            [*PASSAGE, *args], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append((process, log))
        return process

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in self.folder.glob("*.log"))

    def enqueue(self) -> None:
        self.run("shell", "-c", f"from {TASK_PATH.rsplit('.', 1)[0]} import *; "
                 "raise_missed_check_ins.enqueue()")  # fmt: skip

    def statuses(self) -> list[str]:
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute(
                f"SELECT status FROM {DBTaskResult._meta.db_table} WHERE task_path = ? "  # noqa: S608
                "ORDER BY enqueued_at",
                (TASK_PATH,),
            )
            return [status for (status,) in rows]

    def unseal(self) -> None:
        """Through the unseal page, as an officer would."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        url = f"http://127.0.0.1:{self.port}/sealing/unseal/"
        page = opener.open(url, timeout=20).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "passphrase": TEST_PASSPHRASE})
        opener.open(urllib.request.Request(url, data=body.encode()), timeout=60).read()

    def wait_for(self, predicate, seconds: float = 30.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        for process, _log in self.processes:
            process.terminate()
        for process, log in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


@pytest.fixture
def site(unused_port):
    folder = Path(tempfile.mkdtemp(prefix="ps-", dir="/tmp"))
    folder.chmod(0o700)
    made = Site(folder, unused_port)
    try:
        made.run("migrate", "--no-input")
        (folder / "phrase").write_text(TEST_PASSPHRASE)
        made.run("keyring", "init", "--passphrase-file", str(folder / "phrase"))
        yield made
    finally:
        made.stop()
        shutil.rmtree(folder)


@pytest.fixture
def unused_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_worker_runs_no_task_while_sealed_and_stops_at_seal_now(site):
    site.start("serve", "--bind", f"127.0.0.1:{site.port}")
    assert site.wait_for(lambda: (site.folder / "key-agent.sock").exists()), site.logs()
    site.enqueue()

    # Sealed (as every start is): a worker pass claims nothing; the task stays queued.
    site.run("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")
    assert site.statuses() == ["READY"]

    # Unsealed through the web page: a long-running worker gets the keys from the agent.
    worker = site.start("db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2")
    # Up and polling, it says why it runs nothing; the task is still queued.
    assert site.wait_for(lambda: "Passage is sealed: no task runs" in site.logs()), site.logs()
    time.sleep(1)
    assert site.statuses() == ["READY"]
    site.unseal()
    assert site.wait_for(lambda: site.statuses() == ["SUCCESSFUL"]), site.logs()

    # Seal now from the shell: the same worker process drops its keys and runs nothing more.
    assert "sealed" in site.run("seal")
    sealed_twice = lambda: site.logs().count("Passage is sealed: no task runs") == 2  # noqa: E731
    assert site.wait_for(sealed_twice), site.logs()  # the running worker noticed
    site.enqueue()
    time.sleep(2)
    assert site.statuses() == ["SUCCESSFUL", "READY"]
    assert worker.poll() is None  # alive and waiting, not crashed

    # Unsealed again: the queued task runs.
    site.unseal()
    assert site.wait_for(lambda: site.statuses() == ["SUCCESSFUL", "SUCCESSFUL"])


def _core_limit(pid: int) -> str:
    limits = Path(f"/proc/{pid}/limits").read_text()
    return next(line for line in limits.splitlines() if line.startswith("Max core file size"))


def test_serve_and_the_worker_write_no_core_dump(site):
    serve = site.start("serve", "--bind", f"127.0.0.1:{site.port}")
    worker = site.start("db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2")
    assert site.wait_for(lambda: (site.folder / "key-agent.sock").exists()), site.logs()
    assert site.wait_for(lambda: "Passage is sealed: no task runs" in site.logs()), site.logs()
    for process in (serve, worker):
        assert _core_limit(process.pid).split()[4:6] == ["0", "0"], _core_limit(process.pid)


def test_a_hardened_process_is_not_dumpable():
    code = (
        "import ctypes; from passage.core.hardening import harden_process; "
        "print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)); harden_process(); "
        "print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["1", "0"]  # PR_GET_DUMPABLE before and after
