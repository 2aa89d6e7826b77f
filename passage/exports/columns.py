"""The columns a list export can have. Identity columns are opened only through read_identity."""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.cases.vocab import RANK_GROUP


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    identity: bool
    get: Any  # (case, identity or None) -> value


SUMMARY = [
    Column("pseudonym", _("Pseudonym"), False, lambda c, i: c.person.pseudonym),
    Column("stage", _("Stage"), False, lambda c, i: c.get_stage_display()),
    Column("urgency", _("Urgency"), False, lambda c, i: c.urgency),
    Column("opened_at", _("Opened"), False, lambda c, i: _when(c.opened_at)),
    Column("stage_changed_at", _("In stage since"), False, lambda c, i: _when(c.stage_changed_at)),
    Column("latest_channel", _("Channel"), False, lambda c, i: c.get_latest_channel_display()),
    Column("cell", _("Cell"), False, lambda c, i: c.cell.name if c.cell_id else ""),
    Column("branch", _("Branch"), False, lambda c, i: c.person.get_branch_display()),
    Column("region", _("Region"), False, lambda c, i: c.person.get_region_display()),
    Column(
        "family_at_risk", _("Family at risk"), False, lambda c, i: bool(c.person.family_at_risk)
    ),
]
IDENTITY = [
    Column("names", _("Names and aliases"), True, lambda c, i: "; ".join(i.names) if i else ""),
    Column("rank", _("Rank"), True, lambda c, i: c.person.get_rank_display() if i else ""),
    Column(
        "rank_group",
        _("Rank group"),
        True,
        lambda c, i: RANK_GROUP.get(c.person.rank, "") if i else "",
    ),
    Column("unit", _("Unit"), True, lambda c, i: i.unit if i else ""),
    Column("township", _("Township"), True, lambda c, i: i.township if i else ""),
    Column("age", _("Age"), True, lambda c, i: i.age if i and i.age is not None else ""),
    Column("contact_handle", _("Contact handle"), True, lambda c, i: i.contact_handle if i else ""),
]
COLUMNS = {c.key: c for c in SUMMARY + IDENTITY}
DEFAULT_COLUMNS = [c.key for c in SUMMARY]
