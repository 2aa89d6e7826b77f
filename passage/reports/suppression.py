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
   feasible for the flow is feasible in whole numbers. Since the true table is one such flow,
   the check is a search for a residual cycle through the cell (`_Residual`), with a max flow
   per question only where a forced total does not fit the truth.

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


def _line(key: Key, n_rows: int, n_cols: int) -> tuple[list[Key], list[Key]]:
    """The cells, then the totals, that share a row or a column (or the totals' row or column)
    with `key`: listed directly, as the page's tables run to hundreds of figures."""
    kind, a, b = key
    row_totals = [("row", i, 0) for i in range(n_rows)]
    col_totals = [("col", j, 0) for j in range(n_cols)]
    if kind == "cell":
        cells = [("cell", a, j) for j in range(n_cols)] + [("cell", i, b) for i in range(n_rows)]
        return cells, [("row", a, 0), ("col", b, 0)]
    if kind == "row":
        return [("cell", a, j) for j in range(n_cols)], [*col_totals, ("all", 0, 0)]
    if kind == "col":
        return [("cell", i, a) for i in range(n_rows)], [*row_totals, ("all", 0, 0)]
    return [], row_totals + col_totals


def _next_complement(key: Key, table: "_Table") -> Key | None:
    """The figure to hide next: the smallest shown one (at least the threshold) on the pinned
    figure's row or column, preferring cells to totals; failing that, the smallest anywhere."""
    figures, truth, t = table.figures, table.truth, table.threshold

    def smallest(keys) -> Key | None:
        shown = [k for k in keys if k in figures and figures[k].mark == SHOWN and truth[k] >= t]
        return min(shown, key=lambda k: (truth[k], k)) if shown else None

    cells, totals = _line(key, table.n_rows, table.n_cols)
    on_line = smallest(cells)
    if on_line is None:
        on_line = smallest(totals)
    if on_line is not None:
        return on_line
    return smallest(k for k in figures if k[0] == "cell") or smallest(figures)


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
    table = _first_pass(counts, threshold, row_totals, col_totals, total, force)
    figures = table.figures
    audit = _Residual(table)
    candidates = [key for key, f in figures.items() if f.mark == SMALL]
    # Hiding a figure only widens what a reader must consider, so a "<5" found safe stays safe:
    # each candidate is checked until it is safe, in order, and the first one still pinned
    # decides the next complement. That is the order in which checking every candidate again
    # after each complement would meet them, so the same figures end up hidden.
    k = 0
    while k < len(candidates):
        key = candidates[k]
        if not audit.pinned(key):
            k += 1
            continue
        complement = _next_complement(key, table)
        if complement is None:
            _withhold_totals(figures)
            break
        figures[complement] = Figure(None, HIDDEN)
        audit.hide(complement)
    return table.publish()


@dataclass
class _Table:
    """A table being protected: what is published so far and the true figures."""

    n_rows: int
    n_cols: int
    figures: dict[Key, Figure]
    truth: dict[Key, int]
    threshold: int
    row_totals: bool
    col_totals: bool
    total: bool

    def publish(self) -> Protected:
        figures, n_rows, n_cols = self.figures, self.n_rows, self.n_cols
        return Protected(
            cells=[[figures[("cell", i, j)] for j in range(n_cols)] for i in range(n_rows)],
            row_totals=[figures[("row", i, 0)] for i in range(n_rows)] if self.row_totals else None,
            col_totals=[figures[("col", j, 0)] for j in range(n_cols)] if self.col_totals else None,
            total=figures[("all", 0, 0)] if self.total else None,
            threshold=self.threshold,
        )


def _first_pass(counts, threshold, row_totals, col_totals, total, force) -> _Table:
    """Validate `counts` and mark every figure from 1 to threshold - 1 as "<5"."""
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
    return _Table(n_rows, n_cols, figures, truth, threshold, row_totals, col_totals, total)


def _withhold_totals(figures: dict[Key, Figure]) -> None:
    """Every figure is below the threshold, so none can be hidden in a "<5"'s place: withhold
    the totals, after which the cells say nothing about each other."""
    for key in figures:
        if key[0] != "cell":
            figures[key] = Figure(None, WITHHELD)


class _Residual:
    """The auditor's question, answered on the true table rather than by a max flow per guess.

    The true table is one whole-number circulation that fits everything published. Another
    one that gives figure e a different value differs from it by a circulation, which splits
    into cycles of the residual network (an arc u->v wherever an edge's value can go up, v->u
    wherever it can go down); one of them passes through e, and pushing one unit round it
    gives a table with e one higher or lower. So e is pinned exactly when no residual cycle
    runs through it: no path back from v to u (to raise it) or on from u to v (to lower it)
    other than e's own arc. A breadth-first search answers that; `hide` keeps the arcs up to
    date as complements widen what is published. Where the truth itself does not fit (a total
    forced hidden from another table that is 0 in this one) there is no circulation to start
    from, and the max-flow auditor decides."""

    def __init__(self, table: _Table) -> None:
        self.table = table
        n_rows, n_cols = table.n_rows, table.n_cols
        self.succ: list[set[int]] = [set() for _ in range(2 + n_rows + n_cols)]
        self.value: dict[Key, int] = {
            ("cell", i, j): table.truth[("cell", i, j)]
            for i in range(n_rows)
            for j in range(n_cols)
        }
        cells = [[table.truth[("cell", i, j)] for j in range(n_cols)] for i in range(n_rows)]
        self.value.update({("row", i, 0): sum(cells[i]) for i in range(n_rows)})
        self.value.update({("col", j, 0): sum(r[j] for r in cells) for j in range(n_cols)})
        self.value[("all", 0, 0)] = sum(map(sum, cells))
        self.fits = all(
            low <= table.truth[key] <= high
            for key, f in table.figures.items()
            for low, high in [_bounds(f, table.threshold)]
        )
        for key in self.value:
            self._arcs(key)

    def _bounds(self, key: Key) -> tuple[int, int]:
        figure = self.table.figures.get(key)
        return (0, _INF) if figure is None else _bounds(figure, self.table.threshold)

    def _arcs(self, key: Key) -> None:
        u, v = _ends(key, self.table.n_rows)
        low, high = self._bounds(key)
        value = self.value[key]
        (self.succ[u].add if value < high else self.succ[u].discard)(v)
        (self.succ[v].add if value > low else self.succ[v].discard)(u)

    def hide(self, key: Key) -> None:
        if key in self.value:
            self._arcs(key)

    def _reaches(self, start: int, goal: int) -> bool:
        """Whether a residual path leads from `start` to `goal` other than the direct arc."""
        succ = self.succ
        seen = {start, goal}
        frontier = [w for w in succ[start] if w != goal]
        seen.update(frontier)
        while frontier:
            following = []
            for node in frontier:
                nexts = succ[node]
                if goal in nexts:
                    return True
                for w in nexts:
                    if w not in seen:
                        seen.add(w)
                        following.append(w)
            frontier = following
        return False

    def pinned(self, key: Key) -> bool:
        table = self.table
        if not self.fits:
            return bool(
                _pinned(
                    table.n_rows, table.n_cols, table.figures, table.truth, table.threshold, [key]
                )
            )
        u, v = _ends(key, table.n_rows)
        low, high = self._bounds(key)
        value = self.value[key]
        up = value < high and self._reaches(v, u)
        return not up and not (value > low and self._reaches(u, v))


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
