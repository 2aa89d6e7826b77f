"""Logging a request: a new person and case, or one more request on a known person's case."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from passage.cases.actions import assign_request_logger
from passage.cases.lifecycle import Stage
from passage.cases.models import Case, Person, TimelineEntry
from passage.cases.pseudonyms import new_pseudonym
from passage.core import audit
from passage.core.access import Action, can
from passage.intake.models import Request
from passage.screening.actions import screen_case

PERSON_FIELDS = ("rank", "branch", "unit", "region", "township", "age", "family_at_risk")


def _request_on(case: Case, person: Person, actor, data: dict) -> Request:
    return Request.objects.create(
        # A caller may choose the id (the API does, to answer with it); else a new one.
        **({"id": data["request_id"]} if data.get("request_id") else {}),
        person=person,
        case=case,
        channel=data["channel"],
        received_at=data["received_at"],
        language=data["language"],
        urgency=data["urgency"],
        notes=data.get("notes", ""),
        unverified_names=data.get("unverified_names") or None,
        logged_by=actor,
    )


def log_new_request(actor, data: dict, *, request=None, assign_logger: bool = True) -> Case:
    """A first request from someone: creates the person (with a pseudonym), the case, the request.

    Whoever logs it (an intake officer or a coordinator) is assigned to the case, audited, so
    they can see the names they just typed and follow up: a coordinator could assign themselves
    anyway, an intake officer needs it to follow up. `assign_logger=False` is for channels where
    no one typed or read the names (an API integration, a spreadsheet import): assigning the
    account behind them would hand it the identity of every case they open.
    """
    if not can(actor, Action.LOG_REQUEST):
        raise PermissionDenied
    with transaction.atomic():
        person = Person(
            pseudonym=new_pseudonym(lambda n: Person.objects.filter(pseudonym=n).exists()),
            names=data.get("names", []),
            contact_handle=data.get("contact_handle", ""),
            **{f: data[f] for f in PERSON_FIELDS if data.get(f) is not None},
        )
        person.save()
        case = Case.objects.create(
            person=person,
            urgency=data["urgency"],
            stage=Stage.RECEIVED,
            latest_channel=data["channel"],
        )
        req = _request_on(case, person, actor, data)
        if assign_logger:
            assign_request_logger(actor, case, request=request)
        TimelineEntry.objects.create(case=case, actor=actor, kind=TimelineEntry.Kind.REQUEST)
        detail = {"case": str(case.pk), "names_set_aside": len(data.get("unverified_names") or ())}
        audit.record(actor, "request.create", req, request=request, detail=detail)
        # In the transaction: a person is never saved without their blind-index rows and hits.
        screen_case(actor, case, trigger="intake", request=request)
    return case


def log_follow_up_request(
    actor, case: Case, data: dict, *, request=None, same_channel: bool = False
) -> Case:
    """Another request about a known person, attached to their case; new aliases are added.

    `same_channel` is for an integration adding to a case it opened itself (the API checks that
    the token logged a request on it): its owner is not assigned to such cases, yet the channel
    already knows who wrote, so it may add what the same sender writes next.
    """
    allowed = can(actor, Action.LOG_REQUEST, case) or (
        same_channel and can(actor, Action.LOG_REQUEST)
    )
    if not allowed:
        raise PermissionDenied
    with transaction.atomic():
        person = case.person
        changed = []
        new_names = [n for n in data.get("names", []) if n not in person.names]
        if new_names:
            person.names = person.names + new_names
            changed.append("names")
        if data.get("contact_handle") and data["contact_handle"] != person.contact_handle:
            person.contact_handle = data["contact_handle"]
            changed.append("contact_handle")
        if changed:
            person.save(update_fields=changed)
        case.urgency = max(case.urgency, data["urgency"])
        case.latest_channel = data["channel"]
        case.save(update_fields=["urgency", "latest_channel"])
        req = _request_on(case, person, actor, data)
        TimelineEntry.objects.create(
            case=case, at=timezone.now(), actor=actor, kind=TimelineEntry.Kind.REQUEST
        )
        audit.record(
            actor,
            "request.create",
            req,
            request=request,
            # How many names it added: passage/screening/alerts.py flags a case whose follow-ups
            # keep adding names (someone trying names against the watchlist).
            detail={
                "case": str(case.pk),
                "person_fields_changed": changed,
                "names_set_aside": len(data.get("unverified_names") or ()),
            }
            | ({"new_names": len(new_names)} if new_names else {}),
        )
        screen_case(actor, case, trigger="intake", request=request)
    return case
