"""What the case page shows of screening: each hit in full, or as restricted, per need-to-know."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from passage.accounts.models import Cell, User
from passage.accounts.roles import Role
from passage.cases.models import Case
from passage.core.access import Action, can
from passage.core.models import AuditRecord

from .actions import may_see_other_side
from .evidence import describe
from .models import AbuseRecord, Hit, Kind, WatchlistEntry
from .reasons import describe_reason


@dataclass
class HitView:
    hit: Hit
    restricted: bool
    direction: str = "found"  # "found" on this case, or "later" (a later request matched this one)
    other_label: str = ""
    other_case_id: object = None
    other_record: object = None
    reasons: list | None = None
    evidence: list | None = None
    can_review: bool = False
    why: str = ""  # why the match matters, in a sentence


def why_it_matters(v: HitView) -> str:
    """One sentence on what the other record is and why a vetter should care."""
    if v.direction == "later":
        return _(
            "A later request matched this person: the same person may have asked again, or "
            "someone is using their name."
        )
    if v.hit.other_kind == Kind.PERSON:
        return _(
            "An earlier request matches: the same person may have asked before, or someone is "
            "using their name."
        )
    record = v.other_record
    if record is None:
        return _("The list record behind this match has since been removed from the list.")
    if v.hit.other_kind == Kind.WATCHLIST:
        return _("On the watchlist of suspected infiltrators (confidence: %(c)s).") % {
            "c": record.get_confidence_display()
        }
    return _("Named as a perpetrator in documented abuse (%(place)s, %(date)s).") % {
        "place": record.place or "—",
        "date": date_format(record.date) if record.date else "—",
    }


def last_run(case) -> dict | None:
    """When the case was last screened, how, and whether the candidate cap applied."""
    run = (
        AuditRecord.objects.filter(
            action="screening.run", object_type="cases.case", object_id=str(case.pk)
        )
        .order_by("-seq")
        .values("at", "detail")
        .first()
    )
    if run is None:
        return None
    detail = run["detail"]
    capped = sum(detail.get("capped", {}).values())
    return {
        "at": run["at"],
        "trigger": detail.get("trigger", ""),
        "candidates": detail.get("candidates"),
        "capped_from": capped or None,
        "cap": settings.SCREENING_CANDIDATE_CAP,
    }


def _assigned(user, side: str):
    """Whether the user is assigned to the hit's `side` case, by name or cell, as a subquery."""
    by_name = Case.assignees.through.objects.filter(case=OuterRef(side), user=user.pk)
    by_cell = Cell.members.through.objects.filter(cell=OuterRef(f"{side}__cell_id"), user=user.pk)
    return Exists(by_name) | Exists(by_cell)


def case_panel(user, case) -> dict:
    """Hits for the case page; nothing is even counted for users who cannot see the identity."""
    if not can(user, Action.VIEW_IDENTITY, case):
        return {"visible": False}
    hits = list(
        Hit.objects.filter(Q(case=case) | Q(other_case=case))
        .select_related("case__person", "other_case__person", "reviewed_by")
        .annotate(
            case_mine=_assigned(user, "case"),
            other_mine=_assigned(user, "other_case"),
        )
        .order_by("-score", "found_at")
    )
    lists = {
        Kind.WATCHLIST: WatchlistEntry.objects.in_bulk(
            [h.other_id for h in hits if h.other_kind == Kind.WATCHLIST]
        ),
        Kind.ABUSE: AbuseRecord.objects.in_bulk(
            [h.other_id for h in hits if h.other_kind == Kind.ABUSE]
        ),
    }
    for hit in hits:
        # Tell `can` whether the user is assigned to each side, fetched with the hits, so it does
        # not ask the database once per hit.
        hit.case._assigned_for = (user.pk, hit.case_mine)
        if hit.other_case is not None:
            hit.other_case._assigned_for = (user.pk, hit.other_mine)
    reviewer = can(user, Action.REVIEW_HIT, case)
    views = []
    for hit in hits:
        later = hit.case_id != case.pk
        if later:
            other_case = hit.case
            # The other side is the later request's case: the same need-to-know applies to it.
            restricted = not can(user, Action.VIEW_IDENTITY, other_case)
        else:
            other_case = hit.other_case
            restricted = not may_see_other_side(user, hit)
        if restricted and not reviewer:
            # Whoever logged the request (or plans, or cares for the person) must not learn that
            # a name they typed matched a record they may not see: that would make intake a
            # watchlist oracle. Vetters and coordinators need to know a restricted match exists.
            continue
        v = HitView(hit, restricted, "later" if later else "found")
        if not restricted:
            if later or hit.other_kind == Kind.PERSON:
                v.other_label = other_case.person.pseudonym if other_case else ""
                v.other_case_id = other_case.pk if other_case else None
            else:
                v.other_record = lists[hit.other_kind].get(hit.other_id)
                v.other_label = v.other_record.reference if v.other_record else ""
            v.reasons = [describe_reason(r) for r in hit.reasons]
            v.evidence = [(line["change"], describe(line)) for line in hit.evidence]
            v.can_review = reviewer and not later
            v.why = why_it_matters(v)
        views.append(v)
    coordinators = []
    if any(v.restricted for v in views):
        coordinators = list(
            User.objects.filter(role=Role.COORDINATOR, is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        )
    return {
        "visible": True,
        "hits": views,
        "can_screen": can(user, Action.SCREEN, case),
        "last_run": last_run(case),
        "coordinators": coordinators,
        "statuses": [
            (Hit.Status.CONFIRMED, Hit.Status.CONFIRMED.label),
            (Hit.Status.FALSE_POSITIVE, Hit.Status.FALSE_POSITIVE.label),
        ],
    }


@dataclass
class HitReview:
    """What the approver of a clearance sees of one hit: its kind, status and who reviewed it,
    never the names or the note (they may not be assigned to the case)."""

    kind: str
    status: str
    reviewed_by: object
    reviewed_at: object


def hit_reviews(user, case) -> list[HitReview]:
    """Every hit shown on the case, as the approval needs it; the kind of record is shown only
    to someone who may see that record."""
    hits = Hit.objects.filter(Q(case=case) | Q(other_case=case)).select_related(
        "reviewed_by", "other_case"
    )
    return [
        HitReview(
            kind=hit.get_other_kind_display()
            if hit.case_id == case.pk and may_see_other_side(user, hit)
            else _("Restricted match"),
            status=hit.get_status_display(),
            reviewed_by=hit.reviewed_by,
            reviewed_at=hit.reviewed_at,
        )
        for hit in hits.order_by("found_at")
    ]
