"""What a coordinator does with partners: add and confirm one, and run an overlap count.

A run, seen from both sides (A starts it, B answers; numbers are the message sequence):
  A: open (coordinator 1), approve (coordinator 2) -> 1 "commit": hash of A's blinded set
  B: import 1 (coordinator 1), approve (coordinator 2) -> 2 "blinded": B's blinded set
  A: import 2 -> 3 "reveal": A's blinded set (checked against 1) and A's answer to B's requests
  B: import 3 -> B's count; 4 "answer": B's answer to A's requests; B's secrets destroyed
  A: import 4 -> A's count; A's secrets destroyed
Every step is audited on its side, in the transaction that makes it; a refused message changes
nothing.
"""

import json
import uuid
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from passage.cases.models import Person
from passage.core import audit
from passage.core.access import Action, can
from passage.core.actions import ActionError, save_audited, update_audited
from passage.core.sealing import datakeys
from passage.partners import envelope, identity, matchkeys, psi
from passage.partners.envelope import Refused
from passage.partners.models import Partner, Run

# A run not finished in this long is abandoned and its secrets destroyed.
RUN_LIFETIME = timedelta(days=14)


class PartnerError(ActionError):
    pass


def _require(actor) -> None:
    if not can(actor, Action.MANAGE_PARTNERS):
        raise PermissionDenied


# --- the registry ----------------------------------------------------------------------------


def add_partner(actor, name: str, card: str, *, request=None) -> tuple[Partner, str]:
    """Record a partner from its card (public keys); returns it and the safety number to compare."""
    _require(actor)
    keys = identity.read_card(card)
    fp = identity.fingerprint(keys[0])
    if fp == identity.own_fingerprint():
        raise PartnerError("This card is this installation's own.")
    if Partner.objects.filter(fingerprint=fp).exists():
        raise PartnerError("This partner is already registered.")
    with transaction.atomic():
        partner = Partner(fingerprint=fp, added_by=actor)
        partner.name = name[:200]
        save_audited(actor, partner, "partner.add", request=request, detail={"fingerprint": fp})
        identity.store_peer(fp, keys)
    return partner, identity.safety_number(keys)


def confirm_partner(actor, partner: Partner, number: str, *, request=None) -> Partner:
    """The coordinator read the safety number aloud with the partner and typed what they heard."""
    _require(actor)
    expected = identity.safety_number(identity.peer_public(partner.fingerprint))
    if "".join(number.split()) != expected.replace(" ", ""):
        raise PartnerError("This safety number does not match: do not confirm, and ask why.")
    return update_audited(
        actor,
        partner,
        {"confirmed_by": actor, "confirmed_at": timezone.now()},
        "partner.confirm",
        request=request,
    )


# --- runs ------------------------------------------------------------------------------------


def abandon_stale_runs() -> int:
    """Destroy the secrets of every run older than RUN_LIFETIME that did not finish."""
    cutoff, n = timezone.now() - RUN_LIFETIME, 0
    for run in Run.objects.filter(created_at__lt=cutoff).exclude(
        state__in=[Run.State.DONE, Run.State.ABANDONED]
    ):
        with transaction.atomic():
            _destroy_secrets(run)
            update_audited(None, run, {"state": Run.State.ABANDONED}, "partner.run.abandon")
        n += 1
    return n


def _too_soon(partner: Partner, exclude=None) -> bool:
    since = timezone.now() - timedelta(days=partner.period_days)
    recent = Run.objects.filter(partner=partner, created_at__gte=since)
    # A proposal here that no second coordinator approved has revealed nothing: it does not count.
    recent = recent.exclude(role=Run.Role.INITIATOR, state=Run.State.OPENED)
    if exclude is not None:
        recent = recent.exclude(pk=exclude.pk)
    return recent.exists()


def open_run(actor, partner: Partner, *, request=None) -> Run:
    """Coordinator 1 proposes a count with this partner; a second coordinator must approve it."""
    _require(actor)
    abandon_stale_runs()
    if not partner.confirmed:
        raise PartnerError("Confirm this partner's safety number before running anything.")
    if _too_soon(partner):
        raise PartnerError(
            f"A count with this partner ran less than {partner.period_days} days ago."
        )
    run = Run(partner=partner, role=Run.Role.INITIATOR, opened_by=actor)
    return save_audited(actor, run, "partner.run.open", request=request)


