"""Align two syllable sequences in order, so Soe Win never matches Win Soe."""

from __future__ import annotations

from .features import joined_credit, joined_score, run_keys, syllable_score
from .parse import Syllable
from .reasons import Reason

MAX_JOIN = 3  # a run-together word covers at most this many syllables
# A million names are written with a few thousand syllables, so the same syllable pairs recur
# across candidates and queries: their credits are kept (cleared when this many are held).
CREDIT_CACHE_MAX = 500_000
# Keys are Syllable.sid numbers, never reused, so a kept credit cannot go stale.
_pair_credit: dict[tuple[int, int], float] = {}
_run_keys: dict[tuple[int, ...], tuple[str, str]] = {}
# The left side of the last alignment and its _side(), reused while it is the same object.
_last_left: tuple = (None, None)


def align(a: tuple[Syllable, ...], b: tuple[Syllable, ...]) -> tuple[float, list[Reason]]:
    """Return (credit, reasons) of the best in-order alignment; credit counts matched syllables."""
    n, m = len(a), len(b)
    best: list[list[tuple[float, tuple]]] = [[(-1.0, ())] * (m + 1) for _ in range(n + 1)]
    best[0][0] = (0.0, ())
    for i in range(n + 1):
        for j in range(m + 1):
            here, why = best[i][j]
            if here < 0:
                continue
            steps = []
            if i < n and j < m:
                steps.append((1, 1, syllable_score(a[i], b[j])))
            if i < n:
                steps.append((1, 0, (0.0, Reason("no_counterpart", {"a": a[i].text}))))
            if j < m:
                steps.append((0, 1, (0.0, Reason("no_counterpart", {"a": b[j].text}))))
            for k in range(2, MAX_JOIN + 1):
                if i < n and j + k <= m:
                    hit = joined_score(a[i], list(b[j : j + k]))
                    if hit:
                        steps.append((1, k, (hit[0] * k, hit[1])))
                if j < m and i + k <= n:
                    hit = joined_score(b[j], list(a[i : i + k]))
                    if hit:
                        steps.append((k, 1, (hit[0] * k, hit[1])))
            for di, dj, (credit, reason) in steps:
                cand = (here + credit, (*why, reason))
                if cand[0] > best[i + di][j + dj][0]:
                    best[i + di][j + dj] = cand
    credit, reasons = best[n][m]
    return credit, list(reasons)


def align_credit(a: tuple[Syllable, ...], b: tuple[Syllable, ...]) -> float:
    """The credit of align(a, b) without its reasons: the same steps and sums, so the same float.

    Used to rank many candidates; reasons are built only for the few returned.
    """
    n, m = len(a), len(b)
    width = m + 1
    best = [-1.0] * ((n + 1) * width)
    best[0] = 0.0
    pair_get = _pair_credit.get
    # Run-together steps compare the keys of one syllable with those of k syllables joined.
    global _last_left
    last = _last_left
    if last[0] is a:  # one query against many candidates: its side is worked out once
        ia, runs_a = last[1]
    else:
        ia, runs_a = _side(a)
        _last_left = (a, (ia, runs_a))
    ib, runs_b = _side(b)
    for i in range(n + 1):
        for j in range(m + 1):
            cell = i * width + j
            here = best[cell]
            if here < 0:
                continue
            if i < n and j < m:
                credit = pair_get((ia[i], ib[j]))
                if credit is None:
                    credit = _remember(_pair_credit, (ia[i], ib[j]), syllable_score(a[i], b[j])[0])
                if here + credit > best[cell + width + 1]:
                    best[cell + width + 1] = here + credit
            # A syllable without counterpart adds no credit (here + 0.0 == here).
            if i < n and here > best[cell + width]:
                best[cell + width] = here
            if j < m and here > best[cell + 1]:
                best[cell + 1] = here
            for k in range(2, MAX_JOIN + 1):
                if i < n and j + k <= m:
                    credit = joined_credit(runs_a[1][i], runs_b[k][j])
                    if credit is not None and here + credit * k > best[cell + width + k]:
                        best[cell + width + k] = here + credit * k
                if j < m and i + k <= n:
                    credit = joined_credit(runs_b[1][j], runs_a[k][i])
                    if credit is not None and here + credit * k > best[cell + k * width + 1]:
                        best[cell + k * width + 1] = here + credit * k
    return best[-1]


def _side(syllables: tuple[Syllable, ...]):
    """The sids of one side, and runs[k][i]: the run_keys of syllables[i : i + k] (k ≥ 1)."""
    sids = tuple(s.sid for s in syllables)
    n = len(syllables)
    runs = [[]] + [
        [_keys(syllables, sids, i, k) for i in range(n - k + 1)] for k in range(1, MAX_JOIN + 1)
    ]
    return sids, runs


def _keys(syllables: tuple[Syllable, ...], sids: tuple[int, ...], i: int, k: int):
    """run_keys of syllables[i : i + k], kept by their sids."""
    key = sids[i : i + k]
    found = _run_keys.get(key)
    if found is None:
        found = _remember(_run_keys, key, run_keys(syllables[i : i + k]))
    return found


def _remember(cache: dict, key, value):
    if len(cache) >= CREDIT_CACHE_MAX:
        cache.clear()
    cache[key] = value
    return value
