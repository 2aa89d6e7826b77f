"""Screening at intake: earlier requests, the watchlist and documented abuses, with reasons."""

from django.urls import reverse

from passage.core.models import AuditRecord
from passage.screening.models import Hit, Kind
from tests.conftest import make_case, signed_in
from tests.screening.helpers import ABUSE_CSV, import_list

ZAWGYI_KYAW_HTOO = "ေက်ာ္ထူး"


def test_a_zawgyi_alias_of_an_earlier_person_is_found(people, cells):
    earlier = make_case(people["coordinator"], cell=cells["north"], names=["Kyaw Htoo"])
    later = make_case(
        people["coordinator"], cell=cells["north"], names=["Ko Aung", ZAWGYI_KYAW_HTOO]
    )
    hit = Hit.objects.get(case=later)
    assert hit.other_kind == Kind.PERSON and hit.other_case == earlier
    assert hit.name_score == 1.0
    assert any("ကျော်" in r["text"] for r in hit.reasons)
    assert not Hit.objects.filter(case=earlier).exists()  # found once, shown on both cases
    body = signed_in(people["vetter"]).get(reverse("cases:detail", args=[earlier.pk]))
    assert later.person.pseudonym in body.content.decode()


def test_different_people_are_not_matched(people, cells):
    make_case(people["coordinator"], cell=cells["north"], names=["Soe Win"])
    later = make_case(people["coordinator"], cell=cells["north"], names=["Win Soe"])
    assert not Hit.objects.filter(case=later).exists()


def test_a_watchlist_alias_is_found_with_reasons_and_evidence(people, cells):
    import_list(people["coordinator"])
    case = make_case(people["intake"], cell=cells["north"])  # Kyaw Htoo, LIB 999, Monywa, 27
    hit = Hit.objects.get(case=case, other_kind=Kind.WATCHLIST)
    assert hit.name_score == 1.0
    assert hit.reasons[0]["code"] == "names_compared"  # which of his names met which alias
    assert any("ထူး" in r["text"] or "Htu" in r["text"] for r in hit.reasons[1:])
    codes = {line["code"] for line in hit.evidence}
    assert {"same_unit", "same_township", "same_rank", "close_age"} <= codes
    page = signed_in(people["vetter"]).get(reverse("cases:detail", args=[case.pk])).content
    text = page.decode()
    assert "W-1" in text and "same unit (LIB 999)" in text and "suspected infiltrators" in text


def test_a_clerk_sharing_name_unit_and_township_with_a_named_lieutenant_is_raised(people, cells):
    import_list(people["coordinator"], Kind.ABUSE, ABUSE_CSV)
    case = make_case(people["intake"], cell=cells["north"], rank="private", age=None)
    hit = Hit.objects.get(case=case, other_kind=Kind.ABUSE)
    by_code = {line["code"]: line["change"] for line in hit.evidence}
    assert by_code["same_unit"] > 0 and by_code["same_township"] > 0
    assert by_code["claimed_rank"] == 0  # a claimed lower rank does not clear anyone
    assert hit.score > hit.name_score or hit.score == 1.0


def test_evidence_lowers_a_hit_when_township_and_age_disagree(people, cells):
    import_list(people["coordinator"])
    case = make_case(people["intake"], cell=cells["north"], township="Mawlamyine", age=55, unit="")
    hit = Hit.objects.get(case=case, other_kind=Kind.WATCHLIST)
    assert hit.score < hit.name_score
    assert {"other_township", "far_age"} <= {line["code"] for line in hit.evidence}


def test_a_hit_on_a_case_the_user_cannot_see_is_restricted(people, cells):
    hidden = make_case(people["coordinator"], cell=cells["south"], names=["Kyaw Htoo"])
    mine = make_case(people["coordinator"], cell=cells["north"], names=["Kyawe Htu"])
    body = signed_in(people["vetter"]).get(reverse("cases:detail", args=[mine.pk]))
    text = body.content.decode()
    assert "Restricted match" in text and "Ask a coordinator (coordinator, coordinator2)" in text
    assert hidden.person.pseudonym not in text
    assert str(hidden.pk) not in text
    assert "Kyaw ≈" not in text and "Htoo ≈" not in text  # no reasons, which quote the name


def test_users_not_assigned_see_no_screening_results(people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    case = make_case(people["coordinator"], cell=cells["south"])
    text = signed_in(people["coordinator"]).get(reverse("cases:detail", args=[case.pk]))
    assert "shown only to people assigned" in text.content.decode()


def test_screening_is_audited_at_intake_and_on_demand(people, cells):
    case = make_case(people["intake"], cell=cells["north"])
    assert AuditRecord.objects.filter(action="screening.run", object_id=str(case.pk)).count() == 1
    response = signed_in(people["vetter"]).post(reverse("screening:run", args=[case.pk]))
    assert response.status_code == 302
    runs = AuditRecord.objects.filter(action="screening.run", object_id=str(case.pk))
    assert runs.count() == 2 and runs.first().detail["trigger"] == "on_demand"


def test_a_follow_up_with_a_new_alias_is_screened_again(people, cells):
    from passage.intake.actions import log_follow_up_request
    from tests.conftest import request_data

    import_list(people["coordinator"])
    case = make_case(people["coordinator"], cell=cells["north"], names=["Aung Aung"])
    assert not Hit.objects.filter(case=case, other_kind=Kind.WATCHLIST).exists()
    log_follow_up_request(people["coordinator"], case, request_data(names=["Soe Win"]))
    assert Hit.objects.filter(case=case, other_kind=Kind.WATCHLIST).count() == 1


def test_importing_a_list_screens_earlier_people(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    assert not Hit.objects.filter(case=case, other_kind=Kind.WATCHLIST).exists()
    import_list(people["coordinator"])
    hit = Hit.objects.get(case=case, other_kind=Kind.WATCHLIST)
    assert hit.score >= hit.name_score