def _our_sets(actor, run: Run) -> tuple[dict[str, list[str]], int]:
    sets, people = matchkeys.sets_from(Person.objects.all())
    # One record for the bulk read: how many identities went into the blinded set.
    audit.record(actor, "partner.run.read_names", run, detail={"people": people})
    return sets, people


def _serialise(payload: dict) -> dict:
    return {k: {p: envelope.b64(v) for p, v in parts.items()} for k, parts in payload.items()}


def _deserialise(body) -> dict:
    try:
        return {k: {p: envelope.unb64(body[k][p]) for p in ("setup", "request")} for k in psi.KINDS}
    except (KeyError, TypeError):
        raise Refused("This message is damaged: a blinded set is missing.") from None


def approve_run(actor, run: Run, *, valid=envelope.DEFAULT_VALID, request=None) -> bytes:
    """Coordinator 2 approves; our blinded set is made (with fresh keys) and the next message
    returned: the commitment (initiator) or the blinded set itself (responder)."""
    _require(actor)
    if run.state != Run.State.OPENED:
        raise PartnerError("This run is not waiting for approval.")
    if actor.pk == run.opened_by_id:
        raise PartnerError("A second coordinator must approve: not the one who opened it.")
    partner = run.partner
    if _too_soon(partner, exclude=run):
        raise PartnerError(
            f"A count with this partner ran less than {partner.period_days} days ago."
        )
    with transaction.atomic():
        sets, people = _our_sets(actor, run)
        if people < partner.min_set_size:
            raise PartnerError(
                f"Only {people} people have keys here; this partner's minimum is "
                f"{partner.min_set_size}."
            )
        secrets = psi.new_secrets()
        payload = psi.blind(secrets, sets)
        run.secrets = secrets
        run.own_payload = psi.canonical(_serialise(payload))
        run.own_sizes = {**{k: len(v) for k, v in sets.items()}, "people": people}
        fields = {
            "state": Run.State.COMMITTED,
            "approved_by": actor,
            "approved_at": timezone.now(),
        }
        for name, value in fields.items():
            setattr(run, name, value)
        save_audited(actor, run, "partner.run.approve", request=request, detail=run.own_sizes)
        if run.role == Run.Role.INITIATOR:
            body = {"commitment": psi.commitment(payload), "sizes": run.own_sizes}
            return envelope.seal(partner, "commit", str(run.pk), 1, body, valid)
        body = {"blinded": _serialise(payload), "sizes": run.own_sizes}
        return envelope.seal(partner, "blinded", str(run.pk), 2, body, valid)


def _check_sizes(partner: Partner, sizes) -> dict:
    if not isinstance(sizes, dict) or not all(isinstance(sizes.get(k), int) for k in psi.KINDS):
        raise Refused("This message is damaged: the set sizes are missing.")
    people = sizes.get("people")
    if not isinstance(people, int) or people < partner.min_set_size:
        raise Refused(
            f"The partner's set has {people} people, below this partner's minimum of "
            f"{partner.min_set_size}: refused."
        )
    return sizes


def _destroy_secrets(run: Run) -> None:
    run.secrets, run.own_payload = {}, ""
    run.save(update_fields=["secrets", "own_payload"])
    datakeys.destroy([datakeys.owner_for(run)])


def _finish(actor, run: Run, counts: dict[str, int], request) -> None:
    strict, loose = psi.person_range(counts)
    fields = {
        "counts": counts,
        "strict": strict,
        "loose": loose,
        "state": Run.State.DONE,
        "finished_at": timezone.now(),
    }
    detail = {**counts, "range": [strict, loose]}
    update_audited(actor, run, fields, "partner.run.finish", request=request, detail=detail)
    _destroy_secrets(run)


EXPECTED = {
    # (our role, our state) -> (message kind, seq) we accept next
    (Run.Role.INITIATOR, Run.State.COMMITTED): ("blinded", 2),
    (Run.Role.INITIATOR, Run.State.REVEALED): ("answer", 4),
    (Run.Role.RESPONDER, Run.State.COMMITTED): ("reveal", 3),
}


