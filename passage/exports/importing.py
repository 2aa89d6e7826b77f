"""Importing a spreadsheet of existing cases: map columns, check every row, commit all or none.

Each row becomes a request through passage.intake.actions.log_new_request, so it is sealed,
pseudonymised and audited exactly as if typed into the intake form; each row is checked by that
form, so the messages are the same too.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passage.cases.actions import assign_case
from passage.cases.vocab import Branch, Channel, Language, Rank, Region, Urgency
from passage.core import audit
from passage.core.access import Action, can
from passage.exports.models import ImportBatch
from passage.intake.actions import log_new_request
from passage.intake.forms import RequestForm
from passage.names.encoding import is_zawgyi

BATCH_HOURS = 24

# Target field -> (label, header words that suggest it).
TARGETS = {
    "names": (gettext_lazy("Names and aliases"), ["name", "names", "alias", "aliases", "အမည်"]),
    "received_at": (gettext_lazy("Received at"), ["date", "received", "ရက်စွဲ", "ရက်"]),
    "channel": (gettext_lazy("Channel"), ["channel", "source", "via"]),
    "language": (gettext_lazy("Language"), ["language", "ဘာသာ"]),
    "urgency": (gettext_lazy("Urgency"), ["urgency", "priority"]),
    "rank": (gettext_lazy("Rank"), ["rank", "ရာထူး", "အဆင့်"]),
    "branch": (gettext_lazy("Branch"), ["branch", "service", "force"]),
    "unit": (gettext_lazy("Unit"), ["unit", "battalion", "တပ်", "တပ်ရင်း"]),
    "region": (gettext_lazy("State or region of posting"), ["region", "state", "တိုင်း"]),
    "township": (gettext_lazy("Township"), ["township", "မြို့နယ်"]),
    "age": (gettext_lazy("Age"), ["age", "အသက်"]),
    "contact_handle": (gettext_lazy("Contact handle"), ["contact", "phone", "handle", "ဖုန်း"]),
    "family_at_risk": (gettext_lazy("Family at risk"), ["family", "မိသားစု"]),
    "notes": (gettext_lazy("Notes"), ["note", "notes", "remarks", "comment", "မှတ်ချက်"]),
}
TEXT_TARGETS = ("names", "unit", "township", "contact_handle", "notes")
YES = {"yes", "y", "true", "1", "x", "ဟုတ်", "ဟုတ်ကဲ့", "ရှိ"}
NO = {"", "no", "n", "false", "0", "မဟုတ်", "မရှိ"}


def get_batch_or_404(user, batch_id) -> ImportBatch:
    """Only the person who uploaded a batch sees it, and only while it is fresh."""
    if not can(user, Action.IMPORT_CASES):
        raise PermissionDenied
    fresh = timezone.now() - timedelta(hours=BATCH_HOURS)
    batch = ImportBatch.objects.filter(
        pk=batch_id, owner=user, committed_at__isnull=True, created_at__gte=fresh
    ).first()
    if batch is None:
        raise Http404
    return batch


def guess_mapping(header: list[str]) -> dict[str, str]:
    mapping = {}
    for target, (_label, words) in TARGETS.items():
        for index, title in enumerate(header):
            words_in_title = set(re.split(r"[\s_/()-]+", title.strip().lower()))
            if words_in_title & set(words) and str(index) not in mapping.values():
                mapping[target] = str(index)
                break
    return mapping


def start_import(user, header, rows, *, default_channel, cell=None, request=None) -> ImportBatch:
    if not can(user, Action.IMPORT_CASES):
        raise PermissionDenied
    # Batches left unfinished are not kept: their sealed rows go after a day.
    stale = timezone.now() - timedelta(hours=BATCH_HOURS)
    ImportBatch.objects.filter(created_at__lt=stale).delete()
    batch = ImportBatch(owner=user, default_channel=default_channel, cell=cell)
    batch.content = {"header": header, "rows": rows}
    batch.row_count = len(rows)
    batch.mapping = guess_mapping(header)
    batch.save()
    audit.record(user, "import.upload", batch, request=request, detail={"rows": len(rows)})
    return batch


def _choice(value: str, choices, default: str) -> str:
    """A vocabulary code from its code or its English or translated label, any case."""
    wanted = value.strip().lower()
    if not wanted:
        return default
    for code, label in choices:
        label = str(label).lower()
        short = label.removesuffix(" region").removesuffix(" state")
        if wanted in (str(code).lower(), label, short):
            return code
    return value  # left as typed, so the form says it is not one of the choices


def _date(value: str) -> str:
    value = value.strip()
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).strftime("%Y-%m-%d %H:%M")  # noqa: DTZ007
        except ValueError:
            continue
    return value


def _flag(value: str) -> str:
    lowered = value.strip().lower()
    if lowered in YES:
        return "on"
    if lowered in NO:
        return ""
    return "?"


@dataclass
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class Check:
    cleaned: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    zawgyi_cells: int = 0


def check_rows(batch: ImportBatch) -> Check:
    """Every row through the intake form; the problems by row and column, and the clean data."""
    header, rows, mapping = batch.content["header"], batch.content["rows"], batch.mapping
    result = Check()
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    for number, row in enumerate(rows, start=2):

        def cell(target, row=row):
            index = mapping.get(target)
            return row[int(index)] if index not in (None, "") else ""

        for target in TEXT_TARGETS:
            if cell(target) and is_zawgyi(cell(target)):
                result.zawgyi_cells += 1
        data = {
            "channel": _choice(cell("channel"), Channel.choices, batch.default_channel),
            "received_at": _date(cell("received_at")) or now,
            "language": _choice(cell("language"), Language.choices, Language.BURMESE),
            "urgency": _choice(cell("urgency"), Urgency.choices, Urgency.NORMAL),
            "names": "\n".join(n for n in re.split(r"[;|\n]", cell("names")) if n.strip()),
            "rank": _choice(cell("rank"), Rank.choices, Rank.UNKNOWN),
            "branch": _choice(cell("branch"), Branch.choices, Branch.UNKNOWN),
            "unit": cell("unit"),
            "region": _choice(cell("region"), Region.choices, Region.UNKNOWN),
            "township": cell("township"),
            "age": cell("age"),
            "contact_handle": cell("contact_handle"),
            "family_at_risk": _flag(cell("family_at_risk")),
            "notes": cell("notes"),
        }
        problems = []
        if data["family_at_risk"] == "?":
            problems.append(("family_at_risk", _("Write yes or no.")))
            data["family_at_risk"] = ""
        form = RequestForm(data)
        if form.is_valid():
            result.cleaned.append(form.cleaned_data)
        for target, errors in form.errors.items():
            problems.extend((target, str(message)) for message in errors)
        for target, message in problems:
            index = mapping.get(target)
            if index not in (None, ""):
                column = header[int(index)]
            else:
                column = str(TARGETS[target][0]) if target in TARGETS else _("Row")
            result.problems.append(Problem(number, column, message))
    return result


class ImportRefused(Exception):
    """Some rows have problems; nothing was imported."""


def commit_import(user, batch: ImportBatch, *, request=None) -> int:
    """All rows or none: one transaction; each row logged as a new request through intake."""
    if not can(user, Action.IMPORT_CASES):
        raise PermissionDenied
    check = check_rows(batch)
    if check.problems or not check.cleaned:
        raise ImportRefused
    with transaction.atomic():
        for data in check.cleaned:
            # A batch, not a person at the form: the importer is not assigned to every row.
            case = log_new_request(user, data, request=request, assign_logger=False)
            if batch.cell is not None:
                assign_case(user, case, cell=batch.cell, users=[], request=request)
        batch.content = {}
        batch.committed_at = timezone.now()
        batch.save(update_fields=["content", "committed_at"])
        audit.record(
            user,
            "import.commit",
            batch,
            request=request,
            detail={"rows": len(check.cleaned), "cell": batch.cell_id},
        )
    return len(check.cleaned)
