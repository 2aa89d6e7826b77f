"""The last overlap count as it may be published: through the small-number suppression."""

from dataclasses import dataclass

from passage.reports.figures import shown, threshold
from passage.reports.suppression import SMALL, Figure, protect


@dataclass(frozen=True)
class Published:
    date: str
    overlap: str  # "12–15", or "<5" for figures the suppression hides
    combined: str  # ours + theirs, de-duplicated: a range


def _protected(value: int, t: int) -> Figure:
    return protect([[value]], threshold=t, row_totals=False, col_totals=False, total=False).cells[
        0
    ][0]


def _bounds(figure: Figure, value: int, t: int) -> tuple[int, int]:
    # A suppressed figure is known only to lie in 1..t-1: carry that into what depends on it.
    return (1, t - 1) if figure.mark == SMALL else (value, value)


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def published(run) -> Published | None:
    if run is None:
        return None
    t = threshold()
    strict, loose = _protected(run.strict, t), _protected(run.loose, t)
    low = _bounds(strict, run.strict, t)[0]
    high = _bounds(loose, run.loose, t)[1]
    together = run.own_sizes["people"] + run.partner_sizes["people"]
    first, last = shown(strict, t), shown(loose, t)
    return Published(
        date=run.finished_at.date().isoformat(),
        overlap=first if first == last else f"{first}–{last}",
        combined=_span(together - high, together - low),
    )
