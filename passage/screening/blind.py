"""The blind name index in the database: keyed hashes of canonical name keys → records.

Hashes are made by passage.names (HMAC-SHA256 of each blocking key, with a key derived from the
master key), so a copy of the table reveals no name. Lookups hash the query's keys the same way,
fetch the records filed under them, and leave exact scoring to the caller (screen.py).
"""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count

from passage.core import crypto
from passage.names import InvalidName, NameIndex, parse
from passage.names.index import blocking_keys
from passage.names.table import load

from .models import BlindKey, Kind

INDEX_KEY_PURPOSE = "passage blind index v1"
VERSION = 1
# A single-syllable key filed under more records than this is skipped when the name also has
# syllable-pair keys: "Aung" alone would pull in a tenth of all records.
MAX_POSTING = 2000


def hasher() -> NameIndex:
    """A NameIndex used only for its keyed hash (the postings live in the database)."""
    return NameIndex(crypto.derive_key(INDEX_KEY_PURPOSE), table=load())


def digests_for(names: Iterable[str], index: NameIndex | None = None) -> set[str]:
    """Hex digests every readable name in `names` is filed under (unreadable names are skipped)."""
    index = index or hasher()
    out: set[str] = set()
    for name in names:
        try:
            out.update(h.hex() for h in index.hashed_keys(name))
        except InvalidName:
            continue
    return out


def file_record(kind: str, record_id, names: Iterable[str], index: NameIndex | None = None):
    """File (or re-file) one record under its names: no rebuild, only this record's rows change."""
    unfile_record(kind, record_id)
    BlindKey.objects.bulk_create(
        BlindKey(digest=d, kind=kind, record_id=record_id, version=VERSION)
        for d in sorted(digests_for(names, index))
    )


def unfile_record(kind: str, record_id) -> None:
    BlindKey.objects.filter(kind=kind, record_id=record_id).delete()


class Candidates(dict):
    """Record ids by kind; `capped` says, for each kind the cap cut short, how many matched."""

    def __init__(self):
        super().__init__()
        self.capped: dict[str, int] = {}


def candidates(
    names: Iterable[str], kinds: Iterable[str] | None = None, *, exclude=None, capped: bool = True
):
    """Record ids by kind sharing a blocking key with any of the names (before exact scoring).

    At most settings.SCREENING_CANDIDATE_CAP records of each kind are returned, those sharing
    the most keys (as NameIndex.candidates with a budget): "Aung Aung" may share a key with
    thousands of earlier people, and each candidate costs a decryption and an exact score.
    `exclude` (the subject's own record) does not take a place under the cap. `capped=False`
    scores every candidate: for a list record screened against earlier people, where a missed
    infiltrator costs more than a slow save.
    """
    index = hasher()
    pairs: set[str] = set()
    singles: set[str] = set()
    for name in names:
        try:
            plain = blocking_keys(parse(name, load()))
        except InvalidName:
            continue
        for key in plain:
            (singles if key.startswith("1:") else pairs).add(index.hash(key).hex())
    found = Candidates()
    if not pairs and not singles:
        return found
    rows = BlindKey.objects.filter(version=VERSION)
    if exclude is not None:
        rows = rows.exclude(record_id=exclude)
    wanted = set(pairs)
    if pairs and singles:
        crowded = {
            r["digest"]
            for r in rows.filter(digest__in=singles)
            .values("digest")
            .annotate(n=Count("id"))
            .filter(n__gt=MAX_POSTING)
        }
        wanted |= singles - crowded
    else:
        wanted |= singles
    cap = settings.SCREENING_CANDIDATE_CAP if capped else None
    for kind in Kind.values if kinds is None else kinds:
        shared = (
            rows.filter(digest__in=wanted, kind=kind)
            .values("record_id")
            .annotate(shared=Count("id"))
            .order_by("-shared", "record_id")
        )
        ids = [r["record_id"] for r in (shared if cap is None else shared[: cap + 1])]
        if cap is not None and len(ids) > cap:
            found.capped[kind] = shared.count()
            ids = ids[:cap]
        if ids:
            found[kind] = set(ids)
    return found
