"""Candidate lookup by keyed hashes of syllable keys, so stored keys never reveal a name."""

from __future__ import annotations

import gc
import hashlib
import hmac
import itertools
import multiprocessing as mp
import os
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence

from .compare import DEFAULT_THRESHOLD, score_only, score_parsed
from .parse import ParsedName, parse
from .reasons import Reason
from .table import SyllableTable, load

# Distinct blocking keys are few (syllables and their pairs), so their hashes are kept.
HASH_CACHE_MAX = 1_000_000
# With a candidate budget, at most this many posting entries are counted per query.
READ_CAP = 50_000
# search_many: below this many names per process, forking costs more than it saves; names are
# sent to workers in chunks of at most CHUNK, so a slow chunk does not hold up the others.
MIN_PER_PROCESS = 200
CHUNK = 500


def blocking_keys(name: ParsedName) -> set[str]:
    """Plain keys a name is filed under: loose keys of neighbouring syllables, and each syllable.

    Pairs keep postings short for common syllables (Aung); single syllables catch names whose
    neighbours were misspelled or dropped. Loose keys let spelling variants meet.
    """
    loose = [s.key.loose for s in name.syllables]
    keys = {f"1:{k}" for k in loose}
    keys |= {f"2:{x}|{y}" for x, y in zip(loose, loose[1:], strict=False)}
    keys |= {f"2:{x}|{y}" for x, y in zip(loose, loose[2:], strict=False)}  # one dropped between
    if len(loose) > 2:
        keys.add("n:" + "|".join(loose))  # the whole name: the shortest posting for most queries
    return keys


