from django.urls import reverse

from passage.api.models import IdempotentCall
from passage.cases.models import Case
from passage.intake.models import Request
from tests.api.conftest import bearer, make_token
from tests.conftest import make_case

BODY = {"channel": "signal", "names": ["Kyaw Htoo"], "notes": "Please call back."}


def post(client, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        reverse("api:create_request"), body, content_type="application/json", **headers
    )


def test_a_retried_post_with_the_same_key_gets_the_same_answer_and_creates_nothing(bridge):
    first = post(bridge, BODY, key="msg-42")
    again = post(bridge, BODY, key="msg-42")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Case.objects.count() == 1 and Request.objects.count() == 1


def test_without_a_key_each_post_is_new(bridge):
    post(bridge, BODY)
    post(bridge, BODY)
    assert Case.objects.count() == 2


def test_the_same_key_from_another_token_is_another_call(people, bridge):
    post(bridge, BODY, key="msg-42")
    other = bearer(make_token(people["intake"], ["requests:create"]))
    assert post(other, BODY, key="msg-42").status_code == 201
    assert Case.objects.count() == 2


def test_the_same_key_with_another_body_is_a_conflict(bridge):
    post(bridge, BODY, key="msg-42")
    response = post(bridge, {**BODY, "notes": "Something else."}, key="msg-42")
    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_conflict"
    assert Request.objects.count() == 1


def test_a_refused_call_does_not_keep_its_key(bridge):
    assert post(bridge, {**BODY, "age": 7}, key="msg-42").status_code == 422
    assert not IdempotentCall.objects.exists()


def test_the_key_is_stored_hashed_and_expires(bridge):
    from datetime import timedelta

    from django.utils import timezone

    post(bridge, BODY, key="telegram-msg-1234")
    call = IdempotentCall.objects.get()
    assert "1234" not in call.key_hash
    assert timedelta(hours=23) < call.expires_at - timezone.now() <= timedelta(hours=24)
    IdempotentCall.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert post(bridge, BODY, key="telegram-msg-1234").status_code == 201
    assert Case.objects.count() == 2 and IdempotentCall.objects.count() == 1


def test_a_key_that_is_too_long_is_refused_with_its_field(bridge):
    response = post(bridge, BODY, key="k" * 201)
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"].lower() == "header.idempotency-key"


def test_a_retried_move_is_not_moved_twice(people):
    case = make_case(people["coordinator"])
    client = bearer(make_token(people["coordinator"]))
    url = reverse("api:move_case", kwargs={"case_id": case.pk})
    move = {"to_stage": "vetting"}
    headers = {"HTTP_IDEMPOTENCY_KEY": "move-1"}
    first = client.post(url, move, content_type="application/json", **headers)
    again = client.post(url, move, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert case.timeline.filter(kind="stage").count() == 1
