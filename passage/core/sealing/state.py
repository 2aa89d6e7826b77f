"""This process's keys, and the seal flag every process on the host shares.

Keys live only in this module's memory. The shared flag is a small file under the data folder
(settings.SEAL_STATE_FILE) holding a *generation*, bumped by every "seal now", and an *epoch*,
bumped when keys change (a purge, a rotation). Each request calls `sync()`: one stat() of that
file, no database query. A process that sees a new generation drops its keys, so "seal now" in one
process (or `passage seal` from the shell) seals every process; a new epoch makes it forget cached
data keys and re-read the keyring's masters with the wrapping key it holds.
"""

import fcntl
import json
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


class SealedError(RuntimeError):
    """Passage is sealed: no key is in memory until someone unseals it."""


_lock = threading.RLock()
_wrapping: bytes | None = None
_masters: dict[str, bytes] = {}
_current: str | None = None
_seen: tuple[int, int] | None = None  # (generation, epoch) this process last acted on
_shared_cache: tuple[int, dict] | None = None  # (mtime_ns, content)
_listeners: list = []  # called with no argument whenever keys change or are dropped


def on_change(callback) -> None:
    _listeners.append(callback)


def _notify() -> None:
    for callback in _listeners:
        callback()


def is_unsealed() -> bool:
    return _current is not None


def current_master() -> tuple[str, bytes]:
    # One stat(): a key rotation or "seal now" in another process takes effect at the next key
    # use, not only at the next request (an audit append waiting on the chain's lock during a
    # rotation must hash with the new key).
    sync()
    with _lock:
        if _current is None:
            raise SealedError("Passage is sealed")
        return _current, _masters[_current]


def master(master_id: str) -> bytes:
    """A master by id (data keys record which master wrapped them); reloads after a rotation."""
    with _lock:
        if _current is None:
            raise SealedError("Passage is sealed")
        if master_id not in _masters:
            _reload_masters()
        return _masters[master_id]


def wrapping_key() -> bytes:
    with _lock:
        if _wrapping is None:
            raise SealedError("Passage is sealed")
        return _wrapping


def install(wrapping: bytes, masters: dict[str, bytes], current: str) -> None:
    """Hold these keys: the process is now unsealed, as of the shared state's generation."""
    global _wrapping, _masters, _current, _seen
    with _lock:
        _wrapping, _masters, _current = wrapping, dict(masters), current
        shared = read_shared()
        _seen = (shared["generation"], shared["epoch"])
    _notify()


def drop() -> None:
    """Forget every key (this process only; `seal_everywhere` tells the others)."""
    global _wrapping, _masters, _current
    with _lock:
        _wrapping, _masters, _current = None, {}, None
    _notify()


def _reload_masters() -> None:
    global _masters, _current
    from passage.core.sealing import keyring

    data = keyring.load()
    try:
        masters = keyring.open_masters(data, _wrapping)
    except keyring.WrongSecret:
        drop()  # the wrapping key changed under us: safest is to seal
        raise SealedError("the keyring changed; unseal again") from None
    _masters, _current = masters, data["current"]
    _notify()


# --- the shared flag --------------------------------------------------------------------------


def _state_path() -> Path:
    return Path(settings.SEAL_STATE_FILE)


EMPTY = {"generation": 0, "epoch": 0, "failed": 0, "next_attempt_at": 0.0}


def read_shared() -> dict:
    """The shared state, re-read only when the file changed (a stat per call)."""
    global _shared_cache
    target = _state_path()
    try:
        mtime = target.stat().st_mtime_ns
    except FileNotFoundError:
        return dict(EMPTY)
    if _shared_cache and _shared_cache[0] == mtime:
        return dict(_shared_cache[1])
    try:
        content = {**EMPTY, **json.loads(target.read_text())}
    except ValueError:
        content = dict(EMPTY)
    _shared_cache = (mtime, content)
    return dict(content)


@contextmanager
def updating_shared():
    """Read-modify-write the shared state under an exclusive lock; yields the dict to change."""
    target = _state_path()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock_fd = os.open(str(target) + ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        try:
            content = {**EMPTY, **json.loads(target.read_text())}
        except (FileNotFoundError, ValueError):
            content = dict(EMPTY)
        yield content
        tmp = target.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(content, f)
        os.replace(tmp, target)
        # Two writes in the same clock tick keep one mtime: nudge it so readers see the change.
        stamp = time.time_ns()
        os.utime(target, ns=(stamp, max(stamp, target.stat().st_mtime_ns + 1)))
    finally:
        fcntl.flock(lock_fd, fcntl.LOCK_UN)
        os.close(lock_fd)


def seal_everywhere(*, quiet: bool = False) -> None:
    """Bump the generation (every process drops its keys at its next request), and drop ours.

    `quiet` (the duress password): until the next unseal the sign-in page goes on answering as
    if nothing happened, refusing every sign-in as a wrong password (middleware.py)."""
    with updating_shared() as shared:
        shared["generation"] += 1
        shared["quiet"] = quiet
    drop()


def sealed_quietly() -> bool:
    return bool(read_shared().get("quiet"))


def keys_changed() -> None:
    """Bump the epoch: every process forgets cached data keys and re-reads the masters."""
    with updating_shared() as shared:
        shared["epoch"] += 1
    _notify()


def sync() -> None:
    """Called before each request: act on a seal or key change made by any process."""
    global _seen
    shared = read_shared()
    now = (shared["generation"], shared["epoch"])
    with _lock:
        if _seen == now:
            return
        previous, _seen = _seen, now
        if previous is None or _current is None:
            return
        if previous[0] != now[0]:
            drop()
        elif previous[1] != now[1]:
            _reload_masters()
