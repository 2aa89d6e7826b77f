"""Small-number suppression, checked by a reader who tries every table the figures allow.

`possible_values` is deliberately independent of the module's flow-based auditor: it enumerates
every table that fits what is published (each "<5" from 1 to 4, each hidden "x" from 5 up to a
cap, every shown figure as shown) and keeps those whose totals match. Capping the hidden cells
only removes tables, so when it still finds two values for a "<5", so would any reader.
"""

import itertools

import pytest

from passage.reports.suppression import (
    HIDDEN,
    SMALL,
    WITHHELD,
    Figure,
    protect,
    protect_series,
    protect_together,
)

T = 5


def published(figure: Figure):
    return figure.mark or figure.value


def fits(figure: Figure | None, value: int, threshold: int = T) -> bool:
    if figure is None or figure.mark == WITHHELD:
        return True
    if figure.mark == SMALL:
        return 1 <= value < threshold
    if figure.mark == HIDDEN:
        return value >= threshold
    return value == figure.value


def possible_values(p, cap: int) -> dict[tuple, set[int]]:
    """For every suppressed figure, each value it takes in some table that fits the publication.

    A depth-first walk over the suppressed cells; the last open cell of a row or column whose
    total is shown is forced, which keeps the walk small without assuming anything else."""
    n_rows, n_cols = len(p.cells), len(p.cells[0])
    grid = [[c.value for c in row] for row in p.cells]
    slots = [(i, j) for i in range(n_rows) for j in range(n_cols) if p.cells[i][j].suppressed]
    last_in_row = {i: max(k for k, s in enumerate(slots) if s[0] == i) for i, _ in slots}
    last_in_col = {j: max(k for k, s in enumerate(slots) if s[1] == j) for _, j in slots}
    seen: dict[tuple, set[int]] = {}

    def exact(figure):
        return figure.value if figure is not None and not figure.suppressed else None

    def domain(k):
        i, j = slots[k]
        forced = []
        row_sum = exact(p.row_totals[i]) if p.row_totals else None
        if last_in_row[i] == k and row_sum is not None:
            forced.append(row_sum - sum(v for jj, v in enumerate(grid[i]) if jj != j))
        col_sum = exact(p.col_totals[j]) if p.col_totals else None
        if last_in_col[j] == k and col_sum is not None:
            forced.append(col_sum - sum(grid[ii][j] for ii in range(n_rows) if ii != i))
        full = range(1, T) if p.cells[i][j].mark == SMALL else range(T, cap + 1)
        if forced:
            return [v for v in set(forced) if v in full and len(set(forced)) == 1]
        return full

    def walk(k):
        if k == len(slots):
            rows = [sum(r) for r in grid]
            cols = [sum(r[j] for r in grid) for j in range(n_cols)]
            if p.row_totals and not all(map(fits, p.row_totals, rows)):
                return
            if p.col_totals and not all(map(fits, p.col_totals, cols)):
                return
            if p.total and not fits(p.total, sum(rows)):
                return
            for i, j in slots:
                seen.setdefault(("cell", i, j), set()).add(grid[i][j])
            for i, v in enumerate(rows):
                if p.row_totals and p.row_totals[i].suppressed:
                    seen.setdefault(("row", i), set()).add(v)
            for j, v in enumerate(cols):
                if p.col_totals and p.col_totals[j].suppressed:
                    seen.setdefault(("col", j), set()).add(v)
            return
        i, j = slots[k]
        for v in domain(k):
            grid[i][j] = v
            if last_in_row[i] == k and p.row_totals and not fits(p.row_totals[i], sum(grid[i])):
                continue
            if last_in_col[j] == k and p.col_totals:
                if not fits(p.col_totals[j], sum(r[j] for r in grid)):
                    continue
            walk(k + 1)
        grid[i][j] = None

    walk(0)
    return seen


def assert_nothing_recoverable(counts, **kwargs):
    p = protect(counts, threshold=T, **kwargs)
    cap = max(map(max, counts)) + T
    seen = possible_values(p, cap)
    keyed = {("cell", i, j): f for i, row in enumerate(p.cells) for j, f in enumerate(row)}
    keyed |= {("row", i): f for i, f in enumerate(p.row_totals or [])}
    keyed |= {("col", j): f for j, f in enumerate(p.col_totals or [])}
    for key, figure in keyed.items():
        if figure.mark == SMALL:
            assert len(seen[key]) >= 2, f"{key} of {counts} can be worked out: {seen[key]}"
    return p


# --- what a published figure looks like ------------------------------------------------------


def test_counts_below_the_threshold_are_shown_as_small_and_zeros_as_zero():
    p = protect([[0, 3, 12, 40]], threshold=T, col_totals=False, total=False)
    assert [published(f) for f in p.cells[0]][0] == 0
    assert p.cells[0][1].mark == SMALL and p.cells[0][1].value is None
    assert p.cells[0][3] == Figure(40)


