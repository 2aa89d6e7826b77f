from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from passage.accounts.roles import Role


class User(AbstractUser):
    """A volunteer or staff member. Email is not collected: fewer identifying details held."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)

    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.display_name or self.username


class Cell(models.Model):
    """A named group of users that cases can be assigned to."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    members = models.ManyToManyField(User, related_name="cells", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