def receive(actor, blob: bytes, *, valid=envelope.DEFAULT_VALID, request=None):
    """Import a message file; returns (run, or the new case for a referral, or None for an
    acknowledgement; reply bytes or None). Refused changes nothing."""
    _require(actor)
    abandon_stale_runs()
    with transaction.atomic():
        partner, msg = envelope.open_message(blob)
        try:
            msg["run"] = str(uuid.UUID(str(msg.get("run"))))
        except ValueError:
            raise Refused("This message is damaged: its run id does not read.") from None
        if msg.get("kind") == "referral":
            run, reply = _receive_referral(actor, partner, msg, valid, request)
        elif msg.get("kind") == "ack":
            detail = {"partner": partner.fingerprint, "referral": msg["run"]}
            audit.record(actor, "partner.referral.acknowledged", request=request, detail=detail)
            run, reply = None, None
        elif msg.get("kind") == "commit":
            run = _receive_commit(actor, partner, msg, request)
            reply = None
        else:
            run, reply = _receive_step(actor, partner, msg, valid, request)
        envelope.mark_seen(partner, msg)
    return run, reply


def _receive_commit(actor, partner: Partner, msg: dict, request) -> Run:
    if msg.get("seq") != 1:
        raise Refused("This message is out of order: a run starts with message 1.")
    if Run.objects.filter(pk=msg["run"]).exists():
        raise Refused("This run is already known here.")
    if _too_soon(partner):
        raise Refused(
            f"This partner asked again within {partner.period_days} days of the last count: "
            "refused."
        )
    body = msg.get("body") or {}
    sizes = _check_sizes(partner, body.get("sizes"))
    commitment = body.get("commitment")
    if not isinstance(commitment, str) or len(commitment) != 64:
        raise Refused("This message is damaged: the commitment is missing.")
    run = Run(
        pk=msg["run"],
        partner=partner,
        role=Run.Role.RESPONDER,
        opened_by=actor,
        expect_seq=3,
        partner_commitment=commitment,
        partner_sizes=sizes,
    )
    return save_audited(actor, run, "partner.run.received", request=request, detail=sizes)


def _receive_step(actor, partner: Partner, msg: dict, valid, request):
    run = Run.objects.select_for_update().filter(pk=msg.get("run"), partner=partner).first()
    if run is None:
        raise Refused("This message belongs to a run this installation does not know.")
    expected = EXPECTED.get((run.role, run.state))
    if expected is None or expected != (msg.get("kind"), msg.get("seq")):
        want = f"message {expected[1]} ({expected[0]})" if expected else "no message"
        raise Refused(
            f"This message is out of order: message {msg.get('seq')} ({msg.get('kind')}) came "
            f"when this run expects {want}."
        )
    body = msg.get("body") or {}
    secrets = run.secrets
    try:
        if msg["kind"] == "blinded":  # A: B's set has come; reveal ours and answer theirs
            theirs = _deserialise(body.get("blinded"))
            sizes = _check_sizes(partner, body.get("sizes"))
            if psi.sizes(theirs) != {k: sizes[k] for k in psi.KINDS}:
                raise Refused("The partner's blinded set does not have the sizes it declared.")
            answer = psi.respond(secrets, theirs)
            update_audited(
                actor,
                run,
                {"state": Run.State.REVEALED, "partner_sizes": sizes, "expect_seq": 4},
                "partner.run.reveal",
                request=request,
                detail=sizes,
            )
            # Their blinded set is kept (sealed, under the run's key) for the last step.
            run.secrets = {**secrets, "theirs": _serialise(theirs)}
            run.save(update_fields=["secrets"])
            body = {
                "blinded": json.loads(run.own_payload),
                "answer": {k: envelope.b64(v) for k, v in answer.items()},
            }
            return run, envelope.seal(partner, "reveal", str(run.pk), 3, body, valid)
        if msg["kind"] == "reveal":  # B: A's set opens its commitment; count, answer, finish
            theirs = _deserialise(body.get("blinded"))
            if psi.commitment(theirs) != run.partner_commitment:
                raise Refused("The partner's blinded set is not the one it committed to: refused.")
            if psi.sizes(theirs) != {k: run.partner_sizes[k] for k in psi.KINDS}:
                raise Refused("The partner's blinded set does not have the sizes it declared.")
            counts = psi.count(secrets, theirs, _answers(body.get("answer")))
            answer = psi.respond(secrets, theirs)
            _finish(actor, run, counts, request)
            body = {"answer": {k: envelope.b64(v) for k, v in answer.items()}}
            return run, envelope.seal(partner, "answer", str(run.pk), 4, body, valid)
        # msg kind "answer", A: our count
        theirs = _deserialise(secrets["theirs"])
        counts = psi.count(secrets, theirs, _answers(body.get("answer")))
        _finish(actor, run, counts, request)
        return run, None
    except psi.ProtocolError as exc:
        raise Refused(f"This message is damaged: {exc}.") from None


