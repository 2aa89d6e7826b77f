"""Adding, changing and removing list records by hand: audited, and earlier people re-screened."""

import uuid

from django.test import override_settings
from django.urls import reverse

from passage.core.models import AuditRecord
from passage.screening import blind
from passage.screening.models import BlindKey, Hit, Kind, WatchlistEntry
from tests.conftest import make_case, signed_in
from tests.screening.helpers import import_list

W1 = {
    "reference": "W-1",
    "names": "Kyawe Htu\nေက်ာ္ထူး",
    "unit": "LIB 999",
    "township": "Monywa",
    "rank": "corporal",
    "age": "28",
    "confidence": "high",
    "source": "informant",
    "notes": "seen at the checkpoint",
}


def edit_url(entry) -> str:
    return reverse("screening:record_edit", args=[Kind.WATCHLIST, entry.pk])


def test_changing_an_entrys_names_withdraws_the_open_hit_it_no_longer_explains(people, cells):
    import_list(people["coordinator"])
    case = make_case(people["intake"], cell=cells["north"])  # Kyaw Htoo
    entry = WatchlistEntry.objects.get(reference="W-1")
    assert Hit.objects.filter(case=case, other_id=entry.pk).exists()

    client = signed_in(people["coordinator"])
    response = client.post(edit_url(entry), {**W1, "names": "Than Shwe"})
    assert response.status_code == 302
    assert not Hit.objects.filter(case=case, other_id=entry.pk).exists()
    change = AuditRecord.objects.filter(action="screening.change_watchlist").get()
    assert change.detail == {"fields": ["names"], "new_hits": 0, "withdrawn_hits": 1}
    assert "Than Shwe" not in str(change.detail)

    client.post(edit_url(entry), W1)  # and back: the match is raised again
    assert Hit.objects.filter(case=case, other_id=entry.pk, status=Hit.Status.OPEN).exists()


def test_a_reviewed_hit_keeps_its_decision_when_the_entry_changes_or_goes(people, cells):
    import_list(people["coordinator"])
    case = make_case(people["intake"], cell=cells["north"])
    entry = WatchlistEntry.objects.get(reference="W-1")
    hit = Hit.objects.get(case=case, other_id=entry.pk)
    Hit.objects.filter(pk=hit.pk).update(status=Hit.Status.CONFIRMED)
    client = signed_in(people["coordinator"])
    client.post(edit_url(entry), {**W1, "names": "Than Shwe"})
    assert Hit.objects.get(pk=hit.pk).status == Hit.Status.CONFIRMED

    response = client.post(reverse("screening:record_remove", args=[Kind.WATCHLIST, entry.pk]))
    assert response.status_code == 302
    assert not WatchlistEntry.objects.filter(pk=entry.pk).exists()
    assert not BlindKey.objects.filter(record_id=entry.pk).exists()
    assert Hit.objects.get(pk=hit.pk).status == Hit.Status.CONFIRMED
    removal = AuditRecord.objects.filter(action="screening.remove_watchlist").get()
    assert removal.object_id == str(entry.pk) and removal.detail["withdrawn_hits"] == 0
    page = signed_in(people["vetter"]).get(reverse("cases:detail", args=[case.pk]))
    assert "has since been removed from the list" in page.content.decode()


def test_removing_an_entry_withdraws_its_open_hits(people, cells):
    import_list(people["coordinator"])
    case = make_case(people["intake"], cell=cells["north"])
    entry = WatchlistEntry.objects.get(reference="W-1")
    client = signed_in(people["coordinator"])
    client.post(reverse("screening:record_remove", args=[Kind.WATCHLIST, entry.pk]))
    assert not Hit.objects.filter(case=case, other_kind=Kind.WATCHLIST, other_id=entry.pk).exists()
    removal = AuditRecord.objects.filter(action="screening.remove_watchlist").get()
    assert removal.detail == {"reference": "W-1", "withdrawn_hits": 1}


