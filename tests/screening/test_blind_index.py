"""The blind index: keyed hashes only, add and remove without rebuild, and a reindex command."""

from io import StringIO

from django.core.management import call_command
from django.db import connection

from passage.screening import blind
from passage.screening.models import BlindKey, Kind
from tests.conftest import make_case
from tests.screening.helpers import import_list


def all_cells_of(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed table name
        return " ".join(str(v) for row in cursor.fetchall() for v in row).casefold()


def test_no_name_is_stored_in_clear(people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    import_list(people["coordinator"])
    stored = all_cells_of(BlindKey._meta.db_table)
    assert BlindKey.objects.filter(kind=Kind.PERSON).exists()
    for fragment in ("kyaw", "htoo", "htu", "soe", "ကျော်", "ထူး", "ေက်ာ္"):
        assert fragment not in stored
    for table in ("cases_person", "screening_watchlistentry", "screening_hit"):
        cells_text = all_cells_of(table)
        assert "kyaw" not in cells_text and "ကျော်" not in cells_text


def test_records_are_added_and_removed_without_a_rebuild(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    before = BlindKey.objects.count()
    blind.unfile_record(Kind.PERSON, case.person.pk)
    assert BlindKey.objects.count() < before
    assert Kind.PERSON not in blind.candidates(["Kyaw Htoo"])
    blind.file_record(Kind.PERSON, case.person.pk, case.person.names)
    assert blind.candidates(["Kyawe Htu"])[Kind.PERSON] == {case.person.pk}
    assert BlindKey.objects.count() == before


def test_reindex_rebuilds_the_same_keys(people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    import_list(people["coordinator"])
    before = set(BlindKey.objects.values_list("digest", "kind", "record_id"))
    BlindKey.objects.all().delete()
    out = StringIO()
    call_command("screening", "reindex", stdout=out)
    assert set(BlindKey.objects.values_list("digest", "kind", "record_id")) == before
    assert "1 person records, 2 watchlist records" in out.getvalue()


def test_common_single_syllables_do_not_flood_the_candidates(people, cells, monkeypatch):
    monkeypatch.setattr(blind, "MAX_POSTING", 2)
    for name in ("Aung Min", "Aung Soe", "Aung Thu"):
        make_case(people["coordinator"], cell=cells["north"], names=[name])
    found = blind.candidates(["Aung Kyaw"]).get(Kind.PERSON, set())
    assert found == set()  # "Aung" alone is crowded; the pair "Aung Kyaw" is filed nowhere
