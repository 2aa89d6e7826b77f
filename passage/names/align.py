"""Align two syllable sequences in order, so Soe Win never matches Win Soe."""

from __future__ import annotations

from .features import joined_score, syllable_score
from .parse import Syllable

MAX_JOIN = 3  # a run-together word covers at most this many syllables


def align(a: tuple[Syllable, ...], b: tuple[Syllable, ...]) -> tuple[float, list[str]]:
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
                steps.append((1, 0, (0.0, f"{a[i].text}: no counterpart")))
            if j < m:
                steps.append((0, 1, (0.0, f"{b[j].text}: no counterpart")))
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
