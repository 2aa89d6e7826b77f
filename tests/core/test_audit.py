import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from passage.core import audit
from passage.core.models import AuditHead, AuditRecord


@pytest.fixture
def chain(people):
    actor = people["coordinator"]
    for n in range(5):
        audit.record(actor, "test.event", actor, detail={"n": n})
    return AuditRecord.objects.order_by("seq")


def test_an_untouched_chain_verifies(chain, capsys):
    assert audit.verify().ok
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out


def test_each_record_covers_the_previous_hash(chain):
    records = list(chain)
    for before, after in zip(records, records[1:], strict=False):
        assert after.prev_hash == before.hash
    assert records[0].prev_hash == audit.GENESIS


def test_an_edited_record_is_named(chain):
    third = chain[2]
    AuditRecord.objects.filter(pk=third.pk).update(detail={"n": 99})
    verdict = audit.verify()
    assert not verdict.ok and verdict.first_broken == third.seq
    with pytest.raises(CommandError, match=f"record #{third.seq}"):
        call_command("audit", "verify")


def test_an_edited_actor_is_detected(chain, people):
    second = chain[1]
    AuditRecord.objects.filter(pk=second.pk).update(actor_name="someone-else")
    assert audit.verify().first_broken == second.seq


def test_a_deleted_record_is_detected(chain):
    AuditRecord.objects.filter(seq=3).delete()
    verdict = audit.verify()
    assert not verdict.ok and verdict.first_broken == 3


def test_a_deleted_tail_is_detected(chain):
    AuditRecord.objects.filter(seq=5).delete()
    verdict = audit.verify()
    assert not verdict.ok and verdict.first_broken == 5


def test_reordered_records_are_detected(chain):
    a, b = chain[1], chain[2]
    # Swap their content and hashes but keep the sequence numbers in place.
    AuditRecord.objects.filter(pk=a.pk).update(seq=1000)
    AuditRecord.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditRecord.objects.filter(pk=a.pk).update(seq=b.seq)
    verdict = audit.verify()
    assert not verdict.ok and verdict.first_broken == a.seq


def test_a_rewritten_chain_without_the_key_is_detected(chain):
    # An attacker who recomputes plain SHA-256 links still fails: the links are keyed HMACs.
    import hashlib

    first = chain[0]
    forged = hashlib.sha256(b"forged").hexdigest()
    AuditRecord.objects.filter(pk=first.pk).update(hash=forged)
    AuditRecord.objects.filter(seq=2).update(prev_hash=forged)
    assert audit.verify().first_broken == 1


def test_the_head_follows_the_last_record(chain):
    head = AuditHead.objects.get(pk=1)
    assert head.last_seq == 5 and head.last_hash == chain.last().hash


def test_records_name_where_a_web_request_came_from(people, rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6")
    entry = audit.record(people["admin"], "test.event", request=request)
    # X-Forwarded-For is not trusted unless a proxy is configured.
    assert entry.source == "10.1.2.0/24"


def test_a_configured_proxy_is_trusted_for_the_client_address(people, rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    assert audit.record(people["admin"], "test.event", request=request).source == "203.0.113.0/24"


@pytest.mark.parametrize(
    "address, kept",
    [
        ("198.51.100.77", "198.51.100.0/24"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"),
        ("not an address", ""),
    ],
)
def test_a_record_keeps_only_the_network_a_request_came_from(people, rf, address, kept):
    # A seized database tells an office or a provider, not a household.
    request = rf.get("/", REMOTE_ADDR=address)
    entry = audit.record(people["admin"], "test.event", request=request)
    assert entry.source == kept
    assert address not in AuditRecord.objects.values_list("source", flat=True)
    assert audit.verify().ok
