from django.urls import reverse

from passage.api.models import SenderKey
from passage.cases.models import Case
from passage.intake.models import Request
from tests.api.conftest import bearer, make_token
from tests.conftest import make_case

BODY = {"channel": "telegram", "names": ["Kyaw Htoo"], "notes": "First message."}


def post(client, body, **headers):
    return client.post(
        reverse("api:create_request"), body, content_type="application/json", **headers
    )


def test_a_follow_up_by_case_id_joins_the_case_the_token_opened(people, bridge):
    first = post(bridge, BODY).json()
    second = post(bridge, {**BODY, "case_id": first["case_id"], "urgency": 4, "notes": "Now."})
    assert second.status_code == 201, second.content
    assert second.json()["case_id"] == first["case_id"]
    case = Case.objects.get()
    assert case.requests.count() == 2 and case.urgency == 4
    # Still no one assigned: the follow-up did not hand the owner the case.
    assert not case.assignees.exists()


def test_a_follow_up_to_a_case_the_token_neither_opened_nor_may_see_is_404(people, bridge):
    other = make_case(people["coordinator"])
    response = post(bridge, {**BODY, "case_id": str(other.pk)})
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert other.requests.count() == 1


def test_another_token_of_the_same_owner_cannot_follow_up_by_case_id(people, bridge):
    first = post(bridge, BODY).json()
    other = bearer(make_token(people["intake"], ["requests:create"]))
    assert post(other, {**BODY, "case_id": first["case_id"]}).status_code == 404


def test_a_coordinator_s_token_follows_up_on_a_case_they_may_log_on(people):
    case = make_case(people["coordinator"])
    client = bearer(make_token(people["coordinator"], ["requests:create"]))
    response = post(client, {**BODY, "case_id": str(case.pk)})
    assert response.status_code == 201 and response.json()["case_id"] == str(case.pk)


def test_the_same_sender_key_makes_one_person_with_follow_ups(people, bridge):
    key = {"sender_key": "telegram:user123456"}
    first = post(bridge, {**BODY, **key}).json()
    second = post(bridge, {**BODY, **key, "names": ["ကျော်ထူး"], "notes": "Again."}).json()
    assert first["case_id"] == second["case_id"]
    case = Case.objects.get()
    assert case.person.names == ["Kyaw Htoo", "ကျော်ထူး"]
    assert Request.objects.count() == 2
    another = post(bridge, {**BODY, "sender_key": "telegram:user999"}).json()
    assert another["case_id"] != first["case_id"]


def test_the_sender_key_is_stored_only_as_a_keyed_hash(people, bridge):
    post(bridge, {**BODY, "sender_key": "signal:+15551234567"})
    stored = SenderKey.objects.get()
    assert "5551234567" not in stored.key_hash and len(stored.key_hash) == 64
    import hashlib

    assert stored.key_hash != hashlib.sha256(b"signal:+15551234567").hexdigest()


def test_one_owner_s_sender_keys_do_not_reach_another_owner_s_cases(people, bridge):
    key = {"sender_key": "telegram:user123456"}
    mine = post(bridge, {**BODY, **key}).json()
    theirs = bearer(make_token(people["coordinator"], ["requests:create"]))
    other = post(theirs, {**BODY, **key}).json()
    assert other["case_id"] != mine["case_id"]


def test_a_sender_whose_case_is_closed_opens_a_new_case(people, bridge):
    key = {"sender_key": "telegram:user123456"}
    first = post(bridge, {**BODY, **key}).json()
    Case.objects.filter(pk=first["case_id"]).update(stage="closed", is_open=False)
    second = post(bridge, {**BODY, **key}).json()
    assert second["case_id"] != first["case_id"]
    third = post(bridge, {**BODY, **key}).json()
    assert third["case_id"] == second["case_id"]


def test_a_message_id_sent_again_is_not_logged_twice_however_late(people, bridge):
    from passage.api.models import IdempotentCall

    first = post(bridge, {**BODY, "message_id": "telegram:77:1"})
    IdempotentCall.objects.all().delete()  # long after any Idempotency-Key expired
    again = post(bridge, {**BODY, "message_id": "telegram:77:1", "notes": "edited"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Request.objects.count() == 1
    other_owner = bearer(make_token(people["coordinator"], ["requests:create"]))
    assert post(other_owner, {**BODY, "message_id": "telegram:77:1"}).status_code == 201


def test_a_sender_whose_case_was_purged_starts_afresh(people, bridge):
    from passage.core.sealing import actions as sealing

    key = {"sender_key": "telegram:user123456"}
    first = post(bridge, {**BODY, **key}).json()
    sealing.purge_case(
        Case.objects.get(pk=first["case_id"]), actor=people["coordinator"], reason="t"
    )
    second = post(bridge, {**BODY, **key})
    assert second.status_code == 201, second.content
    assert second.json()["case_id"] != first["case_id"]
    assert post(bridge, {**BODY, "case_id": first["case_id"]}).status_code == 404
