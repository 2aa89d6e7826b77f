"""What coordinators are alerted to: open matches with the watchlist or documented abuses, and
cases whose follow-ups keep adding names (someone may be trying names against the lists)."""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from passage.cases.models import Case
from passage.core.models import AuditRecord

from .models import Hit, Kind


@dataclass
class NamesFlag:
    case: Case
    new_names: int


def list_matches() -> list[Hit]:
    """Open hits on list records, newest first; the page shows the case, never the names."""
    return list(
        Hit.objects.filter(status=Hit.Status.OPEN, other_kind__in=(Kind.WATCHLIST, Kind.ABUSE))
        .select_related("case__person")
        .order_by("-found_at")
    )


def follow_up_name_flags() -> list[NamesFlag]:
    """Open cases whose follow-ups added at least SCREENING_FOLLOW_UP_NAMES_FLAG new names, from
    the audit chain (each follow-up records how many names it added)."""
    added: Counter[str] = Counter()
    records = AuditRecord.objects.filter(action="request.create", detail__has_key="new_names")
    for detail in records.values_list("detail", flat=True):
        added[detail["case"]] += int(detail["new_names"])
    flagged = {pk: n for pk, n in added.items() if n >= settings.SCREENING_FOLLOW_UP_NAMES_FLAG}
    cases = Case.objects.filter(pk__in=flagged, is_open=True).select_related("person")
    return sorted(
        (NamesFlag(case, flagged[str(case.pk)]) for case in cases), key=lambda f: -f.new_names
    )
