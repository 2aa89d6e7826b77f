"""GET /api/v1/cases/{id}/hits: the case page's screening panel, under the same need-to-know."""

import pytest
from django.test import override_settings
from django.urls import reverse
from schemathesis.specs.openapi.checks import positive_data_acceptance

from passage.api.scopes import Scope
from passage.core.models import AuditRecord
from passage.screening.models import Hit, Kind
from passage.screening.panel import case_panel
from tests.api.conftest import bearer, make_token
from tests.api.test_schemathesis import _keep_the_test_connection, schema  # noqa: F401 - fixture
from tests.conftest import make_case
from tests.screening.helpers import import_list


def hits_url(case) -> str:
    return reverse("api:list_case_hits", kwargs={"case_id": case.pk})


def test_an_assigned_vetter_reads_each_hit_with_score_reasons_and_why(people, cells):
    import_list(people["coordinator"])
    case = make_case(people["intake"], cell=cells["north"])  # Kyaw Htoo, on the watchlist as W-1
    response = bearer(make_token(people["vetter"])).get(hits_url(case))
    assert response.status_code == 200
    body = response.json()
    [hit] = body["hits"]
    stored = Hit.objects.get(case=case)
    assert hit["restricted"] is False and hit["other_kind"] == Kind.WATCHLIST
    assert hit["other"] == "W-1" and hit["id"] == str(stored.pk)
    assert hit["score"] == stored.score and hit["status"] == "open"
    assert "suspected infiltrators" in hit["why"]
    assert hit["reasons"] and " ~ " in hit["reasons"][0]
    assert any("LIB 999" in line["text"] for line in hit["evidence"])
    assert body["last_screened_at"] and body["capped_from"] is None
    read = AuditRecord.objects.filter(action="screening.read_hits").get()
    assert read.actor == people["vetter"] and read.object_id == str(case.pk)
    assert read.detail == {"hits": 1}


def test_a_restricted_match_says_only_that_it_exists_and_whom_to_ask(people, cells):
    earlier = make_case(people["coordinator"], cell=cells["south"], names=["Kyaw Htoo"])
    later = make_case(people["coordinator"], cell=cells["north"], names=["Kyaw Htoo"])
    body = bearer(make_token(people["vetter"])).get(hits_url(later))
    assert body.status_code == 200
    [hit] = body.json()["hits"]
    assert hit["restricted"] is True and hit["other_kind"] == Kind.PERSON
    assert people["coordinator"].username in hit["ask"]
    assert all(hit.get(k) is None for k in ("id", "other", "other_case_id", "score", "reasons"))
    text = body.content.decode()
    assert earlier.person.pseudonym not in text and str(earlier.pk) not in text
    # Exactly what the web panel hides for the same user.
    [view] = case_panel(people["vetter"], later)["hits"]
    assert view.restricted


def test_an_intake_officer_learns_nothing_of_a_watchlist_hit_as_on_the_page(people, cells):
    # Not even that a restricted match exists: intake must be no watchlist oracle (issue 10 §3).
    import_list(people["coordinator"])
    case = make_case(people["intake"], cell=cells["north"])
    body = bearer(make_token(people["intake"])).get(hits_url(case)).json()
    assert body["hits"] == []
    assert "W-1" not in str(body) and "watchlist" not in str(body)


def test_a_coordinator_outside_the_case_is_refused_and_an_outsider_gets_404(people, cells):
    case = make_case(people["coordinator"], cell=cells["south"])
    response = bearer(make_token(people["coordinator"])).get(hits_url(case))
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    response = bearer(make_token(people["vetter"])).get(hits_url(case))
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert not AuditRecord.objects.filter(action="screening.read_hits").exists()


def test_a_token_without_the_screening_scope_is_refused(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    token = make_token(people["vetter"], [Scope.CASES_READ, Scope.CASES_IDENTITY])
    response = bearer(token).get(hits_url(case))
    assert response.status_code == 403 and response.json()["error"] == "scope_missing"


@override_settings(SCREENING_CANDIDATE_CAP=10)
def test_the_answer_says_when_the_candidate_cap_applied(people, cells):
    for _ in range(12):
        make_case(people["coordinator"], cell=cells["south"], names=["Aung Aung"])
    case = make_case(people["coordinator"], cell=cells["north"], names=["Aung Aung"])
    body = bearer(make_token(people["vetter"])).get(hits_url(case)).json()
    assert body["candidate_cap"] == 10 and body["capped_from"] == 12
    assert len(body["hits"]) == 10


@pytest.mark.usefixtures("_keep_the_test_connection")
def test_real_answers_keep_to_the_schema(people, cells):
    """Schemathesis's own run meets only unknown case ids; these are answers with hits in them,
    one seen in full and one restricted, checked against the committed schema."""
    import_list(people["coordinator"])
    make_case(people["coordinator"], cell=cells["south"], names=["Kyaw Htoo"])
    case = make_case(people["intake"], cell=cells["north"])
    operation = schema["/api/v1/cases/{case_id}/hits"]["GET"]
    # The vetter sees the watchlist hit in full and the other cell's earlier request as
    # restricted (an intake officer is told of neither: test above).
    for role in ("vetter",):
        secret = make_token(people[role], [Scope.SCREENING_READ])
        call = operation.Case(
            path_parameters={"case_id": str(case.pk)},
            headers={"Authorization": f"Bearer {secret}"},
        )
        response = call.call_and_validate(excluded_checks=[positive_data_acceptance])
        hits = response.json()["hits"]
        assert len(hits) == 2 and any(h["restricted"] for h in hits), role
