"""The funnel counts each case at the furthest step it reached: its current stage or any stage
in its history, whichever is further along. Crafted histories, checked on both databases."""

from datetime import timedelta

from django.utils import timezone

from passage.cases.lifecycle import Stage
from passage.cases.models import Case, TimelineEntry
from passage.reports import queries
from tests.conftest import make_case

S = Stage


def with_history(actor, now: Stage, moves: list[Stage], **data) -> Case:
    case = make_case(actor, **data)
    at, before = timezone.now() - timedelta(days=30), S.RECEIVED
    for to in moves:
        at += timedelta(days=1)
        TimelineEntry.objects.create(
            case=case, at=at, kind=TimelineEntry.Kind.STAGE, from_stage=before, to_stage=to
        )
        before = to
    Case.objects.filter(pk=case.pk).update(stage=now)
    return case


def test_each_case_counts_at_the_furthest_step_it_reached(people):
    actor = people["coordinator"]
    with_history(actor, S.RECEIVED, [])
    with_history(actor, S.REJECTED, [S.VETTING, S.REJECTED], branch="navy")  # reached vetting
    with_history(actor, S.AFTERCARE, [])  # imported straight into after-care
    with_history(actor, S.VETTING, [S.VETTING, S.CLEARED, S.PLANNING, S.VETTING])  # went back
    with_history(actor, S.ARRIVED, [S.VETTING, S.CLEARED, S.PLANNING, S.IN_TRANSIT, S.ARRIVED])
    now = timezone.now()
    f = queries.Filters(start=now - timedelta(days=1), end=now + timedelta(days=1))
    assert queries.funnel(f) == {
        "received": 5,
        "vetting": 4,
        "cleared": 3,
        "planning": 3,
        "in_transit": 2,
        "arrived": 2,
    }
    navy = queries.Filters(start=f.start, end=f.end, branch="navy")
    assert queries.funnel(navy) == {"received": 1, "vetting": 1} | dict.fromkeys(
        ("cleared", "planning", "in_transit", "arrived"), 0
    )
    before = queries.Filters(start=now - timedelta(days=400), end=now - timedelta(days=300))
    assert set(queries.funnel(before).values()) == {0}
