"""Reviewing a hit: an assigned vetter or coordinator, with a note, audited."""

from django.urls import reverse

from passage.core.models import AuditRecord
from passage.screening.models import Hit
from tests.conftest import signed_in
from tests.screening.helpers import make_hit


def review(user, hit, status="false_positive", note="Different father's name; checked by phone."):
    return signed_in(user).post(
        reverse("screening:review", args=[hit.pk]), {"status": status, "note": note}
    )


def test_an_assigned_vetter_marks_a_hit_and_it_is_audited(people, cells):
    hit = make_hit(people["coordinator"], cells["north"])
    response = review(people["vetter"], hit)
    assert response.status_code == 302
    hit.refresh_from_db()
    assert hit.status == Hit.Status.FALSE_POSITIVE and hit.reviewed_by == people["vetter"]
    assert hit.review_note.startswith("Different father")
    entry = AuditRecord.objects.filter(action="screening.review_hit").get()
    assert entry.actor == people["vetter"] and entry.object_id == str(hit.pk)
    assert entry.detail == {"case": str(hit.case_id), "from": "open", "to": "false_positive"}
    assert "Different father" not in str(entry.detail)  # the note stays sealed, out of the log


def test_a_review_survives_screening_again(people, cells):
    hit = make_hit(people["coordinator"], cells["north"])
    review(people["coordinator"], hit, status="confirmed")
    signed_in(people["vetter"]).post(reverse("screening:run", args=[hit.case_id]))
    hit.refresh_from_db()
    assert hit.status == Hit.Status.CONFIRMED


def test_only_assigned_vetters_and_coordinators_may_review(people, cells):
    hit = make_hit(people["coordinator"], cells["north"])
    assert review(people["outsider_vetter"], hit).status_code == 404  # not even a hint
    for role in ("intake", "planner", "caseworker"):
        assert review(people[role], hit).status_code == 403
    assert review(people["analyst"], hit).status_code == 404
    hit.refresh_from_db()
    assert hit.status == Hit.Status.OPEN
    assert not AuditRecord.objects.filter(action="screening.review_hit").exists()


def test_a_coordinator_not_assigned_to_the_case_may_not_review(people, cells):
    hit = make_hit(people["coordinator"], cells["south"])
    assert review(people["coordinator"], hit).status_code == 403
    assert review(people["outsider_coordinator"], hit).status_code == 302


def test_a_review_needs_a_decision_and_a_note(people, cells):
    hit = make_hit(people["coordinator"], cells["north"])
    review(people["vetter"], hit, note="")
    review(people["vetter"], hit, status="open")
    hit.refresh_from_db()
    assert hit.status == Hit.Status.OPEN


def test_a_restricted_duplicate_cannot_be_reviewed_from_the_other_side(people, cells):
    from passage.screening.models import Kind
    from tests.conftest import make_case

    make_case(people["coordinator"], cell=cells["south"], names=["Kyaw Htoo"])
    mine = make_case(people["coordinator"], cell=cells["north"], names=["Kyawe Htu"])
    hit = Hit.objects.get(case=mine, other_kind=Kind.PERSON)
    review(people["vetter"], hit)
    hit.refresh_from_db()
    assert hit.status == Hit.Status.OPEN
