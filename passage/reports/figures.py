"""From true counts to published tables: labels, suppression, and the data the charts get.

Everything that leaves this module has been through `suppression`: a table's cells, its totals,
the chart data (built from the published figures only, so a suppressed cell is simply absent)
and every number derived from them (conversion rates, "at least" counts).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passage.cases.lifecycle import Stage
from passage.cases.vocab import Branch, Channel, RankGroup, Region
from passage.core.models import Organisation
from passage.reports import queries
from passage.reports.suppression import (
    HIDDEN,
    SMALL,
    WITHHELD,
    Figure,
    Protected,
    protect,
    protect_together,
)


def threshold() -> int:
    return settings.PASSAGE_SUPPRESSION_THRESHOLD


def shown(figure: Figure | None, t: int | None = None) -> str:
    """How a published figure reads in a table."""
    if figure is None:
        return ""
    if figure.mark == SMALL:
        return f"<{t or threshold()}"
    if figure.mark == HIDDEN:
        return "x"
    if figure.mark == WITHHELD:
        return "–"
    return f"{figure.value:,}"


@dataclass
class Table:
    """A published table: row and column labels with their protected figures."""

    key: str
    title: str
    row_header: str
    rows: list[str]
    columns: list[str]
    protected: Protected
    chart: str = "bar"  # "bar" (stacked bars) or "line"
    notes: list[str] = field(default_factory=list)

    @property
    def data_id(self) -> str:
        return f"chart-data-{self.key}"

    def body(self) -> list[tuple[str, list[str], str]]:
        totals = self.protected.row_totals or [None] * len(self.rows)
        t = self.protected.threshold
        return [
            (label, [shown(f, t) for f in cells], shown(total, t))
            for label, cells, total in zip(self.rows, self.protected.cells, totals, strict=True)
        ]

    def footer(self) -> list[str] | None:
        if self.protected.col_totals is None:
            return None
        t = self.protected.threshold
        return [shown(f, t) for f in self.protected.col_totals] + [shown(self.protected.total, t)]

    def chart_data(self) -> dict:
        """What the chart script gets: published values only, None where suppressed."""
        return {
            "type": self.chart,
            "title": self.title,
            "labels": self.rows,
            "series": [
                {
                    "label": column,
                    "data": [row[j].value for row in self.protected.cells],
                }
                for j, column in enumerate(self.columns)
            ],
        }


# --- periods ---------------------------------------------------------------------------------


def _months(start: datetime, end: datetime) -> list[datetime]:
    at = timezone.localtime(start).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    months = []
    while at < end:
        months.append(at)
        at = (at + timedelta(days=32)).replace(day=1)
    return months


def _grid(rows, periods, unit, columns, period_key, column_key) -> list[list[int]]:
    index = {
        (timezone.localtime(p).date() if unit == "week" else p.strftime("%Y-%m")): i
        for i, p in enumerate(periods)
    }
    counts = [[0] * len(columns) for _ in periods]
    col_index = {c: j for j, c in enumerate(columns)}
    for row in rows:
        at = timezone.localtime(row[period_key])
        i = index.get(at.date() if unit == "week" else at.strftime("%Y-%m"))
        j = col_index.get(row[column_key])
        if i is not None and j is not None:
            counts[i][j] += row["n"]
    return counts


# --- the dashboard ---------------------------------------------------------------------------


BREAKDOWN_COLUMNS = {
    "branch": (Branch, gettext_lazy("Defections per month by branch")),
    "rank_group": (RankGroup, gettext_lazy("Defections per month by rank group")),
    "region": (Region, gettext_lazy("Defections per month by state or region")),
}


def requests_table(f: queries.Filters) -> Table:
    weeks = queries.weeks(f.start, f.end)
    counts = _grid(
        queries.requests_by_week_and_channel(f), weeks, "week", Channel.values, "week", "channel"
    )
    return Table(
        key="requests",
        title=_("Requests per week by channel"),
        row_header=_("Week starting"),
        rows=[date_format(w, "SHORT_DATE_FORMAT") for w in weeks],
        columns=[str(label) for label in Channel.labels],
        protected=protect(counts, threshold=threshold()),
    )


def arrivals_tables(f: queries.Filters) -> list[Table]:
    months = _months(f.start, f.end)
    found = queries.arrivals_by_month_every_way(f)
    grids = {
        by: _grid(found[by], months, "month", vocab.values, "month", "key")
        for by, (vocab, _title) in BREAKDOWN_COLUMNS.items()
    }
    # The three share their monthly totals and grand total: protected together.
    protected = protect_together(list(grids.values()), threshold=threshold())
    labels = [date_format(m, "YEAR_MONTH_FORMAT") for m in months]
    return [
        Table(
            key=f"arrivals-{by}",
            title=str(title),
            row_header=_("Month"),
            rows=labels,
            columns=[str(label) for label in vocab.labels],
            protected=p,
        )
        for (by, (vocab, title)), p in zip(BREAKDOWN_COLUMNS.items(), protected, strict=True)
    ]


def outcomes_table(f: queries.Filters) -> Table:
    months = _months(f.start, f.end)
    stages = [s.value for s in queries.OUTCOMES]
    counts = _grid(queries.outcomes_by_month(f), months, "month", stages, "month", "to_stage")
    return Table(
        key="outcomes",
        title=_("Rejections and referrals for accountability per month"),
        row_header=_("Month"),
        rows=[date_format(m, "YEAR_MONTH_FORMAT") for m in months],
        columns=[str(Stage(s).label) for s in stages],
        protected=protect(counts, threshold=threshold()),
    )


def dashboard_tables(f: queries.Filters) -> list[Table]:
    """The dashboard's tables in the order the page (and the API) shows them."""
    return [requests_table(f), *arrivals_tables(f), outcomes_table(f)]


