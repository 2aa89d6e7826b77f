"""The synthetic demo data: what it loads, and that none of it is readable at rest."""

import csv
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from passage.accounts.actions import complete_setup
from passage.accounts.models import Cell, User
from passage.accounts.roles import Role
from passage.cases import demo_places as places
from passage.cases.demo import NAMES_TSV, PATHS, DemoError, load_demo_data
from passage.cases.lifecycle import TRANSITIONS, Stage
from passage.cases.models import Case, Person, TimelineEntry
from passage.cases.vocab import Region
from passage.core import audit
from passage.core.access import Action, can
from passage.core.models import AuditRecord
from passage.intake.models import Request
from passage.names.encoding import is_zawgyi, to_unicode
from tests.conftest import make_case

DEMO_CASES = 24
TOKEN = re.compile(r"g1:[A-Za-z0-9+/]+=*")


@pytest.fixture
def demo(db):
    return load_demo_data(cases=DEMO_CASES, seed=7)


# --- pure: the demo's own tables ----------------------------------------------------------------


def test_every_demo_path_is_a_chain_of_allowed_moves_ending_at_its_stage():
    assert set(PATHS) == set(Stage.values)
    for stage, paths in PATHS.items():
        for path in paths:
            steps = [Stage.RECEIVED, *path]
            assert all((a, b) in TRANSITIONS for a, b in zip(steps, steps[1:], strict=False))
            assert steps[-1] == stage


def test_demo_places_are_real_regions_and_bases_sit_in_their_township():
    assert set(places.TOWNSHIPS) == set(Region.values) - {"unknown"}
    assert set(places.REGION_WEIGHTS) == set(places.TOWNSHIPS)
    for unit, region, township in places.NAVY_UNITS + places.AIR_FORCE_UNITS:
        assert township in [latin for latin, _burmese in places.TOWNSHIPS[region]], unit


# --- loading ----------------------------------------------------------------------------------


def test_demo_loads_cases_over_every_stage_with_accounts_for_every_role(demo):
    assert Case.objects.count() == Person.objects.count() == DEMO_CASES
    assert Request.objects.count() == demo["requests"] >= DEMO_CASES
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert {a["role"] for a in demo["accounts"]} == set(Role.values)
    assert sorted(Cell.objects.filter(name__startswith="Demo ").values_list("name", flat=True)) == [
        "Demo Border",
        "Demo North",
        "Demo South",
    ]
    assert Case.objects.filter(cell__isnull=False).count() >= DEMO_CASES * 0.7
    assert set(Person.objects.values_list("branch", flat=True)) >= {"army", "police"}
    assert audit.verify().ok


def test_demo_timelines_match_the_stage_and_lie_in_the_past(demo):
    for case in Case.objects.prefetch_related("timeline"):
        entries = list(case.timeline.all())
        assert entries[0].kind == TimelineEntry.Kind.REQUEST
        moves = [e for e in entries if e.kind == TimelineEntry.Kind.STAGE]
        assert (moves[-1].to_stage if moves else Stage.RECEIVED) == case.stage
        assert case.opened_at <= case.stage_changed_at
        assert [e.at for e in entries] == sorted(e.at for e in entries)
    opened = sorted(Case.objects.values_list("opened_at", flat=True))
    assert (opened[-1] - opened[0]).days > 30, "the queue should look lived-in over months"


def test_demo_accounts_sign_in_with_the_printed_password(demo):
    for account in demo["accounts"]:
        user = User.objects.get(username=account["username"])
        assert user.role == account["role"]
        assert user.check_password(account["password"])


def test_demo_refuses_to_load_twice(demo):
    with pytest.raises(DemoError, match="already loaded"):
        load_demo_data(cases=5)
    assert Case.objects.count() == DEMO_CASES


def test_demo_refuses_an_installation_that_holds_real_cases(people):
    make_case(people["coordinator"])
    with pytest.raises(DemoError, match="real cases"):
        load_demo_data(cases=5)
    assert Case.objects.count() == 1
    assert not Cell.objects.filter(name__startswith="Demo ").exists()


def test_demo_from_setup_gives_the_new_coordinator_some_cases(db):
    coordinator = complete_setup(
        organisation_name="Trying Passage", username="first", password="a long test password"
    )
    result = load_demo_data(actor=coordinator, cases=30, seed=3)
    assert Role.COORDINATOR not in {a["role"] for a in result["accounts"]}
    assigned = Case.objects.filter(assignees=coordinator)
    assert 0 < assigned.count() < 30
    assert can(coordinator, Action.VIEW_IDENTITY, assigned.first())
    assert result["organisation"] == "Trying Passage"


