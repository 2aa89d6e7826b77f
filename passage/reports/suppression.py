"""Small-number suppression for published tables: no figure may let a reader single out a person.

The method is primary suppression plus audited complementary suppression, with exact totals.

1. Primary: every count from 1 to threshold - 1 (cells and totals alike) is published as "<5".
   Zeros are shown: "nobody" singles nobody out.
2. Complementary: a reader knows each "<5" lies in 1..4, each hidden complement ("x") is at
   least the threshold, every other figure exactly, and that each row and column adds up to its
   total. From those facts alone the reader can sometimes pin a "<5" to one value (one "<5"
   in a row with an exact total; or two suppressed cells on a cycle of rows and columns, which
   defeats the usual "suppress the next-smallest too"). So after suppressing, an auditor works
   out every value each "<5" could still take, and while any can take only one, the smallest
   shown figure on its row or column is hidden too ("x"). When every figure is below the
   threshold and nothing is left to hide, the totals are withheld ("-"). The audit is exact:
   a table with its totals is a flow network (rows and columns are nodes, cells are edges,
   totals are edges to a source and a sink) and each question "could this cell be 2 instead?"
   is one bounded-flow feasibility check; the network is totally unimodular, so what is
   feasible for the flow is feasible in whole numbers.

Why not rounding: rounding every figure to the nearest 5 keeps the totals but, with both row
and column totals, still pins cells (an exhaustive search of 2x2 tables finds thousands), and it
would blur the exact cumulative figure a group wants to publish. Totals here are exact.

Pure Python, no Django: `protect` takes a grid of counts and returns what may be published.
"""

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

SHOWN, SMALL, HIDDEN, WITHHELD = "", "<", "x", "-"
_INF = 1 << 60


@dataclass(frozen=True)
class Figure:
    """One published number: `value` is None when the figure is suppressed (`mark` says how)."""

    value: int | None
    mark: str = SHOWN

    @property
    def suppressed(self) -> bool:
        return self.mark != SHOWN


@dataclass(frozen=True)
class Protected:
    """A table ready to publish: cells, and whichever totals were asked for."""

    cells: list[list[Figure]]
    row_totals: list[Figure] | None
    col_totals: list[Figure] | None
    total: Figure | None
    threshold: int

    def all_figures(self) -> list[Figure]:
        figures = [f for row in self.cells for f in row]
        figures += (self.row_totals or []) + (self.col_totals or [])
        return figures + ([self.total] if self.total else [])


# --- the table as a flow network -------------------------------------------------------------
# Nodes: 0 = source, 1 = sink, rows 2..R+1, columns R+2..R+C+1. A cell (i, j) carries flow from
# row i to column j, a row total from the source to row i, a column total from column j to the
# sink, and the grand total from the sink back to the source: a circulation.

Key = tuple[str, int, int]  # ("cell", i, j), ("row", i, 0), ("col", j, 0), ("all", 0, 0)


def _ends(key: Key, n_rows: int) -> tuple[int, int]:
    kind, a, b = key
    if kind == "cell":
        return 2 + a, 2 + n_rows + b
    if kind == "row":
        return 0, 2 + a
    if kind == "col":
        return 2 + n_rows + a, 1
    return 1, 0


