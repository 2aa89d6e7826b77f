"""Clearance respects screening: no clearance over an open hit, the approver sees each hit's
review, and reviewing a hit is vetting work for the four-eyes rule (issue 10 §4)."""

import pytest
from django.urls import reverse

from passage.cases.lifecycle import Stage
from passage.screening import actions as screening
from passage.screening.models import Hit
from passage.vetting import actions
from passage.vetting.actions import VettingError
from tests.conftest import signed_in
from tests.screening.helpers import make_hit
from tests.vetting.helpers import pending_clearance, second_coordinator

# The tests match English messages; an earlier Burmese request may leave Burmese active.
pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def hit(people, cells):
    hit = make_hit(people["coordinator"], cells["north"])
    hit.case.stage = Stage.VETTING
    hit.case.save(update_fields=["stage"])
    return hit


def test_a_case_with_an_open_hit_cannot_be_cleared(people, cells, hit):
    decision = pending_clearance(people, hit.case)
    with pytest.raises(VettingError, match="screening match"):
        actions.approve(second_coordinator(cells), decision)
    hit.case.refresh_from_db()
    assert hit.case.stage == Stage.VETTING


def test_once_every_hit_is_reviewed_a_different_coordinator_clears_it(people, cells, hit):
    screening.review_hit(people["vetter"], hit, Hit.Status.FALSE_POSITIVE, "Checked by phone.")
    decision = pending_clearance(people, hit.case)
    actions.approve(second_coordinator(cells), decision)
    hit.case.refresh_from_db()
    assert hit.case.stage == Stage.CLEARED


def test_the_coordinator_who_reviewed_a_hit_cannot_approve_the_clearance(people, cells, hit):
    approver = second_coordinator(cells)
    screening.review_hit(approver, hit, Hit.Status.FALSE_POSITIVE, "Different father's name.")
    decision = pending_clearance(people, hit.case)
    with pytest.raises(VettingError, match="did part of the vetting"):
        actions.approve(approver, decision)
    hit.case.refresh_from_db()
    assert hit.case.stage == Stage.VETTING


def test_the_approver_who_is_not_assigned_sees_each_hit_status_and_reviewer(people, cells, hit):
    screening.review_hit(people["vetter"], hit, Hit.Status.FALSE_POSITIVE, "Checked by phone.")
    pending_clearance(people, hit.case)
    approver = people["outsider_coordinator"]  # a coordinator of another cell, not assigned
    body = signed_in(approver).get(reverse("vetting:case", args=[hit.case.pk])).content.decode()
    assert 'id="approval-screening"' in body
    assert "False positive" in body and people["vetter"].username in body
    assert "Checked by phone." not in body  # the note may name the person: not for outsiders
