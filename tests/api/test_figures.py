"""GET /api/v1/figures/…: the dashboard's and the summary's figures, suppressed exactly as the
pages suppress them, only for tokens with the figures scope whose owner may see figures."""

from datetime import datetime

import pytest
from django.utils import timezone

from passage.api.scopes import Scope
from passage.core.models import AuditRecord
from passage.reports import figures
from passage.reports.forms import FiguresFilterForm
from passage.reports.queries import Filters
from tests.api.conftest import bearer, make_token
from tests.conftest import make_case
from tests.reports.test_figures_pages import arrive

DASHBOARD, SUMMARY = "/api/v1/figures/dashboard", "/api/v1/figures/summary"


@pytest.fixture
def arrivals(people):
    """Seven army arrivals and two from the navy, in the last few days."""
    for branch, n in (("army", 7), ("navy", 2)):
        for i in range(n):
            arrive(make_case(people["coordinator"], branch=branch), days_ago=3 + i % 3)


def analyst(people, scopes=(Scope.FIGURES_READ,)):
    return bearer(make_token(people["analyst"], list(scopes)))


def every_figure(body) -> list[dict]:
    found = []
    if isinstance(body, dict):
        if body.keys() == {"value", "shown"}:
            return [body]
        for value in body.values():
            found += every_figure(value)
    elif isinstance(body, list):
        for value in body:
            found += every_figure(value)
    return found


def test_it_needs_the_figures_scope(people):
    response = analyst(people, [Scope.CASES_READ]).get(SUMMARY)
    assert response.status_code == 403 and response.json()["error"] == "scope_missing"


@pytest.mark.parametrize("role", ["caseworker", "intake", "admin"])
def test_roles_that_see_no_figures_are_refused(people, role):
    client = bearer(make_token(people[role], [Scope.FIGURES_READ]))
    for url in (DASHBOARD, SUMMARY):
        response = client.get(url)
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert not AuditRecord.objects.filter(action__startswith="figures.").exists()


def test_the_dashboard_suppresses_exactly_as_the_page(people, arrivals):
    body = analyst(people).get(DASHBOARD).json()
    page = figures.dashboard_tables(body_filters(body))
    assert [t["key"] for t in body["tables"]] == [t.key for t in page]
    for table, expected in zip(body["tables"], page, strict=True):
        assert table["rows"] == expected.rows and table["columns"] == expected.columns
        assert [[c["shown"] for c in row] for row in table["cells"]] == [
            cells for _label, cells, _total in expected.body()
        ]
    branch = next(t for t in body["tables"] if t["key"] == "arrivals-branch")
    army, navy = (branch["columns"].index(label) for label in ("Army", "Navy"))
    # Navy's 2 is below the threshold; Army's 7 would give it away against the total of 9.
    shown = {row[j]["shown"] for row in branch["cells"] for j in (army, navy)}
    assert shown <= {"0", "<5", "x"} and shown & {"<5", "x"}


def body_filters(body) -> Filters:
    form = FiguresFilterForm({"start": body["start"], "end": body["end"]})
    assert form.is_valid()
    return form.filters()


def test_no_figure_carries_a_small_number(people, arrivals):
    client = analyst(people)
    for url in (DASHBOARD, SUMMARY):
        body = client.get(url).json()
        found = every_figure(body)
        assert found, url
        for figure in found:
            value, shown = figure["value"], figure["shown"]
            assert value is None or value == 0 or value >= body["threshold"], figure
            assert (value is None) == (shown in ("<5", "x", "–")), figure
    assert "2" not in {f["shown"] for f in every_figure(client.get(SUMMARY).json())}


def test_the_summary_is_dated_and_matches_the_page(people, arrivals):
    before = timezone.now()
    body = analyst(people).get(SUMMARY).json()
    assert datetime.fromisoformat(body["as_of"]) >= before
    table = figures.summary_table(Filters())
    assert body["total"]["shown"] == table.footer()[-1] == "9"
    assert body["table"]["columns"] == table.columns


def test_filters_are_checked_like_the_page(people):
    client = analyst(people)
    response = client.get(DASHBOARD, {"start": "2024-05-01", "end": "2024-04-01"})
    assert response.status_code == 422
    assert response.json()["fields"][0]["message"] == "The period must start before it ends."
    assert client.get(DASHBOARD, {"branch": "marines"}).status_code == 422
    assert client.get(DASHBOARD, {"start": "1999-12-31"}).status_code == 422
    assert not AuditRecord.objects.filter(action="figures.view_dashboard").exists()


def test_a_filtered_call_is_audited_like_the_page(people, arrivals):
    body = analyst(people).get(DASHBOARD, {"branch": "navy", "region": "sagaing"}).json()
    assert body["branch"] == "navy" and body["region"] == "sagaing"
    record = AuditRecord.objects.filter(action="figures.view_dashboard").last()
    assert record.actor == people["analyst"]
    assert record.detail["branch"] == "navy" and record.detail["region"] == "sagaing"
    assert AuditRecord.objects.filter(action="api.call", actor=people["analyst"]).exists()
