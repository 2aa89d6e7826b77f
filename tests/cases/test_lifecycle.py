import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from passage.accounts.roles import Role
from passage.cases.actions import CaseActionError, move_case
from passage.cases.lifecycle import (
    APPROVAL_ONLY,
    OPEN_STAGES,
    REQUIREMENTS,
    TRANSITIONS,
    Stage,
    next_stages,
)
from passage.cases.models import Case, TimelineEntry
from passage.core import audit
from passage.core.models import AuditRecord
from tests.conftest import make_case, make_user

ALL_PAIRS = [(a, b) for a in Stage.values for b in Stage.values if a != b]
ALLOWED = [pair for pair in ALL_PAIRS if pair in TRANSITIONS]
# Moves that need more than a role (a four-eyes clearance, a recorded "go"): tested below and in
# tests/vetting and tests/planning; every other allowed move needs only the role.
PLAIN = [pair for pair in ALLOWED if pair not in REQUIREMENTS]
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]


@pytest.fixture
def team(people, cells):
    return people


@pytest.mark.parametrize(("from_stage", "to_stage"), PLAIN)
def test_every_allowed_move_is_made_by_an_allowed_role(team, cells, from_stage, to_stage):
    role = sorted(TRANSITIONS[(from_stage, to_stage)])[-1]
    actor = team["coordinator"] if role == Role.COORDINATOR else team[role]
    case = make_case(team["coordinator"], cell=cells["north"], stage=from_stage)
    records_before = AuditRecord.objects.count()

    move_case(actor, case, to_stage, note="checked")

    case.refresh_from_db()
    assert case.stage == to_stage
    assert case.is_open == (to_stage in OPEN_STAGES)
    entry = case.timeline.filter(kind=TimelineEntry.Kind.STAGE).get()
    assert (entry.from_stage, entry.to_stage, entry.note) == (from_stage, to_stage, "checked")
    last = AuditRecord.objects.order_by("seq").last()
    assert AuditRecord.objects.count() == records_before + 1
    assert last.action == "case.move" and last.detail == {"from": from_stage, "to": to_stage}
    assert audit.verify().ok


@pytest.mark.parametrize(("from_stage", "to_stage"), FORBIDDEN)
def test_every_forbidden_move_is_refused_and_changes_nothing(team, cells, from_stage, to_stage):
    case = make_case(team["coordinator"], cell=cells["north"], stage=from_stage)
    records_before = AuditRecord.objects.count()
    with pytest.raises(CaseActionError, match="cannot move"):
        move_case(team["coordinator"], case, to_stage)
    case.refresh_from_db()
    assert case.stage == from_stage
    assert not case.timeline.filter(kind=TimelineEntry.Kind.STAGE).exists()
    assert AuditRecord.objects.count() == records_before


@pytest.mark.parametrize(("from_stage", "to_stage"), PLAIN)
def test_roles_outside_the_move_are_refused(team, cells, from_stage, to_stage):
    allowed = TRANSITIONS[(from_stage, to_stage)]
    case = make_case(team["coordinator"], cell=cells["north"], stage=from_stage)
    for role in ("intake", "vetter", "planner", "caseworker"):
        if role in allowed:
            continue
        with pytest.raises(CaseActionError, match="Your role cannot"):
            move_case(team[role], case, to_stage)
    case.refresh_from_db()
    assert case.stage == from_stage


@pytest.mark.parametrize(("from_stage", "to_stage"), sorted(REQUIREMENTS))
def test_a_move_that_needs_more_than_a_role_is_refused_without_it(
    team, cells, from_stage, to_stage
):
    case = make_case(team["coordinator"], cell=cells["north"], stage=from_stage)
    records_before = AuditRecord.objects.count()
    with pytest.raises(CaseActionError, match="needs"):
        move_case(team["coordinator"], case, to_stage)
    case.refresh_from_db()
    assert case.stage == from_stage
    assert AuditRecord.objects.count() == records_before


def test_the_plain_move_form_never_offers_a_move_only_an_approval_makes():
    assert (Stage.VETTING, Stage.CLEARED) in APPROVAL_ONLY
    assert Stage.CLEARED not in next_stages(Stage.VETTING)
    assert Stage.IN_TRANSIT in next_stages(Stage.PLANNING)  # offered; refused until a "go"


def test_analysts_and_admins_cannot_move_cases(team, north_case):
    for role in ("analyst", "admin"):
        with pytest.raises(PermissionDenied):
            move_case(team[role], north_case, Stage.VETTING)


def test_a_member_of_another_cell_cannot_move_the_case(team, north_case):
    with pytest.raises(PermissionDenied):
        move_case(team["outsider_vetter"], north_case, Stage.VETTING)


def test_an_unknown_stage_is_refused(team, north_case):
    with pytest.raises(CaseActionError, match="not a stage"):
        move_case(team["coordinator"], north_case, "teleported")


def test_a_stale_copy_cannot_move_a_case_someone_else_just_moved(team, north_case):
    stale = Case.objects.get(pk=north_case.pk)
    move_case(team["coordinator"], north_case, Stage.VETTING)
    with pytest.raises(CaseActionError, match="Someone else changed"):
        move_case(team["coordinator"], stale, Stage.REJECTED)
    north_case.refresh_from_db()
    assert north_case.stage == Stage.VETTING
    assert north_case.timeline.filter(kind=TimelineEntry.Kind.STAGE).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent writers need PG")
def test_concurrent_moves_on_one_case_do_not_both_win(cells):
    coordinator = make_user("coord-race", Role.COORDINATOR)
    case = make_case(coordinator, cell=cells["north"], stage=Stage.VETTING)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(to_stage):
        copy = Case.objects.get(pk=case.pk)
        barrier.wait()
        try:
            move_case(coordinator, copy, to_stage)
            outcomes.append(("won", to_stage))
        except CaseActionError:
            outcomes.append(("lost", to_stage))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(s,)) for s in (Stage.REFERRED, Stage.REJECTED)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    winners = [stage for result, stage in outcomes if result == "won"]
    assert len(winners) == 1, outcomes
    case.refresh_from_db()
    assert case.stage == winners[0]
    assert case.timeline.filter(kind=TimelineEntry.Kind.STAGE).count() == 1
    assert audit.verify().ok
