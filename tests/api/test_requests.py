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
    response = post(bridge, {**BODY, "notes": "a\u0000b", "age": 7, "channel": "pigeon"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid"
    fields = {f["field"] for f in body["fields"]}
    assert {"body.notes", "body.age", "body.channel"} <= fields
    assert not Case.objects.exists()


def test_a_list_error_names_the_item(bridge):
    response = post(bridge, {**BODY, "names": ["Kyaw Htoo", "A" * 101]})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == ["body.names.1"]


BAD_NAMES = ["🇲🇲 Kyaw Htoo", "ဇော်မင်း Zaw", "Kyaw\u0000Htoo", "<b>Zaw</b>"]


def test_names_that_fail_the_checks_are_set_aside_and_the_message_still_arrives(people, bridge):
    response = post(bridge, {**BODY, "names": [*BAD_NAMES, "Kyaw Htoo"]})
    assert response.status_code == 201, response.content
    assert response.json()["names_set_aside"] == len(BAD_NAMES)
    req = Request.objects.get(pk=response.json()["id"])
    assert req.notes == BODY["notes"]
    assert req.case.person.names == ["Kyaw Htoo"]
    # Kept as sent, sealed: the database holds ciphertext only.
    assert req.unverified_names == BAD_NAMES
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT unverified_names FROM intake_request WHERE id = %s", [req.pk.hex])
        stored = cursor.fetchone()[0]
    assert "Zaw" not in stored and "ဇော်" not in stored
    created = AuditRecord.objects.get(action="request.create")
    assert created.detail["names_set_aside"] == len(BAD_NAMES)


def test_bidi_marks_in_chat_text_are_dropped_not_refused(bridge):
    body = {**BODY, "names": ["\u2068Kyaw Htoo\u2069"], "notes": "Help \u200fnow\u202e"}
    response = post(bridge, body)
    assert response.status_code == 201, response.content
    req = Request.objects.get(pk=response.json()["id"])
    assert req.notes == "Help now"
    assert req.case.person.names == ["Kyaw Htoo"]
    assert response.json()["names_set_aside"] == 0


def test_a_unix_number_is_not_taken_as_a_time(bridge):
    response = post(bridge, {**BODY, "received_at": 1_700_000_000})
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "body.received_at"


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


def test_the_intake_officer_sees_the_names_set_aside_on_the_case_page(people, bridge):
    from tests.conftest import signed_in

    case_id = post(bridge, {**BODY, "names": ["🇲🇲 Kyaw Htoo"]}).json()["case_id"]
    case = Case.objects.get(pk=case_id)
    case.assignees.add(people["intake"])
    page = signed_in(people["intake"]).get(reverse("cases:detail", args=[case.pk]))
    html = page.content.decode()
    assert "Names set aside: not verified" in html
    assert "<bdi>🇲🇲 Kyaw Htoo</bdi>" in html
