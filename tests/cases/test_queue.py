from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from passage.cases.models import Case
from tests.conftest import make_case, signed_in


def queue_names(client, **params):
    response = client.get(reverse("cases:queue"), params)
    assert response.status_code == 200
    return [case.person.pseudonym for case in response.context["page"]]


def test_the_most_urgent_come_first_then_the_longest_waiting(people, cells):
    coordinator = people["coordinator"]
    calm_old = make_case(coordinator, cell=cells["north"], urgency=1)
    urgent_new = make_case(coordinator, cell=cells["north"], urgency=4)
    normal_old = make_case(coordinator, cell=cells["north"], urgency=2)
    normal_new = make_case(coordinator, cell=cells["north"], urgency=2)
    now = timezone.now()
    Case.objects.filter(pk=normal_old.pk).update(stage_changed_at=now - timedelta(days=3))
    Case.objects.filter(pk=calm_old.pk).update(stage_changed_at=now - timedelta(days=30))
    names = queue_names(signed_in(coordinator))
    expected = [c.person.pseudonym for c in (urgent_new, normal_old, normal_new, calm_old)]
    assert names == expected


def test_filters_narrow_the_queue(people, cells):
    coordinator = people["coordinator"]
    army = make_case(coordinator, cell=cells["north"], branch="army", region="sagaing")
    police = make_case(
        coordinator, cell=cells["south"], branch="police", region="yangon", channel="telegram"
    )
    vetting = make_case(
        coordinator, cell=cells["north"], branch="navy", region="mon", stage="vetting"
    )
    client = signed_in(coordinator)
    assert queue_names(client, branch="police") == [police.person.pseudonym]
    assert queue_names(client, region="sagaing") == [army.person.pseudonym]
    assert queue_names(client, stage="vetting") == [vetting.person.pseudonym]
    assert queue_names(client, cell=cells["south"].pk) == [police.person.pseudonym]
    assert queue_names(client, channel="telegram") == [police.person.pseudonym]
    word = police.person.pseudonym.split()[1].lower()
    assert police.person.pseudonym in queue_names(client, q=word)


def test_closed_cases_leave_the_queue_unless_asked_for(people, cells):
    closed = make_case(people["coordinator"], cell=cells["north"], stage="closed")
    Case.objects.filter(pk=closed.pk).update(is_open=False)
    client = signed_in(people["coordinator"])
    assert queue_names(client) == []
    assert queue_names(client, closed="on") == [closed.person.pseudonym]


def test_an_unknown_filter_value_is_ignored_with_a_notice(people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    response = signed_in(people["coordinator"]).get(reverse("cases:queue"), {"stage": "nope"})
    assert response.status_code == 200
    assert "not understood" in response.content.decode()


def test_the_queue_is_paginated(people, cells):
    for _ in range(55):
        make_case(people["coordinator"], cell=cells["north"])
    client = signed_in(people["coordinator"])
    assert len(queue_names(client)) == 50
    assert len(queue_names(client, page=2)) == 5


def test_the_queue_never_shows_names(people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    body = signed_in(people["vetter"]).get(reverse("cases:queue")).content.decode()
    assert "Kyaw Htoo" not in body and "ကျော်ထူး" not in body
