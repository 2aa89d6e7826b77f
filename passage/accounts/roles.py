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