def test_a_suppressed_figure_never_carries_its_true_value():
    p = protect([[1, 8, 30], [8, 4, 30], [2, 2, 2]], threshold=T)
    for figure in p.all_figures():
        assert (figure.value is None) == figure.suppressed


def test_a_table_without_small_numbers_is_published_whole():
    p = protect([[10, 20], [30, 40]], threshold=T)
    assert not any(f.suppressed for f in p.all_figures())
    assert [f.value for f in p.row_totals] == [30, 70] and p.total == Figure(100)


def test_the_threshold_is_configurable():
    p = protect_series([7, 9, 12], threshold=10)
    assert [f.mark for f in p.cells[0]][:2] == [SMALL, SMALL] and p.cells[0][2] == Figure(12)


def test_nonsense_is_refused():
    with pytest.raises(ValueError):
        protect([[1, 2], [3]])
    with pytest.raises(ValueError):
        protect([[-1]])
    with pytest.raises(ValueError):
        protect([[1]], threshold=1)


# --- differencing: nothing can be worked back from the totals --------------------------------


def test_one_small_cell_in_a_row_gets_a_complement():
    p = assert_nothing_recoverable([[3, 10, 0]], col_totals=False, total=False)
    assert [f.mark for f in p.cells[0]] == [SMALL, HIDDEN, ""]


def test_a_complement_is_chosen_big_enough_to_hide_the_small_cell():
    # Suppressing the next-smallest (5) is not enough: total 6 = 1 + 5 pins both.
    p = assert_nothing_recoverable([[1, 5, 7, 40]], col_totals=False, total=False)
    assert p.cells[0][3] == Figure(40)


def test_two_small_cells_that_add_up_to_the_total_are_not_enough_on_their_own():
    # 1 + 1 = 2 pins both; 4 + 4 = 8 pins both.
    assert_nothing_recoverable([[1, 1, 20]], col_totals=False, total=False)
    assert_nothing_recoverable([[4, 4, 20]], col_totals=False, total=False)


def test_a_cycle_of_suppressed_cells_across_rows_and_columns_is_caught():
    # The textbook failure of "suppress the next-smallest": every row and column has two hidden
    # cells, yet 1 and 4 sit on one cycle and pin each other.
    assert_nothing_recoverable([[1, 8, 20], [8, 4, 20], [20, 20, 20]])


def test_small_row_and_column_totals_are_themselves_suppressed_and_protected():
    p = assert_nothing_recoverable([[1, 0, 0], [0, 2, 9], [6, 7, 9]])
    assert p.row_totals[0].mark == SMALL and p.total == Figure(34)


def test_when_every_figure_is_small_the_totals_are_withheld():
    # Four cells of at least 1 and a grand total below 5: each must be 1. Nothing is big enough
    # to hide in their place, so the totals go.
    p = assert_nothing_recoverable([[1, 1], [1, 1]])
    assert p.total.mark == WITHHELD and p.total.value is None


@pytest.mark.parametrize(
    "counts",
    [
        [[1, 5], [5, 1]],
        [[1, 2], [3, 4]],
        [[0, 1], [1, 0]],
        [[4, 4, 4, 4, 4]],
        [[2, 0, 9], [0, 3, 9], [9, 9, 0]],
        [[1, 1, 1], [1, 1, 1]],
        [[12, 3, 0, 7], [0, 6, 2, 5]],
    ],
)
def test_crafted_tables_leak_no_small_number(counts):
    assert_nothing_recoverable(counts)


def test_every_two_by_two_table_of_small_counts_is_safe():
    values = (0, 1, 2, 4, 5, 7)
    for a, b, c, d in itertools.product(values, repeat=4):
        assert_nothing_recoverable([[a, b], [c, d]])


def test_every_one_row_breakdown_of_small_counts_is_safe():
    for row in itertools.product((0, 1, 3, 4, 5, 7), repeat=4):
        assert_nothing_recoverable([list(row)], col_totals=False, total=False)


def test_tables_sharing_their_totals_hide_them_alike():
    by_branch = [[1, 20, 9], [12, 30, 8]]  # month 1 needs a complement; maybe its total
    by_region = [[15, 15, 0], [25, 25, 0]]  # nothing small at all
    a, b = protect_together([by_branch, by_region], threshold=T)
    for i in range(2):
        assert a.row_totals[i].mark == b.row_totals[i].mark
    assert a.total.mark == b.total.mark
    for table in (a, b):
        assert not any(f.value is not None and f.suppressed for f in table.all_figures())


def test_a_total_hidden_in_one_table_is_hidden_in_the_other():
    by_branch = [[1, 1, 20], [1, 1, 20]]
    by_region = [[22, 0], [22, 0]]
    a, b = protect_together([by_branch, by_region], threshold=T)
    hidden = [i for i in range(2) if a.row_totals[i].suppressed]
    assert hidden and all(b.row_totals[i].suppressed for i in hidden)
    assert_nothing_recoverable(by_branch)
