"""A clearance's second pair of eyes is a person of some standing, not an account just made or
just promoted (PASSAGE_FOUR_EYES_MIN_ACCOUNT_DAYS; the rule is core/access.py's)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from passage.accounts.models import User
from passage.cases.lifecycle import Stage
from passage.vetting import actions
from passage.vetting.actions import VettingError
from tests.vetting.helpers import pending_clearance, second_coordinator, vetting_case

# Messages are matched in English, whatever an earlier test's request left active.
pytestmark = pytest.mark.usefixtures("in_english")


def test_a_coordinator_account_made_within_the_period_cannot_approve_a_clearance(people, cells):
    case = vetting_case(people, cells["north"])
    fresh = second_coordinator(cells)
    User.objects.filter(pk=fresh.pk).update(role_since=timezone.now() - timedelta(days=13))
    fresh.refresh_from_db()
    decision = pending_clearance(people, case)
    with pytest.raises(VettingError, match="too new"):
        actions.approve(fresh, decision)
    case.refresh_from_db()
    assert case.stage == Stage.VETTING

    User.objects.filter(pk=fresh.pk).update(role_since=timezone.now() - timedelta(days=15))
    fresh.refresh_from_db()
    actions.approve(fresh, decision)
    case.refresh_from_db()
    assert case.stage == Stage.CLEARED


def test_the_period_is_a_setting(people, cells, settings):
    # The fixture people were made 30 days ago: a 31-day period makes them too new.
    settings.FOUR_EYES_MIN_ACCOUNT_DAYS = 31
    decision = pending_clearance(people, vetting_case(people, cells["north"]))
    with pytest.raises(VettingError, match="too new"):
        actions.approve(second_coordinator(cells), decision)
