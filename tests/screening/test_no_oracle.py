"""The person who logs a request learns nothing of what it matched unless they may see the other
record; coordinators are alerted to list matches and to follow-ups that keep adding names
(issue 10 §3)."""

from django.test import override_settings
from django.urls import reverse

from passage.intake.actions import log_follow_up_request
from passage.screening.models import Hit, Kind
from tests.conftest import make_case, request_data, signed_in
from tests.screening.helpers import import_list


def page(user, case) -> str:
    return signed_in(user).get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_an_intake_officer_does_not_learn_that_a_name_is_on_the_watchlist(people, cells):
    import_list(people["coordinator"])
    case = make_case(people["intake"], cell=cells["north"], names=["Kyawe Htu"])
    assert Hit.objects.filter(case=case, other_kind=Kind.WATCHLIST).exists()
    body = page(people["intake"], case)
    assert "Kyawe Htu" in body  # they see the names they typed
    assert "Restricted match" not in body and "Watchlist" not in body


def test_an_intake_officer_does_not_learn_of_another_cells_earlier_request(people, cells):
    make_case(people["coordinator"], cell=cells["south"], names=["Zaw Min Htet"])
    case = make_case(people["intake"], cell=cells["north"], names=["Zaw Min Htet"])
    assert Hit.objects.filter(case=case, other_kind=Kind.PERSON).exists()
    body = page(people["intake"], case)
    assert "Restricted match" not in body and "Earlier request" not in body


def test_the_assigned_vetter_still_sees_the_match_and_a_restricted_one(people, cells):
    import_list(people["coordinator"])
    case = make_case(
        people["intake"], cell=cells["north"], names=["Kyawe Htu"], assignees=[people["vetter"]]
    )
    assert "W-1" in page(people["vetter"], case)  # vetters may read the lists
    make_case(people["coordinator"], cell=cells["south"], names=["Zaw Min Htet"])
    other = make_case(
        people["intake"], cell=cells["north"], names=["Zaw Min Htet"], assignees=[people["vetter"]]
    )
    assert "Restricted match" in page(people["vetter"], other)


def test_coordinators_see_list_matches_on_the_alerts_page(people, cells):
    import_list(people["coordinator"])
    case = make_case(people["intake"], cell=cells["north"], names=["Kyawe Htu"])
    url = reverse("screening:alerts")
    body = signed_in(people["outsider_coordinator"]).get(url).content.decode()
    assert case.person.pseudonym in body and "Watchlist" in body
    assert "Kyawe Htu" not in body  # the alert names the case, not the person
    for role in ("intake", "vetter", "planner", "caseworker", "analyst", "admin"):
        assert signed_in(people[role]).get(url).status_code == 403


@override_settings(SCREENING_FOLLOW_UP_NAMES_FLAG=3)
def test_follow_ups_that_keep_adding_names_are_flagged_for_coordinators(people, cells):
    case = make_case(people["intake"], cell=cells["north"], names=["Aung Aung"])
    url = reverse("screening:alerts")
    for i, name in enumerate(["Tun Tun", "Soe Soe", "Mya Mya"]):
        body = signed_in(people["coordinator"]).get(url).content.decode()
        assert (case.person.pseudonym in body) == (i >= 3)
        log_follow_up_request(people["intake"], case, request_data(names=[name]))
    body = signed_in(people["coordinator"]).get(url).content.decode()
    assert case.person.pseudonym in body and "3 new names in follow-ups" in body
