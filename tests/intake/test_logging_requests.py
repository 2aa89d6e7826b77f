import pytest
from django.urls import reverse
from django.utils import timezone

from passage.cases.lifecycle import Stage
from passage.cases.models import Case, Person, TimelineEntry
from passage.core.models import AuditRecord
from passage.intake.models import Request
from tests.conftest import signed_in

ZAWGYI_KYAW_HTOO = "ေက်ာ္ထူး"  # ကျော်ထူး typed with a Zawgyi keyboard


def form_data(**overrides):
    data = {
        "channel": "signal",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "language": "my",
        "urgency": "3",
        "names": "ကျော်ထူး\nKyaw Htoo",
        "rank": "corporal",
        "branch": "army",
        "unit": "LIB 999",
        "region": "sagaing",
        "township": "Monywa",
        "age": "27",
        "contact_handle": "@kyaw",
        "family_at_risk": "on",
        "notes": "ဇနီးနှင့်အတူ ထွက်ချင်သည်။",
    }
    return {**data, **overrides}


def test_an_intake_officer_logs_a_request_that_opens_a_case(people):
    response = signed_in(people["intake"]).post(reverse("intake:new"), form_data())
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    assert case.stage == Stage.RECEIVED and case.urgency == 3
    assert people["intake"] in case.assignees.all()
    person = case.person
    assert person.names == ["ကျော်ထူး", "Kyaw Htoo"]
    assert person.contact_handle == "@kyaw" and person.family_at_risk
    assert len(person.pseudonym.split()) >= 2
    assert Request.objects.get().notes == "ဇနီးနှင့်အတူ ထွက်ချင်သည်။"
    assert AuditRecord.objects.filter(action="request.create").count() == 1


def test_a_name_typed_in_zawgyi_is_stored_in_unicode(people):
    signed_in(people["intake"]).post(reverse("intake:new"), form_data(names=ZAWGYI_KYAW_HTOO))
    assert Person.objects.get().names == ["ကျော်ထူး"]


def test_a_follow_up_request_joins_the_known_persons_case(people):
    client = signed_in(people["intake"])
    client.post(reverse("intake:new"), form_data(urgency="2"))
    case = Case.objects.get()
    response = client.post(
        reverse("intake:follow_up", args=[case.pk]),
        {**form_data(urgency="4", names="Kyawe Htu", channel="phone", notes="Calling again")},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert Case.objects.count() == 1 and case.requests.count() == 2
    assert case.urgency == 4 and case.latest_channel == "phone"
    assert case.person.names == ["ကျော်ထူး", "Kyaw Htoo", "Kyawe Htu"]


def test_a_coordinator_who_logs_a_request_is_assigned_and_sees_the_names_they_typed(people):
    coordinator = people["outsider_coordinator"]  # shares no cell with anyone here
    client = signed_in(coordinator)
    response = client.post(reverse("intake:new"), form_data(names="Kyaw Htoo"), follow=True)
    case = Case.objects.get()
    assert list(case.assignees.all()) == [coordinator]
    assert response.context["identity"].names == ["Kyaw Htoo"]
    # Audited like any assignment: who, and who is assigned now, in the chain and the timeline.
    assign = AuditRecord.objects.get(action="case.assign")
    assert assign.actor == coordinator and assign.object_id == str(case.pk)
    assert assign.detail == {"cell": None, "users": [coordinator.pk], "why": "logged_request"}
    assert case.timeline.filter(kind=TimelineEntry.Kind.ASSIGNMENT, actor=coordinator).exists()


def test_a_follow_up_request_gives_no_access_to_the_case_it_joins(people):
    # Any coordinator may add a request to any case; knowing a name must not open its identity.
    signed_in(people["intake"]).post(reverse("intake:new"), form_data())
    case = Case.objects.get()
    other = people["outsider_coordinator"]
    client = signed_in(other)
    response = client.post(
        reverse("intake:follow_up", args=[case.pk]), form_data(names="Kyawe Htu"), follow=True
    )
    assert response.status_code == 200 and case.requests.count() == 2
    assert list(case.assignees.all()) == [people["intake"]]
    assert response.context["identity"] is None
    assert "Kyaw Htoo" not in response.content.decode()
    assert not AuditRecord.objects.filter(action="case.assign", actor=other).exists()


BAD_INPUT = [
    ({"names": "A" * 101}, "names", "at most 100"),
    ({"names": "\n".join(f"Name {i}" for i in range(11))}, "names", "At most 10"),
    ({"names": "Kyaw\x07Htoo"}, "names", "control character"),
    ({"names": "Kyaw ထူး"}, "names", "mixes Burmese and Latin"),
    ({"names": "Kyаw Htoo"}, "names", "another alphabet"),  # Cyrillic а
    ({"names": "<script>alert(1)</script>"}, "names", "cannot contain"),
    ({"notes": "x" * 5001}, "notes", "at most 5000"),
    ({"notes": "hello\x00world"}, "notes", "Null characters are not allowed"),
    ({"notes": "hello\x1bworld"}, "notes", "control character"),
    ({"unit": "u" * 121}, "unit", "at most 120"),
    ({"contact_handle": "a\u202eb"}, "contact_handle", "control character"),
    ({"channel": "carrier-pigeon"}, "channel", "valid choice"),
    ({"branch": "space_force"}, "branch", "valid choice"),
    ({"region": "atlantis"}, "region", "valid choice"),
    ({"urgency": "9"}, "urgency", "valid choice"),
    ({"rank": "emperor"}, "rank", "valid choice"),
    ({"age": "7"}, "age", "greater than or equal to 14"),
    ({"age": "many"}, "age", "whole number"),
    ({"received_at": "2999-01-01T00:00"}, "received_at", "future"),
    ({"received_at": "yesterday"}, "received_at", "valid date"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_gets_a_clear_message_and_saves_nothing(people, overrides, field, message):
    response = signed_in(people["intake"]).post(reverse("intake:new"), form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not Case.objects.exists() and not Person.objects.exists()
    assert not Request.objects.exists()
    assert not AuditRecord.objects.filter(action="request.create").exists()


def test_html_in_notes_is_kept_and_rendered_escaped(people):
    client = signed_in(people["intake"])
    client.post(reverse("intake:new"), form_data(notes="<script>alert('x')</script> <b>bold</b>"))
    case = Case.objects.get()
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert(&#x27;x&#x27;)" in body
    assert "<b>bold</b>" not in body


def test_an_analyst_cannot_log_a_request(people):
    response = signed_in(people["analyst"]).post(reverse("intake:new"), form_data())
    assert response.status_code == 403 and not Case.objects.exists()
