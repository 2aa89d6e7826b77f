"""The audit chain: append a record, and verify that none was edited, deleted or reordered."""

import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from passage.core import checkpoints, crypto
from passage.core.models import AuditHead, AuditRecord

GENESIS = "0" * 64
CHAIN_KEY_PURPOSE = "passage audit chain v1"


def _digest(prev_hash: str, record: AuditRecord) -> str:
    content = {
        "seq": record.seq,
        "at": record.at.isoformat(),
        "actor": record.actor_id,
        "actor_name": record.actor_name,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "source": record.source,
        "detail": record.detail,
        "prev": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return crypto.keyed_hash(CHAIN_KEY_PURPOSE, canonical.encode("utf-8"))


# A seized database must not say which household a request came from, only its network: the
# /24 of an IPv4 address, the /48 of an IPv6 one (an office, a provider, a Tor exit's block).
# Not a keyed hash: the only keys usable while sealed are on the seized disk too, and 2^32
# addresses are hashed through in minutes. docs/threat-model.md, "Seized server".
NETWORK_PREFIX = {4: 24, 6: 48}


def network_of(address: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    return ipaddress.ip_network(f"{ip}/{NETWORK_PREFIX[ip.version]}", strict=False)


def client_address(request) -> str:
    """The peer address, or the proxy-reported one if a proxy is configured (never trusted else)."""
    from django.conf import settings

    if settings.TRUSTED_PROXY_COUNT:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
            return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def source_of(request) -> str:
    """Where a request came from, as the network of its client address ("203.0.113.0/24")."""
    if request is None:
        return "shell"
    network = network_of(client_address(request))
    return str(network) if network else ""


def lockout_address(request) -> str | None:
    """What django-axes stores for a failed sign-in: the network's first address, not the
    client's (AXES_CLIENT_IP_CALLABLE). Lock-out goes by username, so nothing is lost."""
    network = network_of(client_address(request))
    return str(network.network_address) if network else None


def record(
    actor,
    action: str,
    obj: Any = None,
    *,
    request=None,
    detail: dict | None = None,
) -> AuditRecord:
    """Append one record to the chain, in the caller's transaction if there is one."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditRecord(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "") or "",
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            source=source_of(request),
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        entry.hash = _digest(head.last_hash, entry)
        entry.save()
        head.last_seq, head.last_hash = entry.seq, entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
        if entry.seq % settings.AUDIT_CHECKPOINT_EVERY == 0:
            checkpoints.sign_head(head)
    return entry


@dataclass
class Verdict:
    ok: bool
    checked: int
    first_broken: int | None = None
    problem: str = ""


def verify(batch_size: int = 2000) -> Verdict:
    """Walk the chain in order and report the first record that does not fit."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    records = AuditRecord.objects.order_by("seq").iterator(chunk_size=batch_size)
    for entry in records:
        if entry.seq != expected_seq:
            return Verdict(False, checked, expected_seq, f"record #{expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return Verdict(False, checked, entry.seq, "does not follow the record before it")
        if _digest(prev_hash, entry) != entry.hash:
            return Verdict(False, checked, entry.seq, "its content was changed")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    last_seq, last_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    if last_seq != checked or last_hash != prev_hash:
        return Verdict(False, checked, checked + 1, "records after it were deleted")
    return Verdict(True, checked)
