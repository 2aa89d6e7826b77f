"""The fast suppression auditor hides exactly what the max-flow auditor it replaced hid.

`flow_protect` is the algorithm as it stood before (commit 7bc0311): after each complement,
every "<5" still pinned is checked again with one max-flow feasibility problem per guess, and
the complement is picked by scanning every figure. `protect` now answers the same question by
a search for a residual cycle through the true table and checks each "<5" once until it is
safe. Both must publish the same figures, mark for mark, on any table and any forced totals.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from passage.reports import suppression as s


def _line_of(key, other) -> bool:
    kind, a, b = key
    okind, oa, ob = other
    if kind == "cell":
        return (okind == "cell" and (oa == a or ob == b)) or (okind, oa) in (("row", a), ("col", b))
    if kind == "row":
        return (okind == "cell" and oa == a) or okind in ("col", "all")
    if kind == "col":
        return (okind == "cell" and ob == a) or okind in ("row", "all")
    return okind in ("row", "col")


def _flow_next_complement(key, figures, truth, t):
    shown = [k for k, f in figures.items() if f.mark == s.SHOWN and truth[k] >= t]
    for pool in (
        [k for k in shown if k[0] == "cell" and _line_of(key, k)],
        [k for k in shown if _line_of(key, k)],
        [k for k in shown if k[0] == "cell"],
        shown,
    ):
        if pool:
            return min(pool, key=lambda k: (truth[k], k))
    return None


def flow_protect(counts, *, threshold, row_totals, col_totals, total, force):
    table = s._first_pass(counts, threshold, row_totals, col_totals, total, force)
    figures, truth = table.figures, table.truth
    pinned = [key for key, f in figures.items() if f.mark == s.SMALL]
    while pinned := s._pinned(table.n_rows, table.n_cols, figures, truth, threshold, pinned):
        complement = _flow_next_complement(pinned[0], figures, truth, threshold)
        if complement is None:
            s._withhold_totals(figures)
            break
        figures[complement] = s.Figure(None, s.HIDDEN)
    return table.publish()


# Mostly small counts, where suppression has work to do, with some large ones to hide.
counts_strategy = st.integers(1, 7).flatmap(
    lambda rows: st.integers(1, 6).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.integers(0, 40)), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@st.composite
def forced(draw, counts):
    """Totals another table hid (what `protect_together` passes), some of them 0 here."""
    keys = [("row", i, 0) for i in range(len(counts))] + [("all", 0, 0)]
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=3))
    return {key: draw(st.sampled_from([s.HIDDEN, s.WITHHELD])) for key in chosen}


@settings(max_examples=1500, deadline=None)
@given(
    data=st.data(),
    counts=counts_strategy,
    threshold=st.integers(2, 6),
    row_totals=st.booleans(),
    col_totals=st.booleans(),
    total=st.booleans(),
)
def test_the_fast_auditor_hides_exactly_what_the_max_flow_auditor_hid(
    data, counts, threshold, row_totals, col_totals, total
):
    force = data.draw(st.one_of(st.just({}), forced(counts)))
    options = dict(
        threshold=threshold, row_totals=row_totals, col_totals=col_totals, total=total, force=force
    )
    assert s.protect(counts, **options) == flow_protect(counts, **options)


def test_the_fast_auditor_matches_on_a_dashboard_sized_table():
    # 157 weeks by 5 channels, as the 3-year dashboard: a fixed pseudo-random table of small
    # counts, so that many complements are needed and the two must agree on every one.
    counts = [[(i * 7 + j * 13 + i * j) % 11 for j in range(5)] for i in range(157)]
    options = dict(threshold=5, row_totals=True, col_totals=True, total=True, force={})
    fast = s.protect(counts, **options)
    assert fast == flow_protect(counts, **options)
    assert sum(f.mark == s.HIDDEN for f in fast.all_figures()) > 10
