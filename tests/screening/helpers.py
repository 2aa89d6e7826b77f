"""Shared helpers for screening tests: lists made through the real import, hits through intake."""

from passage.screening import actions, imports
from passage.screening.models import Hit, ImportBatch, Kind, WatchlistEntry
from tests.conftest import make_case

WATCHLIST_CSV = (
    "reference,names,unit,township,rank,age,source,confidence,notes\n"
    "W-1,Kyawe Htu;ေက်ာ္ထူး,LIB 999,Monywa,corporal,28,informant,high,seen at the checkpoint\n"
    "W-2,Soe Win,IB 12,Hpakant,,,,low,\n"
)
ABUSE_CSV = (
    "reference,date,place,units,perpetrators,description,sources\n"
    "A-1,2022-12-06,Monywa,Light Infantry Battalion 999;LID 33,Lt. Kyaw Htoo;Capt Than Oo,"
    "village burned,witness statements\n"
)


def batch_from(actor, kind: str, text: str, filename: str = "list.csv") -> ImportBatch:
    parsed = imports.parse_file(kind, filename, text.encode("utf-8"))
    return ImportBatch.objects.create(
        kind=kind, filename=filename, rows=parsed.rows, errors=parsed.errors, uploaded_by=actor
    )


def import_list(actor, kind: str = Kind.WATCHLIST, text: str = WATCHLIST_CSV) -> int:
    return actions.commit_import(actor, batch_from(actor, kind, text))


def make_hit(coordinator, cell) -> Hit:
    """A case in `cell` with a watchlist hit on it."""
    if not Hit.objects.filter(other_kind=Kind.WATCHLIST).exists():
        import_list(coordinator)
    case = make_case(coordinator, cell=cell)
    return Hit.objects.filter(case=case, other_kind=Kind.WATCHLIST).first()


def watchlist_entry(coordinator) -> WatchlistEntry:
    """W-1 of the imported watchlist (Kyawe Htu), importing it if need be."""
    if not WatchlistEntry.objects.exists():
        import_list(coordinator)
    return WatchlistEntry.objects.get(reference="W-1")