def test_demo_names_are_unicode_even_when_typed_in_zawgyi(demo):
    assert demo["zawgyi_converted"] > 0
    with NAMES_TSV.open(encoding="utf-8") as f:
        known_burmese = {row["burmese_unicode"] for row in csv.DictReader(f, delimiter="\t")}
    burmese = [
        name
        for person in Person.objects.all()
        for name in person.names
        if re.search("[\u1000-\u109f]", name)
    ]
    assert burmese
    for name in burmese:
        assert not is_zawgyi(name) and to_unicode(name) == name
        assert name in known_burmese


def test_the_command_loads_synthetic_data_and_prints_the_accounts(db):
    out = StringIO()
    call_command("demo", "--cases", "3", stdout=out)
    text = out.getvalue()
    assert "SYNTHETIC" in text
    for user in User.objects.all():
        assert user.username in text
    assert Case.objects.count() == 3


@pytest.mark.parametrize("bad", ["0", "5001", "lots"])
def test_the_command_refuses_a_bad_number_of_cases(db, bad):
    with pytest.raises(CommandError):
        call_command("demo", "--cases", bad, stdout=StringIO())
    assert not Case.objects.exists()


# --- nothing readable at rest -----------------------------------------------------------------


def _plaintexts() -> set[str]:
    """Every identifying value the demo stored, read back through the ORM (which decrypts)."""
    with NAMES_TSV.open(encoding="utf-8") as f:
        zawgyi = {
            r["burmese_unicode"]: r["burmese_zawgyi"] for r in csv.DictReader(f, delimiter="\t")
        }
    values: set[str] = set()
    for person in Person.objects.all():
        values.update(person.names)
        values.update(zawgyi[n] for n in person.names if n in zawgyi)
        values.update([person.unit, person.township, person.contact_handle])
    values.update(r.notes for r in Request.objects.all())
    values.update(e.note for e in TimelineEntry.objects.all())
    values.discard("")
    return values


def _appears(secret: str, text: str) -> bool:
    if secret not in text:
        return False
    if re.fullmatch(r"[A-Za-z0-9 ]+", secret):
        # A Latin name only counts as a whole word: "Aung" inside a random salt is no leak.
        bounded = rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])"
        return re.search(bounded, text) is not None
    return True


def _raw_values():
    """Every value of every column of every table, straight from the database driver."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                yield from (value for value in row if value is not None)


def _as_text(value) -> list[str]:
    if isinstance(value, memoryview | bytes):
        return [bytes(value).decode("utf-8", "replace")]
    if isinstance(value, dict | list):
        return [json.dumps(value, ensure_ascii=False)]
    text = str(value)
    texts = [text]
    if text[:1] in "{[":
        # JSON columns may hold Burmese as \u escapes: look at the decoded text too.
        try:
            texts.append(json.dumps(json.loads(text), ensure_ascii=False))
        except ValueError:
            pass
    return texts


def test_the_database_holds_no_name_contact_or_note_in_clear(demo):
    secrets = _plaintexts()
    assert len(secrets) > DEMO_CASES * 3
    clear, sealed = [], 0
    for value in _raw_values():
        for text in _as_text(value):
            if TOKEN.fullmatch(text):
                sealed += 1
            else:
                clear.append(text)
    corpus = "\n".join(clear)
    # The dump really reads the data: the pseudonyms are stored in clear, the rest sealed.
    assert all(p in corpus for p in Person.objects.values_list("pseudonym", flat=True))
    assert sealed >= DEMO_CASES * 4
    leaks = sorted(s for s in secrets if _appears(s, corpus))
    assert leaks == []


def test_the_audit_details_hold_no_names(demo):
    secrets = _plaintexts()
    records = AuditRecord.objects.all()
    assert records.count() > DEMO_CASES * 2
    text = "\n".join(
        f"{r.action} {r.actor_name} {r.object_type} {r.object_id} "
        f"{json.dumps(r.detail, ensure_ascii=False)}"
        for r in records
    )
    assert sorted(s for s in secrets if _appears(s, text)) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the database file is SQLite's")
def test_the_sqlite_database_file_holds_no_name_in_clear(demo):
    raw = connection.connection.serialize()
    assert Person.objects.first().pseudonym.encode() in raw
    text = TOKEN.sub("", raw.decode("utf-8", "replace"))
    # JSON columns keep Burmese as \u escapes, which are just as readable: undo them too.
    text += "\n" + re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text)
    # Short Latin names could turn up by chance in binary page data; the table dump checks those.
    # No word boundaries here: in a page, one column's bytes run straight into the next one's.
    checked = [s for s in _plaintexts() if not s.isascii() or len(s) >= 6]
    assert checked
    assert sorted(s for s in checked if s in text) == []