class _Flow:
    """Dinic's max flow on a small integer network."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.graph: list[list[list[int]]] = [[] for _ in range(n)]  # [to, cap, rev index]

    def add(self, u: int, v: int, cap: int) -> None:
        self.graph[u].append([v, cap, len(self.graph[v])])
        self.graph[v].append([u, 0, len(self.graph[u]) - 1])

    def max_flow(self, s: int, t: int) -> int:
        total = 0
        while True:
            level = [-1] * self.n
            level[s] = 0
            queue = deque([s])
            while queue:
                u = queue.popleft()
                for v, cap, _rev in self.graph[u]:
                    if cap > 0 and level[v] < 0:
                        level[v] = level[u] + 1
                        queue.append(v)
            if level[t] < 0:
                return total
            it = [0] * self.n
            while pushed := self._push(s, t, _INF, level, it):
                total += pushed

    def _push(self, u: int, t: int, flow: int, level: list[int], it: list[int]) -> int:
        if u == t:
            return flow
        edges = self.graph[u]
        while it[u] < len(edges):
            edge = edges[it[u]]
            v, cap, rev = edge
            if cap > 0 and level[v] == level[u] + 1:
                pushed = self._push(v, t, min(flow, cap), level, it)
                if pushed:
                    edge[1] -= pushed
                    self.graph[v][rev][1] += pushed
                    return pushed
            it[u] += 1
        return 0


def _feasible(n_rows: int, n_cols: int, bounds: dict[Key, tuple[int, int]]) -> bool:
    """Whether some table fits every bound (unlisted edges are free, 0..infinity)."""
    n = 2 + n_rows + n_cols
    excess = [0] * n
    flow = _Flow(n + 2)
    listed = set(bounds)
    free: list[Key] = [("row", i, 0) for i in range(n_rows)]
    free += [("col", j, 0) for j in range(n_cols)] + [("all", 0, 0)]
    free += [("cell", i, j) for i in range(n_rows) for j in range(n_cols)]
    for key in free:
        if key not in listed:
            flow.add(*_ends(key, n_rows), _INF)
    for key, (low, high) in bounds.items():
        u, v = _ends(key, n_rows)
        if high > low:
            flow.add(u, v, high - low)
        excess[v] += low
        excess[u] -= low
    need = 0
    for node, e in enumerate(excess):
        if e > 0:
            flow.add(n, node, e)
            need += e
        elif e < 0:
            flow.add(node, n + 1, -e)
    return flow.max_flow(n, n + 1) == need


def _bounds(figure: Figure, threshold: int) -> tuple[int, int]:
    """What a reader knows about a published figure."""
    if figure.mark == SMALL:
        return 1, threshold - 1
    if figure.mark == HIDDEN:
        return threshold, _INF
    if figure.mark == WITHHELD:
        return 0, _INF
    assert figure.value is not None
    return figure.value, figure.value


def _pinned(
    n_rows: int,
    n_cols: int,
    figures: dict[Key, Figure],
    truth: dict[Key, int],
    threshold: int,
    candidates: list[Key],
) -> list[Key]:
    """Those of `candidates` ("<5" figures) a reader could work out exactly from the rest.

    The true value is always feasible and the feasible values form an interval, so a figure is
    safe when a value below or above its true one is feasible too."""
    bounds = {key: _bounds(f, threshold) for key, f in figures.items()}
    pinned = []
    for key in candidates:
        low, high = bounds[key]
        value = truth[key]
        below = value > low and _feasible(n_rows, n_cols, {**bounds, key: (low, value - 1)})
        if not below and not (
            value < high and _feasible(n_rows, n_cols, {**bounds, key: (value + 1, high)})
        ):
            pinned.append(key)
    return pinned


def _line_of(key: Key, other: Key) -> bool:
    """Whether `other` shares a row or a column (or the totals' row or column) with `key`."""
    kind, a, b = key
    okind, oa, ob = other
    if kind == "cell":
        return (okind == "cell" and (oa == a or ob == b)) or (okind, oa) in (("row", a), ("col", b))
    if kind == "row":
        return (okind == "cell" and oa == a) or okind in ("col", "all")
    if kind == "col":
        return (okind == "cell" and ob == a) or okind in ("row", "all")
    return okind in ("row", "col")


def _next_complement(key: Key, figures: dict[Key, Figure], truth: dict[Key, int], t: int):
    """The figure to hide next: the smallest shown one (at least the threshold) on the pinned
    figure's row or column, preferring cells to totals; failing that, the smallest anywhere."""
    shown = [k for k, f in figures.items() if f.mark == SHOWN and truth[k] >= t]
    for pool in (
        [k for k in shown if k[0] == "cell" and _line_of(key, k)],
        [k for k in shown if _line_of(key, k)],
        [k for k in shown if k[0] == "cell"],
        shown,
    ):
        if pool:
            return min(pool, key=lambda k: (truth[k], k))
    return None


def protect(
    counts: Sequence[Sequence[int]],
    *,
    threshold: int = 5,
    row_totals: bool = True,
    col_totals: bool = True,
    total: bool = True,
    force: dict[Key, str] | None = None,
) -> Protected:
    """Suppress `counts` (rows of non-negative whole numbers) for publication, with totals.

    `force` hides given figures from the start (mark HIDDEN or WITHHELD): `protect_together`
    uses it for totals that another table had to hide."""
    if threshold < 2:
        raise ValueError("the suppression threshold must be at least 2")
    rows = [list(r) for r in counts]
    n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
    if any(len(r) != n_cols for r in rows) or any(v < 0 for r in rows for v in r):
        raise ValueError("counts must be a rectangle of non-negative whole numbers")
    truth: dict[Key, int] = {("cell", i, j): v for i, r in enumerate(rows) for j, v in enumerate(r)}
    if row_totals:
        truth.update({("row", i, 0): sum(r) for i, r in enumerate(rows)})
    if col_totals:
        truth.update({("col", j, 0): sum(r[j] for r in rows) for j in range(n_cols)})
    if total:
        truth[("all", 0, 0)] = sum(map(sum, rows))

    def first_pass(v: int) -> Figure:
        return Figure(None, SMALL) if 0 < v < threshold else Figure(v)

    figures = {key: first_pass(v) for key, v in truth.items()}
    for key, mark in (force or {}).items():
        if key in figures and (mark == WITHHELD or figures[key].mark == SHOWN):
            figures[key] = Figure(None, mark)
    pinned = [key for key, f in figures.items() if f.mark == SMALL]
    # Hiding a figure only widens what a reader must consider, so a "<5" found safe stays safe:
    # after each complement only the ones still pinned need checking again.
    while pinned := _pinned(n_rows, n_cols, figures, truth, threshold, pinned):
        complement = _next_complement(pinned[0], figures, truth, threshold)
        if complement is None:
            # Every figure is below the threshold, so none can be hidden in its place: withhold
            # the totals, after which the cells say nothing about each other.
            for key in figures:
                if key[0] != "cell":
                    figures[key] = Figure(None, WITHHELD)
            break
        figures[complement] = Figure(None, HIDDEN)
    return Protected(
        cells=[[figures[("cell", i, j)] for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[figures[("row", i, 0)] for i in range(n_rows)] if row_totals else None,
        col_totals=[figures[("col", j, 0)] for j in range(n_cols)] if col_totals else None,
        total=figures[("all", 0, 0)] if total else None,
        threshold=threshold,
    )


def protect_together(
    tables: Sequence[Sequence[Sequence[int]]], *, threshold: int = 5
) -> list[Protected]:
    """Tables with the same rows (months, say, broken down by branch in one and by region in
    another) share their row totals and grand total: a total hidden in one must be hidden in
    all, or the others would give it away. Protect each, carry every hidden shared total over
    to all of them, and repeat until nothing changes (hiding only grows, so this ends)."""
    force: dict[Key, str] = {}
    while True:
        results = [protect(t, threshold=threshold, force=force) for t in tables]
        shared = {
            key: f.mark
            for p in results
            for key, f in _keyed(p).items()
            if key[0] in ("row", "all") and f.mark in (HIDDEN, WITHHELD)
        }
        merged = {**shared, **{k: m for k, m in force.items() if m == WITHHELD}}
        merged |= {k: WITHHELD for k, m in shared.items() if m == WITHHELD}
        if merged == force:
            return results
        force = merged


def protect_series(values: Sequence[int], *, threshold: int = 5) -> Protected:
    """One row of counts with its total (a breakdown by branch, say)."""
    return protect([list(values)], threshold=threshold, col_totals=False, total=False)


def _keyed(table: Protected) -> dict[Key, Figure]:
    figures: dict[Key, Figure] = {}
    for i, row in enumerate(table.cells):
        for j, figure in enumerate(row):
            figures[("cell", i, j)] = figure
    for i, figure in enumerate(table.row_totals or []):
        figures[("row", i, 0)] = figure
    for j, figure in enumerate(table.col_totals or []):
        figures[("col", j, 0)] = figure
    if table.total is not None:
        figures[("all", 0, 0)] = table.total
    return figures
