"""The blind name index in the database: keyed hashes of canonical name keys → records.

Hashes are made by passage.names (HMAC-SHA256 of each blocking key, with a key derived from the
master key), so a copy of the table reveals no name. Lookups hash the query's keys the same way,
fetch the records filed under them, and leave exact scoring to the caller (screen.py).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count

from passage.core import crypto
from passage.names import InvalidName, NameIndex, parse
from passage.names.index import blocking_keys
from passage.names.table import load

from .models import BlindKey

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


def candidates(names: Iterable[str], kinds: Iterable[str] | None = None) -> dict[str, set]:
    """Record ids by kind sharing a blocking key with any of the names (before exact scoring)."""
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
    if not pairs and not singles:
        return {}
    rows = BlindKey.objects.filter(version=VERSION)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
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
    found: dict[str, set] = defaultdict(set)
    for kind, record_id in rows.filter(digest__in=wanted).values_list("kind", "record_id"):
        found[kind].add(record_id)
    return found
