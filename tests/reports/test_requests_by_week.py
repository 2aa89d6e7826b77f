"""Requests per week by channel: the PostgreSQL query (week bounds passed in, one index range
per week) must count exactly what grouping each request by its local week counts. Checked
against a count made here in Python, on both databases, at the edges of local weeks."""

from collections import Counter
from datetime import datetime, timedelta

from django.utils import timezone

from passage.intake.models import Request
from passage.reports import queries
from tests.conftest import make_case

# Local times (Asia/Yangon, UTC+06:30 unless the settings say otherwise) around week edges.
LOCAL = [
    (2026, 3, 1, 23, 59, 59),  # a Sunday night: the week before
    (2026, 3, 2, 0, 0, 0),  # Monday midnight: the new week
    (2026, 3, 2, 0, 0, 1),
    (2026, 3, 4, 12, 0, 0),
    (2026, 3, 8, 23, 30, 0),
    (2026, 3, 9, 6, 29, 0),  # 23:59 UTC on the Sunday: local Monday already
    (2026, 2, 23, 8, 0, 0),  # before the period starts: not counted
    (2026, 3, 20, 8, 0, 0),  # after it ends: not counted
]
PEOPLE = [
    ("signal", "army", "sagaing"),
    ("hotline", "navy", "sagaing"),
    ("signal", "navy", "yangon"),
    ("telegram", "army", "yangon"),
]


def make_requests(actor) -> list[Request]:
    made = []
    tz = timezone.get_current_timezone()
    for i, when in enumerate(LOCAL):
        for channel, branch, region in PEOPLE[: 1 + i % len(PEOPLE)]:
            case = make_case(actor, channel=channel, branch=branch, region=region)
            request = case.requests.get()
            request.received_at = datetime(*when, tzinfo=tz)
            request.save(update_fields=["received_at"])
            made.append(request)
    return made


def counted_here(requests, f: queries.Filters) -> Counter:
    counts: Counter = Counter()
    for r in Request.objects.filter(pk__in=[r.pk for r in requests]).select_related("person"):
        if not f.start <= r.received_at < f.end:
            continue
        if (f.branch and r.person.branch != f.branch) or (f.region and r.person.region != f.region):
            continue
        local = timezone.localtime(r.received_at)
        counts[(local.date() - timedelta(days=local.weekday()), r.channel)] += 1
    return counts


def counted_by_query(f: queries.Filters) -> Counter:
    return Counter(
        {
            (timezone.localtime(row["week"]).date(), row["channel"]): row["n"]
            for row in queries.requests_by_week_and_channel(f)
        }
    )


def test_requests_per_week_count_what_local_weeks_hold(people):
    requests = make_requests(people["coordinator"])
    tz = timezone.get_current_timezone()
    start, end = datetime(2026, 2, 25, tzinfo=tz), datetime(2026, 3, 15, tzinfo=tz)
    for f in (
        queries.Filters(start=start, end=end),
        queries.Filters(start=start, end=end, branch="navy"),
        queries.Filters(start=start, end=end, branch="army", region="yangon"),
    ):
        expected = counted_here(requests, f)
        assert expected and counted_by_query(f) == expected, f


def test_the_weeks_are_local_mondays_covering_the_period():
    tz = timezone.get_current_timezone()
    weeks = queries.weeks(datetime(2026, 2, 25, 15, tzinfo=tz), datetime(2026, 3, 9, tzinfo=tz))
    assert [timezone.localtime(w).date().isoformat() for w in weeks] == [
        "2026-02-23",
        "2026-03-02",
    ]
    assert all(timezone.localtime(w).time().isoformat() == "00:00:00" for w in weeks)
