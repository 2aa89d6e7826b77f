"""What an API token may be used for. A token acts as its owner, limited further by these."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    REQUESTS_CREATE = "requests:create", _("Log new requests and read their status")
    CASES_READ = "cases:read", _("List and read case summaries")
    CASES_IDENTITY = "cases:identity", _("Read identity details (audited; owner must be assigned)")
    CASES_MOVE = "cases:move", _("Move cases between stages")
    SCREENING_READ = "screening:read", _("Read screening hits")
    FIGURES_READ = "figures:read", _("Read aggregate figures")


# An admin sees no case content, so a token an admin makes on the web page may not either:
# scopes that read or move cases are given only from the shell (`passage api-token create`),
# by an operator who already holds the server.
ADMIN_GRANTABLE = frozenset({Scope.REQUESTS_CREATE, Scope.FIGURES_READ})
