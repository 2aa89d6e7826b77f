from django.urls import reverse

from passage.api.models import RequestOrigin
from passage.cases.models import Case
from passage.core.models import AuditRecord
from passage.intake.models import Request
from tests.api.conftest import bearer, make_token

ZAWGYI_NAME = "ေက်ာ္ထူး"  # ကျော်ထူး typed with a Zawgyi keyboard
BODY = {
    "channel": "telegram",
    "urgency": 3,
    "names": [ZAWGYI_NAME, "Kyaw Htoo"],
    "branch": "army",
    "region": "sagaing",
    "contact_handle": "@kyaw_api",
    "notes": "Wants out before the next deployment.",
}


def post(client, body):
    return client.post(reverse("api:create_request"), body, content_type="application/json")


def test_a_bridge_logs_a_request_that_opens_a_case_like_the_web_form(people, bridge):
    response = post(bridge, BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received"
    req = Request.objects.get(pk=body["id"])
    assert req.channel == "telegram" and req.logged_by == people["intake"]
    person = req.case.person
    assert person.names == ["ကျော်ထူး", "Kyaw Htoo"]  # Zawgyi converted
    assert person.contact_handle == "@kyaw_api"
    # The form assigns whoever typed the names; no one typed these, so the owner is not given
    # the identity of every case the bridge opens.
    assert not req.case.assignees.exists()
    assert RequestOrigin.objects.get(request=req).token.owner == people["intake"]


def test_the_call_is_audited_without_its_body(people, bridge):
    post(bridge, BODY)
    call = AuditRecord.objects.filter(action="api.call").order_by("seq").last()
    assert call.actor == people["intake"]
    assert call.detail["endpoint"] == "POST create_request" and call.detail["status"] == 201
    assert "Kyaw" not in str(call.detail) and "kyaw_api" not in str(call.detail)
    assert AuditRecord.objects.filter(action="request.create").exists()


def test_only_the_token_that_logged_a_request_reads_its_status(people, bridge):
    request_id = post(bridge, BODY).json()["id"]
    url = reverse("api:read_request", kwargs={"request_id": request_id})
    assert bridge.get(url).json()["status"] == "received"
    other = bearer(make_token(people["intake"], ["requests:create"]))
    assert other.get(url).status_code == 404
    assert other.get(url).json()["error"] == "not_found"


def test_the_status_is_coarse(people, bridge):
    request_id = post(bridge, BODY).json()["id"]
    url = reverse("api:read_request", kwargs={"request_id": request_id})
    case = Request.objects.get(pk=request_id).case
    Case.objects.filter(pk=case.pk).update(stage="in_transit")
    assert bridge.get(url).json()["status"] == "in_progress"
    Case.objects.filter(pk=case.pk).update(stage="rejected", is_open=False)
    assert bridge.get(url).json()["status"] == "closed"


def test_bad_input_gets_field_messages_and_changes_nothing(people, bridge):
    response = post(bridge, {**BODY, "names": ["Kyaw\u0000Htoo"], "age": 7, "channel": "pigeon"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid"
    fields = {f["field"] for f in body["fields"]}
    assert {"body.payload.names", "body.payload.age", "body.payload.channel"} <= fields
    assert not Case.objects.exists()


def test_mixed_scripts_in_one_name_are_refused(bridge):
    response = post(bridge, {**BODY, "names": ["Kyaw ထူး"]})
    assert response.status_code == 422
    assert "mixes Burmese and Latin" in response.json()["fields"][0]["message"]


def test_a_future_time_is_refused(bridge):
    response = post(bridge, {**BODY, "received_at": "2999-01-01T00:00:00+06:30"})
    assert response.status_code == 422


def test_a_naive_time_is_refused(bridge):
    assert post(bridge, {**BODY, "received_at": "2025-01-01T10:00:00"}).status_code == 422


def test_a_body_that_is_not_json_gets_400(bridge):
    response = bridge.post(reverse("api:create_request"), "{", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "bad_request"


def test_an_owner_who_may_not_log_requests_gets_403(people):
    client = bearer(make_token(people["vetter"], ["requests:create"]))
    response = post(client, BODY)
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert not Case.objects.exists()
