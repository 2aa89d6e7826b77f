"""Two real installations (two processes each step, two data folders, two databases: SQLite for
A, PostgreSQL for B when it answers on loopback) count their overlap by message files.

A writes its people in Burmese script (every third in Zawgyi), B the Latin spelling; 15 people are
on both lists, 5 of them with another unit and no age on B's side: the truth is 15, of whom 10
agree on more than the name, so both sides must report the range 10-15.
"""

import json
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.partners.installation import Installation
from tests.partners.people import two_lists

ONLY_A, BOTH, ONLY_B, DIFFER = 20, 15, 25, 5

FORGE = """
import base64, json, secrets, sys
from datetime import timedelta
from django.utils import timezone
from nacl.public import SealedBox
from passage.core.sealing import actions as sealing
from passage.partners import identity
from passage.partners.models import Partner
sealing.unseal(passphrase={passphrase!r})
partner = Partner.objects.get()
now = timezone.now()
inner = {{"format": "passage-partners-message-1", "id": secrets.token_hex(16),
         "from": identity.own_fingerprint(), "to": partner.fingerprint, "kind": "commit",
         "run": {run!r}, "seq": 1, "created": now.isoformat(),
         "expires": (now + timedelta(days=1)).isoformat(),
         "body": {{"commitment": "0" * 64, "sizes": {{"name": 40, "year": 40, "place": 40,
                                                    "people": 40}}}}}}
inner.update(json.loads({overrides!r}))
signed = identity.signing_key().sign(json.dumps(inner).encode())
box = identity.peer_keys(partner.fingerprint)[1]
open({out!r}, "wb").write(b"PASSAGE-PARTNER-MESSAGE-1\\n" + SealedBox(box).encrypt(bytes(signed)))
"""

PEEK = """
import sys
from nacl.public import SealedBox
from passage.core.sealing import actions as sealing
from passage.partners import identity
sealing.unseal(passphrase={passphrase!r})
blob = open({path!r}, "rb").read()
inner = SealedBox(identity.box_key()).decrypt(blob[len(b"PASSAGE-PARTNER-MESSAGE-1\\n"):])[64:]
open({out!r}, "wb").write(inner)
"""

SECRETS = """
import base64
from passage.core.sealing import actions as sealing, keyring
from passage.partners import identity
sealing.unseal(passphrase={passphrase!r})
for key in (bytes(identity.signing_key()), bytes(identity.box_key())):
    print(key.hex(), base64.b64encode(key).decode())
print(keyring.load()["partners"]["sign_private"])
"""

STATE = """
from passage.core.sealing import datakeys
from passage.partners.models import Run, SeenMessage, Partner
for run in Run.objects.order_by("created_at"):
    print(run.role, run.state, run.strict, run.loose, sorted(run.counts.items()),
          datakeys.is_destroyed(datakeys.owner_for(run)))
print("seen", SeenMessage.objects.count(), "partners", Partner.objects.count())
"""


PG = "postgresql://postgres@127.0.0.1:5432/"


def _postgres(sql: str) -> bool:
    try:
        with psycopg.connect(PG + "postgres", autocommit=True, connect_timeout=2) as conn:
            conn.execute(sql)
    except psycopg.OperationalError:
        return False
    return True


def _postgres_url(name: str) -> str | None:
    return PG + name if _postgres(f'CREATE DATABASE "{name}"') else None


class World:
    """Both installations and every file the run produced, for the tests to examine."""

    def __init__(self, root):
        self.root = root
        self.people_a, self.people_b, self.truth = two_lists(ONLY_A, BOTH, ONLY_B, DIFFER)
        self.a = Installation(root, "a")
        self.pg_name = f"passage_partners_b_{uuid.uuid4().hex[:8]}"
        self.b = Installation(root, "b", _postgres_url(self.pg_name))
        self.a.set_up(self.people_a)
        self.b.set_up(self.people_b)
        self.log: dict[str, object] = {}

    def file(self, name: str) -> str:
        return str(self.root / name)

    def forge(self, out: str, run: str, **overrides) -> str:
        """A message signed with A's real keys but of A's own making (a malicious partner)."""
        script = FORGE.format(
            passphrase=self.a_pass(), run=run, overrides=json.dumps(overrides), out=out
        )
        self.a.run("shell", "-c", script)
        return out

    def a_pass(self) -> str:
        return (self.a.dir / "passphrase").read_text()

    def state(self, side: Installation) -> str:
        return side.run("shell", "-c", STATE).stdout