@dataclass
class FunnelStep:
    stage: str
    furthest: str  # cases whose furthest step so far is this one (published)
    reached: str  # cases that reached this step, from published figures only
    conversion: str  # from the step before, when both are exact
    median_days: str


def funnel(f: queries.Filters) -> tuple[list[FunnelStep], dict]:
    """The funnel from request to arrival. Suppression works on the partition (furthest step
    so far, with the total); "reached" and conversion are then sums and ratios of published
    figures, so they reveal nothing the table does not."""
    t = threshold()
    reached_true = queries.funnel(f)
    steps = [s.value for s in queries.FUNNEL]
    furthest = [
        reached_true[s] - (reached_true[steps[i + 1]] if i + 1 < len(steps) else 0)
        for i, s in enumerate(steps)
    ]
    p = protect([furthest], threshold=t, col_totals=False, total=False)
    cells = p.cells[0]
    medians = queries.median_days_in_stage(f)
    result, reached_values = [], []
    previous = None
    for i, stage in enumerate(steps):
        later = cells[i:]
        exact = all(not c.suppressed for c in later)
        total = sum(c.value or 0 for c in later)
        if i == 0 and not p.row_totals[0].suppressed:
            exact, total = True, p.row_totals[0].value
        reached = f"{total:,}" if exact else _("at least %(n)s") % {"n": f"{total:,}"}
        conversion = "—"
        if exact and previous and previous[0] and previous[1]:
            conversion = f"{100 * total / previous[1]:.0f}%"
        previous = (exact, total)
        median, stays = medians.get(stage, (None, 0))
        days = "—" if median is None or stays < t else f"{median:.0f}"
        result.append(
            FunnelStep(str(Stage(stage).label), shown(cells[i], t), reached, conversion, days)
        )
        reached_values.append(total if exact else None)
    chart = {
        "type": "funnel",
        "title": _("Cases from request to arrival"),
        "labels": [str(Stage(s).label) for s in steps],
        "series": [{"label": _("Reached this step"), "data": reached_values}],
    }
    return result, chart


# --- the publishable summary -----------------------------------------------------------------


def summary_table(f: queries.Filters) -> Table:
    rows = queries.arrivals_by_year_and_branch(f)
    years = sorted({timezone.localtime(r["year"]).year for r in rows}) or [timezone.now().year]
    index = {y: i for i, y in enumerate(years)}
    branches = Branch.values
    counts = [[0] * len(branches) for _ in years]
    for r in rows:
        counts[index[timezone.localtime(r["year"]).year]][branches.index(r["branch"])] += r["n"]
    return Table(
        key="summary",
        title=_("Defections by year and branch"),
        row_header=_("Year"),
        rows=[str(y) for y in years],
        columns=[str(label) for label in Branch.labels],
        protected=protect(counts, threshold=threshold()),
    )


def summary_words(table: Table, as_of: datetime) -> dict[str, str]:
    """The summary's sentences, shared by the PDF and the PNG: title, date, total, note."""
    org = Organisation.current()
    footer = table.footer()
    t = table.protected.threshold
    note = _(
        "To protect people, a figure from 1 to %(below)s is shown as “<%(t)s”; “x” is a "
        "figure hidden so that a small one cannot be worked out from the totals; “–” is a "
        "total withheld for the same reason. Totals count every case."
    )
    return {
        "title": (f"{org.name}: " if org else "") + _("Defections so far"),
        "author": org.name if org else "Passage",
        "as_of": _("Figures as of %(when)s.")
        % {"when": date_format(timezone.localtime(as_of), "DATE_FORMAT")},
        "headline": _("Soldiers and police who have left and reached safety with our help: %(n)s")
        % {"n": footer[-1] if footer else ""},
        "note": note % {"below": t - 1, "t": t},
    }
