"""The roles a Passage account can hold (DESIGN.md, "Who uses it")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    INTAKE = "intake", _("Intake officer")
    VETTER = "vetter", _("Vetter")
    PLANNER = "planner", _("Planner")
    CASEWORKER = "caseworker", _("Caseworker")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Admin")


# Roles that work on cases when assigned to them (directly or through their cell).
CASE_ROLES = {Role.COORDINATOR, Role.INTAKE, Role.VETTER, Role.PLANNER, Role.CASEWORKER}

# How much a role can do, to tell a raise (needs a coordinator's approval) from a lowering.
# Roles of the same rank are sideways moves, and sideways is treated as a raise: it gives access
# the account did not have (an admin sees no case, a case role manages no user).
RANK = {
    Role.ANALYST: 0,
    Role.INTAKE: 1,
    Role.VETTER: 1,
    Role.PLANNER: 1,
    Role.CASEWORKER: 1,
    Role.ADMIN: 1,
    Role.COORDINATOR: 2,
}
# New accounts of these roles wait for a coordinator's approval.
APPROVED_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})


def needs_approval(old_role: str | None, new_role: str) -> bool:
    """Whether giving `new_role` (to a new account when `old_role` is None) needs a coordinator:
    a new coordinator or admin, or any change that is not a lowering."""
    if old_role is None:
        return new_role in APPROVED_ROLES
    return new_role != old_role and RANK[Role(new_role)] >= RANK[Role(old_role)]
