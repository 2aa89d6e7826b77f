"""The triage queue: open cases, most urgent and longest waiting first, with filters."""

from django.db.models import Exists, OuterRef

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
