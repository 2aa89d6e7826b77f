"""A purge's second coordinator is a person of some standing, not an account just made or just
promoted (PASSAGE_FOUR_EYES_MIN_ACCOUNT_DAYS; the rule is core/access.py's)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from passage.accounts.models import User
from passage.core.sealing import actions
from tests.conftest import make_case

# Messages are matched in English, whatever an earlier test's request left active.
pytestmark = pytest.mark.usefixtures("in_english")


def test_a_coordinator_promoted_within_the_period_cannot_approve_a_purge(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    purge = actions.request_purge(people["coordinator"], case, reason="he asked us to")
    second = people["outsider_coordinator"]
    User.objects.filter(pk=second.pk).update(role_since=timezone.now() - timedelta(days=2))
    second.refresh_from_db()
    with pytest.raises(actions.PurgeError, match="too new"):
        actions.approve_purge(second, purge)
    purge.refresh_from_db()
    assert purge.done_at is None