def _refused(side: Installation, path: str, words: str) -> None:
    before = (side.audit_actions(), World.state_of(side))
    done = side.partners("receive", path, "--out", path + ".reply", by="coord1", check=False)
    assert done.returncode != 0
    assert "Refused" in done.stderr and words in done.stderr, done.stderr
    assert (side.audit_actions(), World.state_of(side)) == before  # nothing changed


World.state_of = staticmethod(lambda side: side.run("shell", "-c", STATE).stdout)


def _other_set() -> dict:
    """A well-formed blinded set that is not the one A committed to (A changed its mind)."""
    from passage.partners import envelope, psi

    payload = psi.blind(psi.new_secrets(), {k: [f"x{i}" for i in range(40)] for k in psi.KINDS})
    blinded = {k: {p: envelope.b64(v) for p, v in parts.items()} for k, parts in payload.items()}
    return {"blinded": blinded, "answer": {k: blinded[k]["request"] for k in psi.KINDS}}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("partners"))
    a, b = w.a, w.b
    card_a, card_b = a.card(), b.card()
    w.log["add_a"] = a.partners("add", "--name", "Group B", "--card", card_b, by="coord1").stdout
    w.log["add_b"] = b.partners("add", "--name", "Group A", "--card", card_a, by="coord1").stdout
    fp_b = w.log["add_a"].split()[1]
    fp_a = w.log["add_b"].split()[1]
    w.log["fp_a"], w.log["fp_b"] = fp_a, fp_b
    w.log["open_unconfirmed"] = a.partners("open", fp_b, by="coord1", check=False)
    w.log["wrong_number"] = a.partners(
        "confirm", fp_b, "--number", "00000 00000 00000 00000 00000 00000", by="coord1", check=False
    )
    number = w.log["add_a"].split("safety number: ")[1].splitlines()[0]
    a.partners("confirm", fp_b, "--number", number, by="coord2")
    b.partners("confirm", fp_a, "--number", number, by="coord2")
    for side, fp in ((a, fp_b), (b, fp_a)):
        side.partners("rules", fp, "--min-set-size", "30", by="coord1")

    run = a.partners("open", fp_b, by="coord1").stdout.split()[1].rstrip(":")
    w.log["run"] = run
    w.log["self_approve"] = a.partners("approve", run, by="coord1", check=False)
    m1 = w.file("1-commit.msg")
    a.partners("approve", run, "--out", m1, by="coord2")

    b.partners("rules", fp_a, "--min-set-size", "100", by="coord1")
    w.log["below_minimum"] = b.partners("receive", m1, by="coord1", check=False)
    b.partners("rules", fp_a, "--min-set-size", "30", by="coord1")
    b.partners("receive", m1, by="coord1")
    w.log["early_reveal"] = w.forge(w.file("early-reveal.msg"), run, kind="reveal", seq=3)
    _refused(b, w.log["early_reveal"], "out of order")

    m2 = w.file("2-blinded.msg")
    b.partners("approve", run, "--out", m2, by="coord2")
    m3 = w.file("3-reveal.msg")
    a.partners("receive", m2, "--out", m3, by="coord1")
    w.log["switched"] = w.forge(
        w.file("switched.msg"), run, kind="reveal", seq=3, body=_other_set()
    )
    _refused(b, w.log["switched"], "not the one it committed to")
    m4 = w.file("4-answer.msg")
    w.log["result_b"] = b.partners("receive", m3, "--out", m4, by="coord1").stdout
    w.log["result_a"] = a.partners("receive", m4, by="coord1").stdout
    w.log["messages"] = [m1, m2, m3, m4]
    yield w
    _postgres(f'DROP DATABASE IF EXISTS "{w.pg_name}" WITH (FORCE)')


