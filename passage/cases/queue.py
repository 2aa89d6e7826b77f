"""The triage queue: open cases, most urgent and longest waiting first, with filters."""

import uuid

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timesince import timesince
from django.utils.timezone import template_localtime

from passage.cases.models import Case


def triage_queue(user, filters: dict):
    cases = Case.objects.visible_to(user).select_related("person", "cell")
    if not filters.get("closed"):
        cases = cases.filter(is_open=True)
    if filters.get("stage"):
        cases = cases.filter(stage=filters["stage"])
    if filters.get("cell"):
        cases = cases.filter(cell=filters["cell"])
    if filters.get("channel"):
        requests = Case.requests.rel.related_model.objects
        cases = cases.filter(
            Exists(requests.filter(case=OuterRef("pk"), channel=filters["channel"]))
        )
    if filters.get("branch"):
        cases = cases.filter(person__branch=filters["branch"])
    if filters.get("region"):
        cases = cases.filter(person__region=filters["region"])
    if filters.get("q"):
        cases = cases.filter(person__pseudonym__icontains=filters["q"])
    # Only summary columns: the queue never loads a sealed field.
    return cases.only(
        "id",
        "stage",
        "urgency",
        "stage_changed_at",
        "opened_at",
        "latest_channel",
        "cell__name",
        "person__pseudonym",
        "person__branch",
        "person__region",
        "person__family_at_risk",
    ).order_by("-urgency", "stage_changed_at", "id")


# The paginator counts at most this many cases (and at least as many as the page asked for needs):
# an exact count of a large queue reads every open case the user may see, on every page view.
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap` + 1: past the cap the page says "more than"."""

    def __init__(self, object_list, per_page, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        # No ordering and only the key: the database stops at the first cap + 1 rows it finds.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def cap_pages(self) -> int:
        return self.cap // self.per_page


def count_cap(page_number, per_page: int) -> int:
    """The cap for a request: never below the rows up to the page asked for, so it shows."""
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        number = 1
    return max(COUNT_CAP, min(max(number, 1), 10**6) * per_page)


_DETAIL_PLACEHOLDER = uuid.UUID(int=0)


def queue_rows(cases) -> list[dict]:
    """What each queue row shows, as plain strings: labels looked up once per value, the link
    built once (case ids are UUIDs), dates in the user's time zone as the `date` filter does."""
    detail = reverse("cases:detail", args=[_DETAIL_PLACEHOLDER])
    placeholder = str(_DETAIL_PLACEHOLDER)
    now = timezone.now()
    labels: dict[tuple[str, object], str] = {}

    def label(instance, name: str) -> str:
        value = getattr(instance, name)
        key = (name, value)
        if key not in labels:
            labels[key] = getattr(instance, f"get_{name}_display")()
        return labels[key]

    rows = []
    for case in cases:
        person = case.person
        rows.append(
            {
                "url": detail.replace(placeholder, str(case.pk)),
                "pseudonym": person.pseudonym,
                "family_at_risk": person.family_at_risk,
                "urgency": case.urgency,
                "urgency_label": label(case, "urgency"),
                "stage_label": label(case, "stage"),
                "changed_at": date_format(
                    template_localtime(case.stage_changed_at), "SHORT_DATETIME_FORMAT"
                ),
                "waited": timesince(case.stage_changed_at, now=now),
                "channel": label(case, "latest_channel"),
                "branch": label(person, "branch"),
                "region": label(person, "region"),
                "cell": case.cell.name if case.cell_id else "",
            }
        )
    return rows