def _answers(answer) -> dict[str, bytes]:
    if not isinstance(answer, dict):
        raise Refused("This message is damaged: the answer is missing.")
    try:
        return {k: envelope.unb64(answer[k]) for k in psi.KINDS}
    except KeyError:
        raise Refused("This message is damaged: the answer is missing.") from None


def last_result():
    """The last finished run (for the publishable summary), or None."""
    return Run.objects.filter(state=Run.State.DONE).order_by("-finished_at").first()


def set_rules(actor, partner: Partner, *, min_set_size=None, period_days=None, request=None):
    """A coordinator sets how small a set and how frequent a run this partner may have."""
    _require(actor)
    fields = {}
    if min_set_size is not None:
        if min_set_size < 10:
            raise PartnerError("The minimum set size is at least 10.")
        fields["min_set_size"] = min_set_size
    if period_days is not None:
        if period_days < 1:
            raise PartnerError("The period is at least one day.")
        fields["period_days"] = period_days
    detail = {k: v for k, v in fields.items()}
    return update_audited(actor, partner, fields, "partner.rules", request=request, detail=detail)


# --- sealed referrals ------------------------------------------------------------------------

# What may be handed over; only the names unless the coordinator chooses more.
REFERRAL_FIELDS = ("names", "age", "unit", "township", "rank", "branch", "region")


def refer(actor, partner: Partner, person, fields, consent: str, *, valid=envelope.DEFAULT_VALID):
    """Hand one person over, sealed to the partner: chosen fields only, with the consent noted.

    The coordinator must be one who may see this person's identity (need-to-know)."""
    _require(actor)
    case = person.cases.order_by("-opened_at").first()
    if case is None or not can(actor, Action.VIEW_IDENTITY, case):
        raise PermissionDenied
    if not partner.confirmed:
        raise PartnerError("Confirm this partner's safety number before referring anyone.")
    consent = (consent or "").strip()
    if not consent:
        raise PartnerError("Record how the person agreed to be referred.")
    fields = list(dict.fromkeys(["names", *fields]))
    unknown = [f for f in fields if f not in REFERRAL_FIELDS]
    if unknown:
        raise PartnerError(f"These fields cannot be referred: {', '.join(unknown)}.")
    body = {"person": {f: getattr(person, f) for f in fields}, "consent": consent[:500]}
    referral = str(uuid.uuid4())
    with transaction.atomic():
        detail = {"partner": partner.fingerprint, "referral": referral, "fields": fields}
        audit.record(actor, "partner.referral.send", person, detail={**detail, "consent": consent})
        return envelope.seal(partner, "referral", referral, 1, body, valid)


def _receive_referral(actor, partner: Partner, msg: dict, valid, request):
    """The partner's referral becomes a request here, through the ordinary intake (screened)."""
    from passage.cases.vocab import Channel, Urgency
    from passage.intake.actions import log_new_request

    given = (msg.get("body") or {}).get("person")
    if msg.get("seq") != 1 or not isinstance(given, dict):
        raise Refused("This referral is damaged: the person's details are missing.")
    names = given.get("names")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise Refused("This referral is damaged: it names nobody.")
    data = {
        "names": [n[:200] for n in names[:10]],
        "channel": Channel.PARTNER,
        "received_at": timezone.now(),
        "language": "my",
        "urgency": Urgency.NORMAL,
        "notes": "",
    }
    for f in ("unit", "township"):
        if isinstance(given.get(f), str):
            data[f] = given[f][:200]
    if isinstance(given.get("age"), int) and 0 < given["age"] < 120:
        data["age"] = given["age"]
    case = log_new_request(actor, data, request=request)
    audit.record(
        actor,
        "partner.referral.import",
        case,
        request=request,
        detail={"partner": partner.fingerprint, "referral": msg["run"]},
    )
    ack = envelope.seal(partner, "ack", msg["run"], 2, {}, valid)
    return case, ack