def test_both_sides_confirm_the_same_safety_number_and_a_wrong_one_is_refused(world):
    number_a = world.log["add_a"].split("safety number: ")[1].splitlines()[0]
    number_b = world.log["add_b"].split("safety number: ")[1].splitlines()[0]
    assert number_a == number_b and len(number_a.replace(" ", "")) == 30
    assert "does not match" in world.log["wrong_number"].stderr


def test_nothing_runs_before_the_partner_is_confirmed(world):
    assert "Confirm this partner" in world.log["open_unconfirmed"].stderr


def test_a_run_needs_a_second_coordinator(world):
    assert "second coordinator" in world.log["self_approve"].stderr


def test_both_sides_learn_the_overlap_as_a_range_around_the_truth(world):
    for result in (world.log["result_a"], world.log["result_b"]):
        assert "people in common: 10–15" in result, result
        total = len(world.people_a) + len(world.people_b)
        assert f"together, de-duplicated: {total - 15}–{total - 10}" in result
    assert world.truth == 15
    for side in (world.a, world.b):
        run_line = world.state(side).splitlines()[0]
        assert "done 10 15 [('name', 15), ('place', 10), ('year', 10)] True" in run_line


def test_every_step_is_audited_on_both_sides_and_the_run_keys_are_destroyed(world):
    for side in (world.a, world.b):
        actions = side.audit_actions()
        for event in (
            "partner.add",
            "partner.confirm",
            "partner.run.approve",
            "partner.run.read_names",
            "partner.run.finish",
        ):
            assert event in actions, (event, actions)
    # The data key under which the run's ephemeral secrets were sealed is destroyed (last field).
    assert world.state(world.a).splitlines()[0].endswith("True")
    assert world.state(world.b).splitlines()[0].endswith("True")


def test_a_message_file_holds_no_name_no_name_key_and_no_long_lived_secret(world):
    from passage.partners.matchkeys import keys_for

    needles = []
    for p in world.people_a + world.people_b:
        needles.append(p["name"])
        needles += keys_for([p["name"]], None, p["unit"], "").values()
        needles.append(p["unit"])
    for side in (world.a, world.b):
        script = SECRETS.format(passphrase=(side.dir / "passphrase").read_text())
        needles += side.run("shell", "-c", script).stdout.split()
    for i, path in enumerate(world.log["messages"]):
        receiver = world.b if i % 2 == 0 else world.a
        opened = path + ".opened"
        receiver.run(
            "shell",
            "-c",
            PEEK.format(
                passphrase=(receiver.dir / "passphrase").read_text(), path=path, out=opened
            ),
        )
        for blob in (Path(path).read_bytes(), Path(opened).read_bytes()):
            for needle in needles:
                assert needle.encode("utf-8") not in blob, (path, needle)
        inner = json.loads(Path(opened).read_bytes())
        assert set(inner) == {
            "format",
            "id",
            "from",
            "to",
            "kind",
            "run",
            "seq",
            "created",
            "expires",
            "body",
        }


def test_a_set_below_the_partners_minimum_is_refused(world):
    assert "below this partner's minimum of 100" in world.log["below_minimum"].stderr


def test_a_second_run_within_the_period_is_refused_on_both_sides(world):
    done = world.a.partners("open", world.log["fp_b"], by="coord1", check=False)
    assert "less than 30 days ago" in done.stderr
    forged = world.forge(world.file("again.msg"), str(uuid.uuid4()))
    _refused(world.b, forged, "asked again within 30 days")


def test_a_replayed_message_is_refused(world):
    _refused(world.b, world.log["messages"][0], "already received")
    _refused(world.a, world.log["messages"][3], "already received")


