"""The queue and the case page run a fixed number of SQL queries, however many rows they show.

A count that grows with the data (a query per row) is what makes a page slow on a large
database; these pins catch it early. When a change adds a query on purpose, update the pin.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passage.intake.actions import log_follow_up_request
from tests.conftest import make_case, request_data, signed_in

# Every page of a signed-in user: session, user, TOTP device, organisation, and the session saved
# again (idle timeout; 3 statements here, as the test's transaction wraps it in a savepoint).
# The queue adds the count, the cells for the filter and the page of cases.
# Coordinators and planners also count their unseen alerts for the header (passage/planning).
QUEUE_QUERIES = {"coordinator": 11, "vetter": 10}
# The case page adds the case (with whether the viewer is assigned), the assignees and the
# timeline. The vetter is assigned through the North cell, so the page also reads the requests'
# notes, appends an audit record (savepoint, lock the chain head, insert, move the head,
# release) and shows the screening panel (its hits and when intake screened); the outsider
# coordinator sees the summary. Everyone's page asks whether the case's key was destroyed (the
# purge panel); a coordinator's also looks for a purge waiting for approval.
CASE_QUERIES = {"vetter": 19, "outsider_coordinator": 14}


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def fill_queue(people, cells, n: int) -> None:
    for i in range(n):
        make_case(
            people["coordinator"],
            cell=cells["north"] if i % 2 else cells["south"],
            assignees=[people["planner"]] if i % 3 == 0 else (),
            urgency=1 + i % 4,
            channel=["signal", "phone", "telegram"][i % 3],
        )


def case_with_requests(people, cells, n: int, name: str):
    """A case with n requests; names differ per case so neither is a screening hit of the other."""
    case = make_case(
        people["coordinator"], cell=cells["north"], assignees=[people["planner"]], names=[name]
    )
    for _ in range(n - 1):
        log_follow_up_request(people["coordinator"], case, request_data(names=[], channel="phone"))
    return case


@pytest.mark.parametrize("viewer", sorted(QUEUE_QUERIES))
def test_the_queue_runs_the_same_queries_for_5_and_for_50_cases(people, cells, viewer):
    client = signed_in(people[viewer])
    url = reverse("cases:queue")
    fill_queue(people, cells, 5)
    client.get(url)  # the first page a session opens may write things once (language, CSRF)
    with_5 = queries_for(client, url)
    fill_queue(people, cells, 45)
    with_50 = queries_for(client, url)
    assert with_5 == with_50 == QUEUE_QUERIES[viewer]


@pytest.mark.parametrize("viewer", sorted(CASE_QUERIES))
def test_the_case_page_runs_the_same_queries_for_5_and_for_50_requests(people, cells, viewer):
    client = signed_in(people[viewer])
    small = case_with_requests(people, cells, 5, "Aung Aung")
    large = case_with_requests(people, cells, 50, "Zaw Min Htet")
    client.get(reverse("cases:detail", args=[small.pk]))
    with_5 = queries_for(client, reverse("cases:detail", args=[small.pk]))
    with_50 = queries_for(client, reverse("cases:detail", args=[large.pk]))
    assert with_5 == with_50 == CASE_QUERIES[viewer]


def test_the_case_page_shows_every_request_of_a_large_case(people, cells):
    """The counts above are not met by leaving rows out."""
    case = case_with_requests(people, cells, 50, "Zaw Min Htet")
    response = signed_in(people["vetter"]).get(reverse("cases:detail", args=[case.pk]))
    assert response.content.decode().count("Wants to leave with his wife.") == 50


def test_the_queue_count_stops_at_the_cap_and_later_pages_still_open(people, cells, monkeypatch):
    """The paginator counts at most COUNT_CAP + 1 cases (a large queue is not counted in full on
    every view); past the cap the pager says "more than", and pages past it still open."""
    from passage.cases import queue, views

    monkeypatch.setattr(queue, "COUNT_CAP", 4)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    fill_queue(people, cells, 9)
    client = signed_in(people["coordinator"])
    url = reverse("cases:queue")
    first = client.get(url)
    assert "Page 1 of more than 2 (more than 4 cases)" in first.content.decode()
    assert first.context["page"].has_next()
    fourth = client.get(url, {"page": 4})
    assert fourth.context["page"].number == 4
    assert "Page 4 of more than 4 (more than 8 cases)" in fourth.content.decode()
    last = client.get(url, {"page": 5})
    assert last.context["page"].number == 5
    assert not last.context["page"].has_next()
    assert "Page 5 of 5 (9 cases)" in last.content.decode()
    assert len(last.context["rows"]) == 1
