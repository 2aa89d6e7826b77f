"""The dashboard's numbers: each function is one aggregate query, grouped in the database.

Nothing here reads a name, a pseudonym or a sealed field, and nothing loops over cases in
Python: every function returns a few dozen grouped rows at most. Suppression comes later
(`figures.py`); these are the true counts and never leave the server as they are.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, models
from django.db.models import CharField, Count, F, Q, Value, When
from django.db.models.functions import TruncMonth, TruncWeek, TruncYear
from django.utils import timezone

from passage.cases.lifecycle import Stage
from passage.cases.models import TimelineEntry
from passage.cases.vocab import RANK_GROUP, RankGroup
from passage.intake.models import Request

# The main line a case follows from request to arrival: the funnel's steps.
FUNNEL = [
    Stage.RECEIVED,
    Stage.VETTING,
    Stage.CLEARED,
    Stage.PLANNING,
    Stage.IN_TRANSIT,
    Stage.ARRIVED,
]
# A defection is counted once, when the case first enters "arrived" or a stage after it. Real
# cases always pass through "arrived"; imported ones may have jumped straight to after-care.
ARRIVED_OR_LATER = [Stage.ARRIVED, Stage.AFTERCARE]
ARRIVAL = Q(kind=TimelineEntry.Kind.STAGE, to_stage__in=ARRIVED_OR_LATER) & ~Q(
    from_stage__in=ARRIVED_OR_LATER
)
OUTCOMES = [Stage.REJECTED, Stage.REFERRED]


@dataclass(frozen=True)
class Filters:
    """Which cases count: a period (inclusive start, exclusive end), a branch, a region."""

    start: datetime | None = None
    end: datetime | None = None
    branch: str = ""
    region: str = ""

    def person(self, prefix: str) -> Q:
        q = Q()
        if self.branch:
            q &= Q(**{f"{prefix}branch": self.branch})
        if self.region:
            q &= Q(**{f"{prefix}region": self.region})
        return q

    def period(self, field: str) -> Q:
        q = Q()
        if self.start:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end:
            q &= Q(**{f"{field}__lt": self.end})
        return q


def weeks(start: datetime, end: datetime) -> list[datetime]:
    """The local Mondays, at midnight, of the weeks from `start`'s to the one `end` falls in."""
    start = timezone.localtime(start)
    first = (start - timedelta(days=start.weekday())).replace(hour=0, minute=0, second=0)
    first = first.replace(microsecond=0)
    found, at = [], first
    while at < end:
        found.append(at)
        at = timezone.localtime(at + timedelta(days=7)).replace(hour=0)
    return found


def requests_by_week_and_channel(f: Filters) -> list[dict]:
    """Requests received per week, by channel: [{"week", "channel", "n"}]."""
    if connection.vendor == "postgresql" and f.start and f.end:
        return _requests_by_week_postgresql(f)
    return list(
        Request.objects.filter(f.period("received_at") & f.person("person__"))
        .annotate(week=TruncWeek("received_at"))
        .values("week", "channel")
        .annotate(n=Count("*"))
        .order_by("week", "channel")
    )


def _requests_by_week_postgresql(f: Filters) -> list[dict]:
    """The same counts, six times faster over three years: the weeks' bounds come from here as
    an array, and each week is one range scan of the (received_at, channel, person_id) index.
    Grouping every request by its week in the local time zone instead cost a time-zone
    conversion per row, and the planner, unable to guess how few weeks there are, sorted all
    of them on disk rather than hashing them."""
    starts = weeks(f.start, f.end)
    ends = [*starts[1:], f.end]
    person = ""
    params: list = [starts, ends, f.start, f.end]
    for column, value in (("branch", f.branch), ("region", f.region)):
        if value:
            person += f" AND p.{column} = %s"
            params.append(value)
    join = "JOIN cases_person p ON p.id = r.person_id" if person else ""
    sql = f"""
        SELECT w.week, r.channel, COUNT(*)
        FROM unnest(%s::timestamptz[], %s::timestamptz[]) AS w(week, until)
        JOIN intake_request r ON r.received_at >= w.week AND r.received_at < w.until
        {join}
        WHERE r.received_at >= %s AND r.received_at < %s {person}
        GROUP BY w.week, r.channel
        ORDER BY w.week, r.channel
    """  # noqa: S608 - interpolated parts are fixed strings; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [{"week": w, "channel": c, "n": n} for w, c, n in cursor.fetchall()]


