"""Read a watchlist or abuse-record file (CSV or XLSX) into checked rows and row-level errors.

Nothing is written here: the upload becomes a sealed ImportBatch for the preview, and
actions.commit_import adds all of its rows or none. Burmese in Zawgyi is converted to Unicode.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from passage.cases.vocab import Rank
from passage.core import workbook
from passage.core.validation import clean_name, clean_text
from passage.names import titles
from passage.names.latin import fold

from .evidence import rank_code
from .models import AbuseRecord, Confidence, Kind, WatchlistEntry
from .screen import perpetrator_rank

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60  # more than COLUMNS names; past it a row is cut, not read further
MAX_NAMES = 20
MAX_NAME_LENGTH = 100
MAX_SHORT = 200
MAX_LONG = 5000
LIST_SEPARATORS = (";", "\n", "|")

COLUMNS = {
    Kind.WATCHLIST: {
        "reference": False,
        "names": True,
        "unit": False,
        "township": False,
        "rank": False,
        "age": False,
        "source": False,
        "confidence": False,
        "notes": False,
    },
    Kind.ABUSE: {
        "reference": False,
        "date": False,
        "place": False,
        "units": False,
        "perpetrators": True,
        "description": False,
        "sources": False,
    },
}


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class Parsed:
    rows: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The file's cells as text, header first; CSV (UTF-8, comma, semicolon or tab) or XLSX."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(_("The file is larger than 5 MB; split it into smaller files."))
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    if not filename.lower().endswith((".csv", ".tsv", ".txt")):
        raise UnreadableFile(_("Upload a .csv or .xlsx file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        return [
            [_cell_text(v) for v in values]
            for values in workbook.first_sheet_rows(
                data, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS
            )
        ]
    except workbook.WorkbookRefused as exc:
        raise UnreadableFile(str(exc)) from None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_file(kind: str, filename: str, data: bytes) -> Parsed:
    """Check every row; collect each problem as {"row", "column", "message"}."""
    table = read_table(filename, data)
    out = Parsed()
    if not table or not any(c.strip() for c in table[0]):
        out.errors.append(
            _error(1, "", _("The file is empty: the first row must name the columns."))
        )
        return out
    header = [c.strip().lower().replace(" ", "_") for c in table[0]]
    known = COLUMNS[kind]
    for col in header:
        if col and col not in known:
            out.errors.append(
                _error(
                    1,
                    col,
                    _("Unknown column. The columns are: %(cols)s.") % {"cols": ", ".join(known)},
                )
            )
    for col, required in known.items():
        if required and col not in header:
            out.errors.append(_error(1, col, _("This column is required.")))
    if out.errors:
        return out
    body = table[1:]
    if len(body) > MAX_ROWS:
        out.errors.append(
            _error(MAX_ROWS + 2, "", _("At most %(n)d rows in one file.") % {"n": MAX_ROWS})
        )
        return out
    references = _existing_references(kind)
    check = _watchlist_row if kind == Kind.WATCHLIST else _abuse_row
    for number, cells in enumerate(body, start=2):
        if not any(c.strip() for c in cells):
            continue
        raw = {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(header) if col}
        errors: list[dict] = []
        row = check(number, raw, errors)
        ref = row.get("reference", "")
        if ref:
            if ref in references:
                errors.append(_error(number, "reference", _("This reference is already in use.")))
            references.add(ref)
        out.errors += errors
        if not errors:
            out.rows.append(row)
    if not out.rows and not out.errors:
        out.errors.append(_error(2, "", _("The file has no rows under its header.")))
    return out


def check_record(kind: str, raw: dict, record=None) -> tuple[dict, dict[str, list[str]]]:
    """Check one record typed into the add/edit form by the same rules as an imported row.

    Returns the row and its problems by column; `record` is the one being changed, whose own
    reference is of course not taken.
    """
    errors: list[dict] = []
    row = (_watchlist_row if kind == Kind.WATCHLIST else _abuse_row)(0, raw, errors)
    ref = row.get("reference", "")
    model = WatchlistEntry if kind == Kind.WATCHLIST else AbuseRecord
    others = model.objects.exclude(pk=record.pk) if record is not None else model.objects
    if ref and others.filter(reference=ref).exists():
        errors.append(_error(0, "reference", _("This reference is already in use.")))
    by_column: dict[str, list[str]] = {}
    for e in errors:
        by_column.setdefault(e["column"], []).append(e["message"])
    return row, by_column


def _existing_references(kind: str) -> set[str]:
    model = WatchlistEntry if kind == Kind.WATCHLIST else AbuseRecord
    return set(model.objects.values_list("reference", flat=True))


def next_reference(model) -> str:
    prefix = "W" if model is WatchlistEntry else "A"
    n = model.objects.count() + 1
    while model.objects.filter(reference=f"{prefix}-{n:05d}").exists():
        n += 1
    return f"{prefix}-{n:05d}"


def _error(row: int, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": str(message)}


def _text(number, raw, col, errors, limit=MAX_SHORT, multiline=False) -> str:
    value = raw.get(col, "")
    if len(value) > limit:
        errors.append(_error(number, col, _("At most %(n)d characters.") % {"n": limit}))
        return ""
    try:
        return clean_text(value, multiline=multiline)
    except ValidationError as e:
        errors.append(_error(number, col, " ".join(e.messages)))
        return ""


def _split(value: str) -> list[str]:
    parts = [value]
    for sep in LIST_SEPARATORS:
        parts = [p for part in parts for p in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def _names(number, raw, col, errors) -> list[str]:
    names = []
    items = _split(raw.get(col, ""))
    if len(items) > MAX_NAMES:
        errors.append(_error(number, col, _("At most %(n)d names.") % {"n": MAX_NAMES}))
        return []
    for item in items:
        if len(item) > MAX_NAME_LENGTH:
            errors.append(
                _error(
                    number,
                    col,
                    _("Each name is at most %(n)d characters.") % {"n": MAX_NAME_LENGTH},
                )
            )
            continue
        try:
            names.append(clean_name(item))
        except ValidationError as e:
            errors.append(_error(number, col, " ".join(e.messages)))
    return names


def _rank(number, raw, errors) -> str:
    value = raw.get("rank", "").strip()
    if not value:
        return Rank.UNKNOWN
    by_label = {str(label).casefold(): v for v, label in Rank.choices}
    folded = value.casefold().replace(" ", "_").replace("-", "_")
    if folded in Rank.values:
        return folded
    if value.casefold() in by_label:
        return by_label[value.casefold()]
    words = [fold(w) for w in value.replace(".", " ").split()]
    code, used = titles.match_rank(words)
    if code and used == len(words) and rank_code(code):
        return rank_code(code)
    errors.append(_error(number, "rank", _("Not a rank Passage knows; leave it empty if unsure.")))
    return Rank.UNKNOWN


def _watchlist_row(number: int, raw: dict, errors: list) -> dict:
    row = {
        "reference": _text(number, raw, "reference", errors, limit=40),
        "names": _names(number, raw, "names", errors),
        "unit": _text(number, raw, "unit", errors),
        "township": _text(number, raw, "township", errors),
        "rank": _rank(number, raw, errors),
        "age": None,
        "source": _text(number, raw, "source", errors, limit=MAX_LONG, multiline=True),
        "confidence": Confidence.MEDIUM,
        "notes": _text(number, raw, "notes", errors, limit=MAX_LONG, multiline=True),
    }
    if not row["names"] and not any(e["column"] == "names" for e in errors):
        errors.append(_error(number, "names", _("Give at least one name.")))
    age = raw.get("age", "").strip()
    if age:
        if age.isdigit() and 10 <= int(age) <= 100:
            row["age"] = int(age)
        else:
            errors.append(_error(number, "age", _("Give the age as a whole number of years.")))
    confidence = raw.get("confidence", "").strip().casefold()
    if confidence:
        if confidence in Confidence.values:
            row["confidence"] = confidence
        else:
            errors.append(_error(number, "confidence", _("Use low, medium or high.")))
    return row


def _abuse_row(number: int, raw: dict, errors: list) -> dict:
    row = {
        "reference": _text(number, raw, "reference", errors, limit=40),
        "date": None,
        "place": _text(number, raw, "place", errors),
        "units": [],
        "perpetrators": [],
        "description": _text(number, raw, "description", errors, limit=MAX_LONG, multiline=True),
        "sources": _text(number, raw, "sources", errors, limit=MAX_LONG, multiline=True),
    }
    date = raw.get("date", "").strip()
    if date:
        try:
            day = datetime.date.fromisoformat(date)
        except ValueError:
            errors.append(_error(number, "date", _("Write the date as YYYY-MM-DD.")))
        else:
            if day > datetime.date.today():  # noqa: DTZ011 - a calendar date, not an instant
                errors.append(_error(number, "date", _("The date is in the future.")))
            row["date"] = day.isoformat()
    units = _split(raw.get("units", ""))
    for unit in units:
        if len(unit) > MAX_SHORT:
            errors.append(
                _error(number, "units", _("At most %(n)d characters.") % {"n": MAX_SHORT})
            )
    try:
        row["units"] = [clean_text(u) for u in units]
    except ValidationError as e:
        errors.append(_error(number, "units", " ".join(e.messages)))
    for written in _names(number, raw, "perpetrators", errors):
        row["perpetrators"].append({"name": written, "rank": perpetrator_rank(written)})
    if not row["perpetrators"] and not any(e["column"] == "perpetrators" for e in errors):
        errors.append(_error(number, "perpetrators", _("Name at least one perpetrator.")))
    return row