def test_a_tampered_message_is_refused(world):
    blob = bytearray(Path(world.log["messages"][2]).read_bytes())
    blob[len(blob) // 2] ^= 1
    path = world.file("tampered.msg")
    Path(path).write_bytes(bytes(blob))
    _refused(world.b, path, "altered")


def test_a_message_for_another_installation_is_refused(world):
    # B's own outgoing message is sealed to A: B cannot open it.
    _refused(world.b, world.log["messages"][1], "addressed to another installation")
    forged = world.forge(world.file("misaddressed.msg"), str(uuid.uuid4()), to="f" * 32)
    _refused(world.b, forged, "addressed to another installation")


def test_an_expired_message_is_refused(world):
    forged = world.forge(
        world.file("expired.msg"), str(uuid.uuid4()), expires="2020-01-01T00:00:00+00:00"
    )
    _refused(world.b, forged, "expired")
    forged = world.forge(world.file("undated.msg"), str(uuid.uuid4()), expires="next week")
    _refused(world.b, forged, "date or id does not read")


def test_a_blinded_set_other_than_the_committed_one_is_refused(world):
    assert world.log["switched"]  # refused, changing nothing, during the run (see the fixture)


def test_a_message_out_of_order_is_refused(world):
    forged = world.forge(world.file("late.msg"), world.log["run"], kind="reveal", seq=3)
    _refused(world.b, forged, "out of order")  # the run is done: it expects nothing more
    forged = world.forge(world.file("no-run.msg"), "not a run", kind="answer", seq=4)
    _refused(world.b, forged, "run id does not read")
    forged = world.forge(world.file("unknown-run.msg"), str(uuid.uuid4()), kind="answer", seq=4)
    _refused(world.b, forged, "run this installation does not know")


NEW_CASE = """
from django.utils import timezone
from passage.accounts.models import User
from passage.core.sealing import actions as sealing
from passage.intake.actions import log_new_request
sealing.unseal(passphrase={passphrase!r})
case = log_new_request(User.objects.get(username="coord1"), {{
    "names": [{name!r}], "channel": "phone", "received_at": timezone.now(), "language": "my",
    "urgency": 2, "unit": "LIB 55", "notes": "not for the partner"}})
print("pseudonym", case.person.pseudonym)
"""

REFERRED = """
from passage.cases.models import Person
from passage.core.sealing import actions as sealing
from passage.intake.models import Request
sealing.unseal(passphrase={passphrase!r})
for r in Request.objects.filter(channel="partner"):
    print("referred", r.person.names, r.person.unit, repr(r.notes), r.case.stage)
"""


def test_a_consented_referral_arrives_sealed_and_enters_the_ordinary_intake(world):
    a, b, name = world.a, world.b, "ကိုထက်အောင်လင်း"
    out = a.run("shell", "-c", NEW_CASE.format(passphrase=world.a_pass(), name=name)).stdout
    pseudonym = out.split("pseudonym ", 1)[1].splitlines()[0].strip()
    fp_b, path = world.log["fp_b"], world.file("referral.msg")
    refused = a.partners("refer", pseudonym, fp_b, "--consent", " ", by="coord1", check=False)
    assert "Record how the person agreed" in refused.stderr
    a.partners(
        "refer",
        pseudonym,
        fp_b,
        "--consent",
        "agreed on Signal, 3 Dec",
        "--fields",
        "unit",
        "--out",
        path,
        by="coord1",
    )
    assert name.encode() not in Path(path).read_bytes()
    assert b"LIB 55" not in Path(path).read_bytes()
    ack = world.file("referral-ack.msg")
    done = b.partners("receive", path, "--out", ack, by="coord1")
    assert "referral imported as a new request" in done.stdout
    referred = b.run("shell", "-c", REFERRED.format(passphrase=(b.dir / "passphrase").read_text()))
    assert f"referred ['{name}'] LIB 55 '' received" in referred.stdout
    assert "partner.referral.import" in b.audit_actions()
    assert "acknowledged" in a.partners("receive", ack, by="coord1").stdout
    assert {"partner.referral.send", "partner.referral.acknowledged"} <= set(a.audit_actions())
    _refused(b, path, "already received")
