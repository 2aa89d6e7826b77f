"""The candidate cap: a very common name scores a bounded number of records, and says so."""

import uuid

from django.test import override_settings
from django.urls import reverse

from passage.core.models import AuditRecord
from passage.screening import blind
from passage.screening.models import Hit, Kind
from tests.conftest import make_case, signed_in


@override_settings(SCREENING_CANDIDATE_CAP=10)
def test_the_cap_keeps_the_records_that_share_the_most_keys(db):
    crowd = [uuid.uuid4() for _ in range(40)]
    for record_id in crowd:
        blind.file_record(Kind.PERSON, record_id, ["Aung Aung"])
    same = uuid.uuid4()
    blind.file_record(Kind.PERSON, same, ["Aung Aung Kyaw"])
    found = blind.candidates(["Aung Aung Kyaw"])
    assert len(found[Kind.PERSON]) == 10
    assert same in found[Kind.PERSON]  # shares every key, the crowd only "Aung" and "Aung Aung"
    assert found.capped == {Kind.PERSON: 41}


@override_settings(SCREENING_CANDIDATE_CAP=10)
def test_the_cap_is_per_kind_so_a_crowd_of_people_never_hides_the_watchlist(db):
    for _ in range(30):
        blind.file_record(Kind.PERSON, uuid.uuid4(), ["Aung Aung"])
    listed = uuid.uuid4()
    blind.file_record(Kind.WATCHLIST, listed, ["Aung Aung"])
    found = blind.candidates(["Aung Aung"])
    assert found[Kind.WATCHLIST] == {listed}
    assert found.capped == {Kind.PERSON: 30}


def test_the_subject_does_not_take_a_place_under_the_cap(db):
    me = uuid.uuid4()
    blind.file_record(Kind.PERSON, me, ["Aung Aung"])
    assert blind.candidates(["Aung Aung"], exclude=me) == {}


@override_settings(SCREENING_CANDIDATE_CAP=10)
def test_a_common_name_at_intake_scores_at_most_the_cap_and_the_panel_says_so(people, cells):
    for _ in range(12):
        make_case(people["coordinator"], cell=cells["south"], names=["Aung Aung"])
    case = make_case(people["coordinator"], cell=cells["north"], names=["Aung Aung"])
    run = AuditRecord.objects.filter(action="screening.run", object_id=str(case.pk)).get()
    assert run.detail["candidates"] == 10 and run.detail["capped"] == {Kind.PERSON: 12}
    assert Hit.objects.filter(case=case).count() == 10
    page = signed_in(people["vetter"]).get(reverse("cases:detail", args=[case.pk]))
    text = page.content.decode()
    assert "This name is common: 12 records share parts of it" in text
    assert "only the 10 of each kind sharing the most were scored" in text


def test_an_ordinary_name_says_when_it_was_screened_and_nothing_of_a_cap(people, cells):
    case = make_case(people["intake"], cell=cells["north"])
    page = signed_in(people["vetter"]).get(reverse("cases:detail", args=[case.pk]))
    text = page.content.decode()
    assert "Last screened at intake on" in text and "This name is common" not in text
