from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passage.cases.models import Case
from passage.core.models import AuditRecord
from tests.api.conftest import bearer, make_token
from tests.conftest import make_case

SECRETS = ("ကျော်ထူး", "Kyaw Htoo", "@kyaw_htoo_test", "Monywa", "Battalion 999")


def _case_url(case, name="api:read_case"):
    return reverse(name, kwargs={"case_id": case.pk})


def test_the_list_holds_only_cases_the_owner_may_see(people, cells):
    own = make_case(people["coordinator"], cell=cells["north"])
    other = make_case(people["coordinator"], cell=cells["south"])
    body = bearer(make_token(people["vetter"])).get(reverse("api:list_cases")).json()
    assert [c["id"] for c in body["items"]] == [str(own.pk)]
    assert body["count"] == 1 and body["next_offset"] is None
    body = bearer(make_token(people["coordinator"])).get(reverse("api:list_cases")).json()
    assert {c["id"] for c in body["items"]} == {str(own.pk), str(other.pk)}


def test_the_list_never_holds_identity(people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    body = bearer(make_token(people["vetter"])).get(reverse("api:list_cases")).content.decode()
    for secret in SECRETS:
        assert secret not in body


def test_the_list_pages_and_filters(people, cells):
    for _ in range(3):
        make_case(people["coordinator"], cell=cells["north"])
    make_case(people["coordinator"], cell=cells["north"], stage="vetting")
    client = bearer(make_token(people["coordinator"]))
    body = client.get(reverse("api:list_cases"), {"limit": 2}).json()
    assert len(body["items"]) == 2 and body["count"] == 4 and body["next_offset"] == 2
    body = client.get(reverse("api:list_cases"), {"limit": 2, "offset": 2}).json()
    assert len(body["items"]) == 2 and body["next_offset"] is None
    body = client.get(reverse("api:list_cases"), {"stage": "vetting"}).json()
    assert [c["stage"] for c in body["items"]] == ["vetting"]
    assert client.get(reverse("api:list_cases"), {"limit": 1000}).status_code == 422


def test_the_list_costs_the_same_queries_for_more_cases(people, cells):
    client = bearer(make_token(people["coordinator"]))
    make_case(people["coordinator"], cell=cells["north"])
    client.get(reverse("api:list_cases"))  # opens the token's rate window
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("api:list_cases"))
    for _ in range(5):
        make_case(people["coordinator"], cell=cells["north"])
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("api:list_cases"))
    assert len(six) == len(one), [q["sql"][:150] for q in six.captured_queries]


def test_identity_needs_the_scope_and_an_assigned_owner(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    without_scope = bearer(make_token(people["vetter"], ["cases:read"]))
    assert without_scope.get(_case_url(case)).json()["identity"] is None
    with_scope = bearer(make_token(people["vetter"], ["cases:read", "cases:identity"]))
    identity = with_scope.get(_case_url(case)).json()["identity"]
    assert identity["names"] == ["ကျော်ထူး", "Kyaw Htoo"]
    assert identity["requests"][0]["notes"] == "Wants to leave with his wife."
    read = AuditRecord.objects.filter(action="person.read_identity").order_by("seq").last()
    assert read.actor == people["vetter"] and read.object_id == str(case.person.pk)


def test_a_coordinator_outside_the_cell_reads_the_summary_but_never_the_identity(people, cells):
    case = make_case(people["coordinator"], cell=cells["south"])
    client = bearer(make_token(people["coordinator"]))
    response = client.get(_case_url(case))
    assert response.status_code == 200 and response.json()["identity"] is None
    for secret in SECRETS:
        assert secret not in response.content.decode()


def test_an_outsider_gets_404_for_a_case_of_another_cell(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    client = bearer(make_token(people["outsider_vetter"]))
    assert client.get(_case_url(case)).status_code == 404
    response = client.post(
        _case_url(case, "api:move_case"), {"to_stage": "vetting"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_a_move_goes_through_the_lifecycle_rules(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    client = bearer(make_token(people["intake"], ["cases:move"]))
    url = _case_url(case, "api:move_case")
    response = client.post(url, {"to_stage": "vetting"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["stage"] == "vetting"
    case.refresh_from_db()
    assert case.stage == "vetting"
    assert AuditRecord.objects.filter(action="case.move", actor=people["intake"]).exists()
    # An intake officer may not clear a case.
    response = client.post(url, {"to_stage": "cleared"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"] == "move_refused"
    assert "Your role cannot" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).stage == "vetting"


def test_a_move_to_a_stage_that_does_not_exist_is_invalid(people, north_case):
    client = bearer(make_token(people["coordinator"], ["cases:move"]))
    response = client.post(
        _case_url(north_case, "api:move_case"),
        {"to_stage": "mars"},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_a_malformed_case_id_is_invalid_not_a_crash(people):
    client = bearer(make_token(people["coordinator"]))
    assert client.get("/api/v1/cases/not-a-uuid").status_code in (404, 422)