def test_adding_an_entry_by_hand_screens_earlier_people(people, cells):
    case = make_case(people["intake"], cell=cells["north"])
    client = signed_in(people["coordinator"])
    response = client.post(
        reverse("screening:record_new", args=[Kind.WATCHLIST]), {**W1, "reference": ""}
    )
    assert response.status_code == 302
    entry = WatchlistEntry.objects.get()
    assert entry.reference.startswith("W-") and entry.names == ["Kyawe Htu", "ကျော်ထူး"]
    assert Hit.objects.filter(case=case, other_id=entry.pk).exists()
    added = AuditRecord.objects.filter(action="screening.add_watchlist").get()
    assert added.detail["new_hits"] == 1


def test_adding_a_documented_abuse_by_hand_raises_a_hit_on_a_named_perpetrator(people, cells):
    case = make_case(people["intake"], cell=cells["north"])
    response = signed_in(people["coordinator"]).post(
        reverse("screening:record_new", args=[Kind.ABUSE]),
        {
            "reference": "A-9",
            "date": "2022-12-06",
            "place": "Monywa",
            "units": "LIB 999",
            "perpetrators": "Lt. Kyaw Htoo\nCapt Than Oo",
        },
    )
    assert response.status_code == 302
    hit = Hit.objects.get(case=case, other_kind=Kind.ABUSE)
    page = signed_in(people["vetter"]).get(reverse("cases:detail", args=[case.pk]))
    assert "A-9" in page.content.decode() and "documented abuse (Monywa" in page.content.decode()
    assert hit.score >= hit.name_score


def test_bad_input_is_refused_with_a_message_and_saves_nothing(people, cells):
    import_list(people["coordinator"])
    client = signed_in(people["coordinator"])
    url = reverse("screening:record_new", args=[Kind.WATCHLIST])
    before = AuditRecord.objects.count()
    for bad, message in [
        ({"names": ""}, "Give at least one name."),
        ({"reference": "W-2"}, "This reference is already in use."),
        ({"age": "old"}, "Give the age as a whole number of years."),
        ({"names": "Kyaw\x1bHtoo"}, "invisible control character (U+001B)"),
    ]:
        response = client.post(url, {**W1, "reference": "W-3", **bad})
        assert response.status_code == 200, bad
        assert message in response.content.decode()
    assert WatchlistEntry.objects.count() == 2
    assert AuditRecord.objects.count() == before


def test_editing_a_missing_record_or_an_unknown_list_is_404(people):
    client = signed_in(people["coordinator"])
    assert client.get(reverse("screening:record_new", args=["people"])).status_code == 404
    missing = reverse("screening:record_edit", args=[Kind.ABUSE, uuid.UUID(int=0)])
    assert client.get(missing).status_code == 404


def test_opening_a_record_to_change_it_is_audited(people):
    import_list(people["coordinator"])
    entry = WatchlistEntry.objects.get(reference="W-1")
    response = signed_in(people["coordinator"]).get(edit_url(entry))
    assert "Kyawe Htu" in response.content.decode()
    read = AuditRecord.objects.filter(action="screening.read_record").get()
    assert read.object_id == str(entry.pk) and read.actor == people["coordinator"]


def test_a_vetter_may_read_the_lists_but_not_change_them(people):
    import_list(people["coordinator"])
    entry = WatchlistEntry.objects.get(reference="W-1")
    client = signed_in(people["vetter"])
    assert client.get(reverse("screening:lists")).status_code == 200
    assert client.post(edit_url(entry), {**W1, "names": "Than Shwe"}).status_code == 403
    assert WatchlistEntry.objects.get(pk=entry.pk).names == ["Kyawe Htu", "ကျော်ထူး"]
    assert blind.candidates(["Kyaw Htoo"], [Kind.WATCHLIST]).get(Kind.WATCHLIST) == {entry.pk}


@override_settings(SCREENING_CANDIDATE_CAP=3)
def test_a_new_watchlist_entry_reaches_every_earlier_person_past_the_intake_cap(people, cells):
    cases = [
        make_case(people["coordinator"], cell=cells["south"], names=["Kyaw Htoo"]) for _ in range(5)
    ]
    client = signed_in(people["coordinator"])
    response = client.post(reverse("screening:record_new", args=[Kind.WATCHLIST]), W1)
    assert response.status_code == 302
    entry = WatchlistEntry.objects.get(reference="W-1")
    hit_cases = set(Hit.objects.filter(other_id=entry.pk).values_list("case_id", flat=True))
    assert hit_cases == {c.pk for c in cases}