def _where(f: Filters) -> tuple[list[str], list]:
    """SQL conditions on cases `c` and people `p` for the raw queries below, with parameters."""
    conditions, params = [], []
    for sql, value in (
        ("c.opened_at >= %s", f.start),
        ("c.opened_at < %s", f.end),
        ("p.branch = %s", f.branch),
        ("p.region = %s", f.region),
    ):
        if value:
            conditions.append(sql)
            params.append(value)
    return conditions, params


def _person_join(f: Filters) -> str:
    """The join to people, only when a branch or region filter needs it (every case has one)."""
    return "JOIN cases_person p ON p.id = c.person_id" if f.branch or f.region else ""


def _step_sql(column: str) -> str:
    """How far along the main line a stage is: 0 for received, 5 for arrived or after-care."""
    steps = [(s.value, i) for i, s in enumerate(FUNNEL) if i] + [(Stage.AFTERCARE.value, 5)]
    whens = " ".join(f"WHEN '{stage}' THEN {i}" for stage, i in steps)
    return f"CASE {column} {whens} ELSE 0 END"


def funnel(f: Filters) -> dict[str, int]:
    """Of the cases opened in the period, how many reached each step of the main line: the
    furthest step of the case's current stage or of any stage it passed through (a case
    rejected after vetting still reached vetting; an imported one may have skipped steps).
    One statement. The stage history is joined to the cases and grouped per case in the same
    pass: on PostgreSQL a merge of two indexes in case order, where grouping the whole history
    first and hashing it against the cases took two and a half times as long."""
    conditions, params = _where(f)
    counts = ", ".join(
        f"SUM(CASE WHEN furthest >= {i} THEN 1 ELSE 0 END)" for i in range(len(FUNNEL))
    )
    now_at, passed = _step_sql("c.stage"), f"COALESCE(MAX({_step_sql('te.to_stage')}), 0)"
    sql = f"""
        SELECT {counts} FROM (
            SELECT CASE WHEN {passed} > {now_at} THEN {passed} ELSE {now_at} END AS furthest
            FROM cases_case c
            {_person_join(f)}
            LEFT JOIN cases_timelineentry te ON te.case_id = c.id AND te.kind = 'stage'
            {"WHERE " + " AND ".join(conditions) if conditions else ""}
            GROUP BY c.id, c.stage
        ) reached
    """  # noqa: S608 - interpolated parts are fixed stage names; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {s.value: int(n or 0) for s, n in zip(FUNNEL, row, strict=True)}


def median_days_in_stage(f: Filters) -> dict[str, tuple[float, int]]:
    """Median days spent in each stage before leaving it, and over how many stays:
    {stage: (median days, stays)}. A stay starts at the previous stage change (or the case's
    opening) and ends at the next; medians are taken in the database."""
    conditions, params = _where(f)
    filters = ["te.kind = 'stage'", *conditions]
    stays = f"""
        WITH stays AS (
            SELECT te.from_stage AS stage, te.at AS at,
                   COALESCE(LAG(te.at) OVER (PARTITION BY te.case_id ORDER BY te.at),
                            c.opened_at) AS prev_at
            FROM cases_timelineentry te
            JOIN cases_case c ON c.id = te.case_id
            {_person_join(f)}
            WHERE {" AND ".join(filters)}
        )"""  # noqa: S608 - the only interpolations are fixed strings; values are parameters
    if connection.vendor == "postgresql":
        # The same median (the mean of the two middle stays when there are an even number),
        # sorted once per stage by the aggregate instead of by two window functions.
        days = "EXTRACT(EPOCH FROM (at - prev_at)) / 86400.0"
        sql = f"""{stays}
            SELECT stage, percentile_cont(0.5) WITHIN GROUP (ORDER BY {days}), COUNT(*)
            FROM stays
            WHERE at >= prev_at  -- a back-dated entry is a data error, not a negative stay
            GROUP BY stage
        """  # noqa: S608 - fixed strings only, as above
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {stage: (float(days), int(n)) for stage, days, n in cursor.fetchall()}
    days = "julianday(at) - julianday(prev_at)"
    sql = f"""{stays}, ranked AS (
            SELECT stage, {days} AS days,
                   ROW_NUMBER() OVER (PARTITION BY stage ORDER BY {days}) AS rn,
                   COUNT(*) OVER (PARTITION BY stage) AS n
            FROM stays
            WHERE at >= prev_at  -- a back-dated entry is a data error, not a negative stay
        )
        SELECT stage, AVG(days), MAX(n) FROM ranked
        WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
        GROUP BY stage
    """  # noqa: S608 - the only interpolations are fixed strings; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {stage: (float(days), int(n)) for stage, days, n in cursor.fetchall()}


