"""Importing a spreadsheet of existing cases: map columns, check every row, commit all or none.

Each row becomes a request through passage.intake.actions.log_new_request, so it is sealed,
pseudonymised and audited exactly as if typed into the intake form; each row is checked by that
form, so the messages are the same too.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

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
from passage.core.crypto import keyed_hash
from passage.exports.models import ImportBatch, ImportedSubmission
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
    # Not a field of the request: the survey's own id of the row, so a re-import skips it.
    "submission_id": (
        gettext_lazy("Survey submission id (skips rows imported before)"),
        ["_uuid", "instanceid", "uuid"],
    ),
}
FORM_TARGETS = [t for t in TARGETS if t != "submission_id"]
# Targets that may take several columns, joined (a Burmese and a Latin names column).
MULTI_TARGETS = ("names",)
# KoboToolbox / ODK columns that describe the submission, not the person; never guessed as data.
SURVEY_META = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
    "audit", "_id", "_index", "_status", "_submitted_by", "_validation_status", "_notes", "_tags",
    "__version__", "_version_", "_xform_id_string", "_parent_index", "_parent_table_name",
    "_submission__id", "_submission__uuid", "instancename", "_submission_time",
}  # fmt: skip
# Written in UTC without an offset by KoboToolbox.
UTC_COLUMNS = {"_submission_time"}
DATE_FALLBACK = "_submission_time"
TEXT_TARGETS = ("names", "unit", "township", "contact_handle", "notes")
# Targets whose cells must be one of Passage's codes: a sheet's own words for them are mapped
# once per distinct value on the review page (e.g. "Sgt." → Sergeant).
CHOICE_TARGETS = {
    "channel": Channel.choices,
    "language": Language.choices,
    "urgency": Urgency.choices,
    "rank": Rank.choices,
    "branch": Branch.choices,
    "region": Region.choices,
}
MAX_VALUES_MAPPED = 50  # distinct unknown values offered per column
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


def field_name(title: str) -> str:
    """A survey column's own name without its groups: "respondent/name_my" and
    "respondent.name_my" (Kobo's two group separators) are both "name_my"."""
    name = title.strip().lower()
    if name.startswith("_"):  # Kobo's own columns, whole: "_uuid", "_submission_time"
        return name
    return re.split(r"[/.]", name)[-1]


def columns_of(mapping: dict, target: str) -> list[int]:
    return [int(i) for i in str(mapping.get(target) or "").split(",") if i.strip().isdigit()]


def guess_mapping(header: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    taken: set[int] = set()
    names = [field_name(title) for title in header]
    for target, (_label, words) in TARGETS.items():
        found = []
        for index, name in enumerate(names):
            if index in taken or (name in SURVEY_META and name not in words):
                continue
            words_in_title = set(re.split(r"[\s_/()-]+", name)) | {name}
            if words_in_title & set(words):
                found.append(index)
                if target not in MULTI_TARGETS:
                    break
        if found:
            taken.update(found)
            mapping[target] = ",".join(str(i) for i in found)
    if "received_at" not in mapping and DATE_FALLBACK in names:
        mapping["received_at"] = str(names.index(DATE_FALLBACK))
    return mapping


def set_value_map(batch: ImportBatch, values: dict[str, dict[str, str]]) -> None:
    """Keep what each of the sheet's own words means; sealed with the rows (they are cells)."""
    content = dict(batch.content)
    content["values"] = {
        target: {raw: code for raw, code in chosen.items() if code}
        for target, chosen in values.items()
        if target in CHOICE_TARGETS
    }
    batch.content = content
    batch.save(update_fields=["content"])


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


def _resolves(value: str, choices) -> bool:
    return _choice(value, choices, "") in {str(code) for code, _label in choices}


def unknown_values(batch: ImportBatch) -> dict[str, list[str]]:
    """For each mapped choice column, the distinct values that are not one of Passage's codes
    or labels, in the order they first appear: what the value-mapping step asks about."""
    rows, mapping = batch.content["rows"], batch.mapping
    unknown: dict[str, list[str]] = {}
    for target, choices in CHOICE_TARGETS.items():
        indexes = columns_of(mapping, target)
        if not indexes:
            continue
        found: dict[str, None] = {}
        for row in rows:
            value = row[indexes[0]].strip()
            if value and value not in found and not _resolves(value, choices):
                found[value] = None
                if len(found) >= MAX_VALUES_MAPPED:
                    break
        if found:
            unknown[target] = list(found)
    return unknown


def _date(value: str, *, utc: bool = False) -> str:
    """The form's "YYYY-MM-DD HH:MM" in local time; an ISO time keeps the zone it was written
    in (Kobo's "start" has its offset), and a column known to be UTC is read as UTC."""
    value = value.strip()
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        when = None
    if when is not None and "T" in value:
        if when.tzinfo is None and utc:
            when = when.replace(tzinfo=UTC)
        if when.tzinfo is not None:
            return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
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
    # Rows whose survey submission id was imported before: left out, not a problem.
    already_imported: int = 0
    # The keyed hash of each cleaned row's submission id ("" when the sheet has none).
    submission_keys: list[str] = field(default_factory=list)


def submission_key(value: str) -> str:
    return (
        keyed_hash("import-submission-id", value.strip().encode("utf-8")) if value.strip() else ""
    )


def check_rows(batch: ImportBatch) -> Check:
    """Every row through the intake form; the problems by row and column, and the clean data."""
    header, rows, mapping = batch.content["header"], batch.content["rows"], batch.mapping
    result = Check()
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    date_columns = columns_of(mapping, "received_at")
    date_is_utc = bool(date_columns) and field_name(header[date_columns[0]]) in UTC_COLUMNS
    keys = [submission_key(row[i]) for row in rows for i in columns_of(mapping, "submission_id")]
    seen_before = set(
        ImportedSubmission.objects.filter(key_hash__in=[k for k in keys if k]).values_list(
            "key_hash", flat=True
        )
    )
    values = batch.content.get("values") or {}

    def choice(target, value, default):
        mapped = (values.get(target) or {}).get(value.strip())
        return mapped or _choice(value, CHOICE_TARGETS[target], default)

    for number, row in enumerate(rows, start=2):

        def cell(target, row=row):
            return "\n".join(row[i] for i in columns_of(mapping, target) if row[i])

        key = submission_key(cell("submission_id"))
        if key and key in seen_before:
            result.already_imported += 1
            continue
        if key:
            seen_before.add(key)  # the same submission twice in one sheet is imported once

        for target in TEXT_TARGETS:
            if cell(target) and is_zawgyi(cell(target)):
                result.zawgyi_cells += 1
        data = {
            "channel": choice("channel", cell("channel"), batch.default_channel),
            "received_at": _date(cell("received_at"), utc=date_is_utc) or now,
            "language": choice("language", cell("language"), Language.BURMESE),
            "urgency": choice("urgency", cell("urgency"), Urgency.NORMAL),
            "names": "\n".join(n for n in re.split(r"[;|\n]", cell("names")) if n.strip()),
            "rank": choice("rank", cell("rank"), Rank.UNKNOWN),
            "branch": choice("branch", cell("branch"), Branch.UNKNOWN),
            "unit": cell("unit"),
            "region": choice("region", cell("region"), Region.UNKNOWN),
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
            result.submission_keys.append(key)
        for target, errors in form.errors.items():
            problems.extend((target, str(message)) for message in errors)
        for target, message in problems:
            indexes = columns_of(mapping, target)
            if indexes:
                column = ", ".join(header[i] for i in indexes)
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
        for data, key in zip(check.cleaned, check.submission_keys, strict=True):
            # A batch, not a person at the form: the importer is not assigned to every row.
            case = log_new_request(user, data, request=request, assign_logger=False)
            if key:
                ImportedSubmission.objects.create(key_hash=key, case=case)
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
            detail={
                "rows": len(check.cleaned),
                "cell": batch.cell_id,
                "already_imported": check.already_imported,
            },
        )
    return len(check.cleaned)
