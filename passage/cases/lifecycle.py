"""The stages a case goes through, which moves are allowed, and which roles may make each."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from passage.accounts.roles import Role


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    VETTING = "vetting", _("Vetting")
    CLEARED = "cleared", _("Cleared")
    PLANNING = "planning", _("Planning")
    IN_TRANSIT = "in_transit", _("In transit")
    ARRIVED = "arrived", _("Arrived")
    AFTERCARE = "aftercare", _("After-care")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    REFERRED = "referred", _("Referred for accountability")
    LOST_CONTACT = "lost_contact", _("Lost contact")


S, R = Stage, Role
COORD = frozenset({R.COORDINATOR})

# (from, to) -> roles that may make the move. A coordinator may make any move; the others only
# on cases they are assigned to. Some moves need more than a role: see REQUIREMENTS.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.RECEIVED, S.VETTING): frozenset({R.COORDINATOR, R.INTAKE}),
    (S.RECEIVED, S.REJECTED): COORD,
    (S.VETTING, S.CLEARED): COORD,
    (S.VETTING, S.REJECTED): COORD,
    (S.VETTING, S.REFERRED): COORD,
    (S.CLEARED, S.PLANNING): frozenset({R.COORDINATOR, R.PLANNER}),
    (S.PLANNING, S.IN_TRANSIT): frozenset({R.COORDINATOR, R.PLANNER}),
    (S.IN_TRANSIT, S.ARRIVED): frozenset({R.COORDINATOR, R.PLANNER}),
    (S.ARRIVED, S.AFTERCARE): frozenset({R.COORDINATOR, R.CASEWORKER}),
    (S.AFTERCARE, S.CLOSED): frozenset({R.COORDINATOR, R.CASEWORKER}),
    (S.ARRIVED, S.CLOSED): frozenset({R.COORDINATOR, R.CASEWORKER}),
    (S.IN_TRANSIT, S.LOST_CONTACT): frozenset({R.COORDINATOR, R.PLANNER}),
    (S.LOST_CONTACT, S.IN_TRANSIT): frozenset({R.COORDINATOR, R.PLANNER}),
    (S.LOST_CONTACT, S.CLOSED): COORD,
    (S.SUSPENDED, S.VETTING): COORD,
    (S.SUSPENDED, S.CLOSED): COORD,
    (S.REJECTED, S.CLOSED): COORD,
    (S.REFERRED, S.CLOSED): COORD,
    **{(stage, S.SUSPENDED): COORD for stage in (S.RECEIVED, S.VETTING, S.CLEARED, S.PLANNING)},
}


class Needs(models.TextChoices):
    """What a move needs besides an allowed role; `move_case` checks it, nothing else does."""

    # A clearance recommended by one person and approved by a different coordinator who did
    # not do the vetting (passage/vetting/). Made only by that approval, never the plain form.
    APPROVED_CLEARANCE = "approved_clearance", _("a clearance approved by a second person")
    # A "go" recorded on the case's exit plan, and no "no-go" after it (passage/planning/).
    GO_DECISION = "go_decision", _("a “go” decision recorded on the exit plan")


REQUIREMENTS: dict[tuple[str, str], str] = {
    (S.VETTING, S.CLEARED): Needs.APPROVED_CLEARANCE,
    (S.PLANNING, S.IN_TRANSIT): Needs.GO_DECISION,
}
# Moves that only an approval makes: the plain "Move" form does not offer them.
APPROVAL_ONLY = frozenset(k for k, v in REQUIREMENTS.items() if v == Needs.APPROVED_CLEARANCE)

OPEN_STAGES = frozenset(
    {
        S.RECEIVED,
        S.VETTING,
        S.CLEARED,
        S.PLANNING,
        S.IN_TRANSIT,
        S.ARRIVED,
        S.AFTERCARE,
        S.SUSPENDED,
        S.LOST_CONTACT,
    }
)


def next_stages(stage: str) -> list[str]:
    """The stages the plain "Move" form offers from `stage` (not those only an approval makes)."""
    return [to for (frm, to) in TRANSITIONS if frm == stage and (frm, to) not in APPROVAL_ONLY]


def requirement(from_stage: str, to_stage: str) -> str | None:
    return REQUIREMENTS.get((from_stage, to_stage))


def roles_allowed(from_stage: str, to_stage: str) -> frozenset[str]:
    return TRANSITIONS.get((from_stage, to_stage), frozenset())