def _rank_group():
    groups: dict[str, list[str]] = {}
    for rank, group in RANK_GROUP.items():
        groups.setdefault(group.value, []).append(rank)
    return models.Case(
        *[When(case__person__rank__in=ranks, then=Value(g)) for g, ranks in groups.items()],
        default=Value(RankGroup.UNKNOWN.value),
        output_field=CharField(),
    )


BREAKDOWNS = {
    "branch": lambda: F("case__person__branch"),
    "rank_group": _rank_group,
    "region": lambda: F("case__person__region"),
}


def arrivals_by_month(f: Filters, by: str) -> list[dict]:
    """Defections (first entry into arrived or later) per month, by branch, rank group or
    state/region: [{"month", "key", "n"}]."""
    return list(
        TimelineEntry.objects.filter(ARRIVAL & f.period("at") & f.person("case__person__"))
        .annotate(month=TruncMonth("at"), key=BREAKDOWNS[by]())
        .values("month", "key")
        .annotate(n=Count("id"))
        .order_by("month", "key")
    )


def arrivals_by_month_every_way(f: Filters) -> dict[str, list[dict]]:
    """`arrivals_by_month` for every breakdown at once: {by: [{"month", "key", "n"}]}.

    On PostgreSQL in one statement: the arrivals are joined to their people once and counted
    with GROUPING SETS, instead of three queries each repeating the same join (about two
    thirds of the 3-year dashboard's database time). Elsewhere, one query per breakdown."""
    if connection.vendor != "postgresql":
        return {by: arrivals_by_month(f, by) for by in BREAKDOWNS}
    arrivals = (
        TimelineEntry.objects.filter(ARRIVAL & f.period("at") & f.person("case__person__"))
        .annotate(month=TruncMonth("at"), **{by: key() for by, key in BREAKDOWNS.items()})
        .values("month", *BREAKDOWNS)
        .order_by()
    )
    inner, params = arrivals.query.sql_with_params()
    keys = ", ".join(BREAKDOWNS)  # fixed names, never input
    sets = ", ".join(f"(month, {by})" for by in BREAKDOWNS)
    which = ", ".join(f"GROUPING({by})" for by in BREAKDOWNS)
    sql = f"""SELECT month, {keys}, {which}, COUNT(*) FROM ({inner}) AS arrivals
        GROUP BY GROUPING SETS ({sets})"""  # noqa: S608 - values are parameters
    tz = timezone.get_current_timezone()
    found: dict[str, list[dict]] = {by: [] for by in BREAKDOWNS}
    n_keys = len(BREAKDOWNS)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            month, values, grouped, n = row[0], row[1 : 1 + n_keys], row[1 + n_keys : -1], row[-1]
            # GROUPING(x) is 0 for the set grouped by x: a NULL key there is a real NULL.
            by = next(b for b, g in zip(BREAKDOWNS, grouped, strict=True) if g == 0)
            key = values[list(BREAKDOWNS).index(by)]
            found[by].append({"month": timezone.make_aware(month, tz), "key": key, "n": n})
    return found


def outcomes_by_month(f: Filters) -> list[dict]:
    """Rejections and referrals for accountability per month: [{"month", "to_stage", "n"}]."""
    return list(
        TimelineEntry.objects.filter(
            Q(kind=TimelineEntry.Kind.STAGE, to_stage__in=OUTCOMES)
            & f.period("at")
            & f.person("case__person__")
        )
        .annotate(month=TruncMonth("at"))
        .values("month", "to_stage")
        .annotate(n=Count("id"))
        .order_by("month", "to_stage")
    )


def arrivals_by_year_and_branch(f: Filters) -> list[dict]:
    """Defections per year and branch, for the publishable summary: [{"year", "branch", "n"}]."""
    return list(
        TimelineEntry.objects.filter(ARRIVAL & f.period("at") & f.person("case__person__"))
        .annotate(year=TruncYear("at"))
        .values("year", branch=F("case__person__branch"))
        .annotate(n=Count("id"))
        .order_by("year", "branch")
    )
