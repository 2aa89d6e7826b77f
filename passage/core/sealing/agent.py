"""The local key agent: how the task worker gets the keys the web process was unsealed with.

The web process (`passage serve`: one process with threads) answers on a Unix socket beside the
seal state file (`var/key-agent.sock`, mode 0600, in the 0700 data folder) and only to a peer
running as its own user, checked with SO_PEERCRED. The task worker (`passage db_worker`) asks it
before each pass: while Passage is sealed it gets nothing and claims no task (tasks stay queued
and run after unsealing); once unsealed it gets the wrapping key, opens the masters from the
keyring itself, and drops them like every process when "seal now" bumps the generation.
"""

import base64
import contextlib
import json
import logging
import os
import socket
import struct
import threading
from pathlib import Path

from django.conf import settings

from passage.core.sealing import keyring, state

logger = logging.getLogger(__name__)

REQUEST = b"keys\n"
TIMEOUT_SECONDS = 2.0
_PEERCRED = struct.Struct("3i")  # pid, uid, gid


def socket_path() -> Path:
    return Path(settings.SEAL_STATE_FILE).with_name("key-agent.sock")


def peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size)
    return _PEERCRED.unpack(creds)[1]


def answer() -> dict:
    """What the agent tells a worker: sealed, or the wrapping key as of this generation."""
    state.sync()  # a "seal now" from any process must be seen before a key leaves this one
    try:
        wrapping = state.wrapping_key()
    except state.SealedError:
        return {"sealed": True}
    return {
        "sealed": False,
        "generation": state.read_shared()["generation"],
        "wrapping": base64.b64encode(wrapping).decode(),
    }


def _serve_one(conn: socket.socket) -> None:
    with conn:
        conn.settimeout(TIMEOUT_SECONDS)
        if peer_uid(conn) != os.getuid():
            logger.warning("key agent: refused a peer running as another user")
            return
        if conn.recv(len(REQUEST)) != REQUEST:
            return
        conn.sendall(json.dumps(answer()).encode() + b"\n")


class Agent:
    """The listening side, in the web process: one daemon thread answering one peer at a time."""

    def __init__(self, path: Path | None = None):
        self.path = path or socket_path()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # a socket left by a process that died; nothing listens on it
        # Created 0600 from the start (no window in which another user could connect).
        old_umask = os.umask(0o177)
        try:
            self.sock.bind(str(self.path))
        finally:
            os.umask(old_umask)
        self.sock.listen(8)
        self.thread = threading.Thread(target=self._loop, name="key-agent", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            try:
                conn, _address = self.sock.accept()
            except OSError:
                return  # closed
            try:
                _serve_one(conn)
            except OSError:
                logger.warning("key agent: a peer went away mid-answer")

    def close(self) -> None:
        self.sock.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self.thread.join(timeout=TIMEOUT_SECONDS)


def ask(path: Path | None = None) -> dict:
    """The worker's side: the agent's answer, or sealed when no agent listens."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(TIMEOUT_SECONDS)
            conn.connect(str(path or socket_path()))
            conn.sendall(REQUEST)
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    break
                reply += chunk
        return json.loads(reply)
    except (OSError, ValueError):
        return {"sealed": True}


def holds_keys() -> bool:
    """True when this process may run a task: it holds keys, or the agent just lent them.

    One stat() of the state file first, so a "seal now" anywhere drops our keys before the next
    task; a worker that holds none asks the agent each time (a connect on a local socket)."""
    state.sync()
    if state.is_unsealed():
        return True
    reply = ask()
    if reply.get("sealed", True):
        return False
    if reply["generation"] != state.read_shared()["generation"]:
        return False  # sealed between the agent's answer and now
    wrapping = base64.b64decode(reply["wrapping"])
    try:
        data = keyring.load()
        state.install(wrapping, keyring.open_masters(data, wrapping), data["current"])
    except keyring.KeyringError:
        return False
    if reply["generation"] != state.read_shared()["generation"]:
        state.drop()  # a seal landed while we installed: keys of a sealed generation go
        return False
    return True
