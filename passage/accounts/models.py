from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.accounts.roles import Role


class User(AbstractUser):
    """A volunteer or staff member. Email is not collected: fewer identifying details held."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    # When the account was made or last given a higher role: the four-eyes rules count it as a
    # second person only once this is older than FOUR_EYES_MIN_ACCOUNT_DAYS (core/access.py).
    # Null only for the set-up coordinator and the demo accounts, made while the installation
    # was empty, so no admin can have made them (accounts/actions.py, cases/demo.py).
    role_since = models.DateTimeField(null=True, blank=True, default=timezone.now)

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


class EnrolmentCode(models.Model):
    """A one-time code that lets a person set their own password (new account, password reset)
    or enrol a new authenticator (second-factor reset). Only a hash of it is kept."""

    class Purpose(models.TextChoices):
        SET_PASSWORD = "set_password", _("set a password")
        ENROL_TOTP = "enrol_totp", _("set up an authenticator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} code for {self.user_id}"  # never the code


class AccountRequest(models.Model):
    """A change to someone's account that needs a second person: an admin asks, a coordinator
    who did not ask (and is not the account) approves; nothing happens before that."""

    class Kind(models.TextChoices):
        RESET_TOTP = "reset_totp", _("second factor reset")
        RESET_PASSWORD = "reset_password", _("password reset")
        ROLE = "role", _("role change")
        CELL = "cell", _("joining a cell")  # a member sees the cell's cases

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)  # for ROLE
    new_account = models.BooleanField(default=False)  # ROLE: the account waits for it, inactive
    cell = models.ForeignKey(Cell, null=True, blank=True, on_delete=models.CASCADE)  # for CELL
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # When the person was told at sign-in that their password or second factor was reset.
    told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.user_id} ({self.status})"