class NameIndex:
    """An inverted index from HMAC(key, blocking key) to record ids; add and remove as you go.

    Pass `resolve(id) -> name` to score candidates from your own (encrypted) store; without it the
    index keeps each parsed name in memory.
    """

    def __init__(
        self,
        key: bytes,
        resolve: Callable[[Hashable], str] | None = None,
        table: SyllableTable | None = None,
        max_posting: int = 2000,
    ):
        if not isinstance(key, bytes) or len(key) < 16:
            raise ValueError("the index key must be at least 16 bytes")
        self._key = key
        self._resolve = resolve
        self._table = table or load()
        # Single-syllable postings longer than this are skipped at query time when a pair key
        # is available: "Aung" alone would pull in a tenth of all records.
        self.max_posting = max_posting
        self._postings: dict[bytes, set[Hashable]] = defaultdict(set)
        self._record_keys: dict[Hashable, list[bytes]] = {}
        self._names: dict[Hashable, ParsedName] = {}
        self._hashes: dict[str, bytes] = {}

    def hash(self, plain: str) -> bytes:
        """The keyed hash stored in place of a plain blocking key."""
        digest = self._hashes.get(plain)
        if digest is None:
            if len(self._hashes) >= HASH_CACHE_MAX:
                self._hashes.clear()
            digest = hmac.new(self._key, plain.encode(), hashlib.sha256).digest()[:16]
            self._hashes[plain] = digest  # also makes records share one bytes object per key
        return digest

    def hashed_keys(self, name: str | ParsedName) -> list[bytes]:
        """The hashed keys a name is filed under (what a database column would hold)."""
        p = name if isinstance(name, ParsedName) else parse(name, self._table)
        return sorted(self.hash(k) for k in blocking_keys(p))

    def add(self, record_id: Hashable, name: str) -> None:
        """File a record under its name's keys (replacing what it was filed under before)."""
        parsed = parse(name, self._table)
        self.remove(record_id)
        keys = self.hashed_keys(parsed)
        for h in keys:
            self._postings[h].add(record_id)
        self._record_keys[record_id] = keys
        if self._resolve is None:
            self._names[record_id] = parsed

    def add_many(self, records: Iterable[tuple[Hashable, str]]) -> None:
        """Add (id, name) pairs."""
        for record_id, name in records:
            self.add(record_id, name)

    def remove(self, record_id: Hashable) -> None:
        """Take a record out of the index; unknown ids are ignored."""
        for h in self._record_keys.pop(record_id, ()):
            ids = self._postings.get(h)
            if ids is not None:
                ids.discard(record_id)
                if not ids:
                    del self._postings[h]
        self._names.pop(record_id, None)

    def __len__(self) -> int:
        return len(self._record_keys)

    def candidates(self, name: str | ParsedName, budget: int | None = None) -> set[Hashable]:
        """Record ids sharing a blocking key with the name (before exact scoring).

        With a budget, only the `budget` records sharing the most keys are returned: on a large
        index, names that share only a common syllable pair are the least likely matches.
        """
        p = name if isinstance(name, ParsedName) else parse(name, self._table)
        plain = blocking_keys(p)
        has_pairs = any(k.startswith("2:") for k in plain)
        postings = []
        for k in plain:
            ids = self._postings.get(self.hash(k), ())
            if has_pairs and k.startswith("1:") and len(ids) > self.max_posting:
                continue
            postings.append(ids)
        postings.sort(key=len)
        if budget is None:
            return set().union(*postings)
        # Rank by how many of the name's keys a record shares (a respelled name still shares
        # most), reading at most READ_CAP ids from the shortest postings up; score the best.
        read, total = [], 0
        for ids in postings:
            if total and total + len(ids) > READ_CAP:
                break
            read.append(ids)
            total += len(ids)
        return _most_shared(read, budget)

    def search(
        self,
        name: str,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
        budget: int | None = None,
    ) -> list[tuple[Hashable, float, list[Reason]]]:
        """Score candidates exactly; return (id, score, reasons) at or above the threshold.

        `budget` caps how many candidates are scored (see candidates); None scores them all.
        """
        query = parse(name, self._table)
        scored = []
        for record_id in self.candidates(query, budget):
            score = score_only(query, self._parsed(record_id))
            if score >= threshold:
                scored.append((round(score, 4), record_id))
        scored.sort(key=lambda h: (-h[0], str(h[1])))
        # Reasons only for what is returned: building them is most of the cost of a full score.
        return [
            (record_id, score, score_parsed(query, self._parsed(record_id), self._table)[1])
            for score, record_id in scored[:limit]
        ]

    def search_many(
        self,
        names: Sequence[str],
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
        budget: int | None = None,
        processes: int | None = None,
    ) -> list[list[tuple[Hashable, float, list[Reason]]]]:
        """search() for each name, in order, spread over `processes` (default: every core).

        Workers are forked, so they share the built index copy-on-write instead of copying it;
        where fork is unavailable, or for a small batch, the names are searched here in turn.
        A name that cannot be read raises InvalidName, as search() does.
        """
        names = list(names)
        if processes is None:
            processes = min(_cores(), len(names) // MIN_PER_PROCESS)
        if processes <= 1 or "fork" not in mp.get_all_start_methods():
            return [self.search(n, threshold, limit, budget) for n in names]
        size = max(1, min(CHUNK, -(-len(names) // processes)))
        chunks = [names[i : i + size] for i in range(0, len(names), size)]
        global _forked
        with _fork_lock:  # workers read _forked when forked: one batch at a time sets it
            _forked = (self, threshold, limit, budget)
            # Objects that exist now are left out of the workers' garbage collection, which
            # would otherwise touch (and so copy) every page of the index.
            gc.freeze()
            try:
                with mp.get_context("fork").Pool(processes) as pool:
                    results = pool.map(_search_chunk, chunks, chunksize=1)
            finally:
                gc.unfreeze()
                _forked = None
        return [hits for chunk in results for hits in chunk]

    def _parsed(self, record_id: Hashable) -> ParsedName:
        other = self._names.get(record_id)
        if other is None:
            other = parse(self._resolve(record_id), self._table)  # type: ignore[misc]
        return other


def _most_shared(postings: list, budget: int) -> set[Hashable]:
    """The `budget` ids in the most postings; among equals, those met first (shortest first).

    Ids in two or more postings are found by set intersections, and only those are counted:
    counting every id of a long posting one by one was most of a query's time.
    """
    multi: set[Hashable] = set()
    for i, ids in enumerate(postings):
        for other in postings[i + 1 :]:
            multi |= ids & other
    if len(multi) < budget:
        chosen = set(multi)
        for ids in postings:  # then ids of one posting each, until the budget is spent
            for record_id in ids:
                if len(chosen) >= budget:
                    return chosen
                chosen.add(record_id)
        return chosen
    shared: Counter[Hashable] = Counter()
    for ids in postings:
        shared.update(ids & multi)
    above, cut = 0, 0
    for count, n in sorted(Counter(shared.values()).items(), reverse=True):
        if above + n >= budget:
            cut = count
            break
        above += n
    chosen = {record_id for record_id, count in shared.items() if count > cut}
    at_cut = (record_id for record_id, count in shared.items() if count == cut)
    chosen.update(itertools.islice(at_cut, budget - len(chosen)))
    return chosen


# The index and search arguments a forked worker of search_many inherits.
_forked: tuple | None = None
_fork_lock = threading.Lock()


def _cores() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _search_chunk(names: list[str]) -> list[list[tuple[Hashable, float, list[Reason]]]]:
    index, threshold, limit, budget = _forked  # type: ignore[misc]
    return [index.search(n, threshold, limit, budget) for n in names]
