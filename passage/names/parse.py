"""Parse a name: titles and ranks set aside, order restored, syllables split and keyed."""

from __future__ import annotations

import itertools
import re
import weakref
from dataclasses import dataclass, field

from . import burmese, latin, titles
from .encoding import is_unsure, normalise, other_reading, to_unicode
from .table import SyllableKey, SyllableTable, load

MAX_LENGTH = 200  # longer than any real name with its titles; refuse rather than guess


class InvalidName(ValueError):
    """The text cannot be read as a name; the message says why."""


@dataclass(frozen=True)
class Syllable:
    """One syllable as written, with its script and its keys."""

    text: str
    script: str  # "my", "latin" or "other"
    key: SyllableKey
    # A number no other Syllable object ever gets, so scores can be cached by small int keys
    # (hashing the fields each time cost more than the scoring it saved). Not compared.
    sid: int = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "sid", next(_syllable_ids))


@dataclass(frozen=True)
class ParsedName:
    """A name taken apart: syllables in order, and the titles and ranks set aside."""

    original: str
    syllables: tuple[Syllable, ...]
    titles: tuple[str, ...] = ()
    ranks: tuple[str, ...] = ()
    genders: frozenset[str] = field(default_factory=frozenset)
    inverted: bool = False

    @property
    def keys(self) -> list[str]:
        return [s.key.key for s in self.syllables]


_syllable_ids = itertools.count()
_WORD = re.compile(r"[\u1000-\u109f]+|[^\W\d_\u1000-\u109f]+")
_RANK_SPLIT = re.compile(r"[\s.\-]+")


def parse(text: str, table: SyllableTable | None = None) -> ParsedName:
    """Parse a name in Burmese (Unicode or Zawgyi) or Latin; raise InvalidName if there is none."""
    if not isinstance(text, str):
        raise InvalidName("a name must be text")
    if len(text) > MAX_LENGTH:
        raise InvalidName(f"a name is at most {MAX_LENGTH} characters")
    table = table or load()
    raw, text = text, normalise(text)
    if is_unsure(raw):
        # Short names fool the detector (Zawgyi လွ is Unicode လှ): take the reading whose
        # syllables the table knows better.
        other = normalise(other_reading(raw))
        if _known_share(other, table) > _known_share(text, table):
            text = other
    inverted = False
    found_titles: list[str] = []
    ranks: list[str] = []
    genders: set[str] = set()
    parts = [p for p in text.split(",") if _WORD.search(p)]
    pieces = [_set_aside(p, found_titles, ranks, genders) for p in parts]
    if len(pieces) == 2 and pieces[0] and pieces[1]:
        pieces.reverse()  # "Hlaing, Min Aung" is Min Aung Hlaing
        inverted = True
    words = [w for piece in pieces for w in piece]
    syllables = tuple(s for w in words for s in _syllables(w, table))
    if not syllables:
        raise InvalidName("no name found in the text" + (" (only titles)" if found_titles else ""))
    return ParsedName(
        text, syllables, tuple(found_titles), tuple(ranks), frozenset(genders - {""}), inverted
    )


def _known_share(text: str, table: SyllableTable) -> float:
    syls = [
        s for run in _WORD.findall(text) if burmese.is_burmese(run) for s in burmese.syllables(run)
    ]
    return sum(s in table.burmese_key for s in syls) / max(len(syls), 1)


def _set_aside(part: str, found: list[str], ranks: list[str], genders: set[str]) -> list[str]:
    """Strip leading ranks and honorifics from one comma-separated part; return its name words."""
    words = [w for w in _RANK_SPLIT.split(part.strip()) if w]
    while words:
        lower = [latin.fold(w) for w in words]
        code, used = titles.match_rank(lower)
        if code and len(words) > used:
            found.append(" ".join(words[:used]))
            ranks.append(code)
            words = words[used:]
            continue
        first = lower[0]
        doubled = len(lower) > 1 and lower[1] == first  # Ko Ko, Ma Ma are names
        if first in titles.HONORIFICS and len(words) > 1 and not doubled:
            found.append(words[0])
            genders.add(titles.HONORIFICS[first])
            words = words[1:]
            continue
        stripped = _burmese_title(words, found, ranks, genders)
        if stripped is None:
            break
        words = stripped
    return words


def _burmese_title(words: list[str], found: list[str], ranks: list[str], genders: set[str]):
    """Strip one Burmese rank or honorific from the front, or return None if there is none."""
    head = words[0]
    if not "\u1000" <= head[:1] <= "\u109f":
        return None  # every Burmese title starts with a Burmese letter
    for title, code in [*titles.BURMESE_RANKS.items(), *titles.BURMESE_HONORIFICS.items()]:
        if not head.startswith(title):
            continue
        rest = head[len(title) :]
        if rest and (title in titles.BURMESE_NEED_SPACE or not burmese.syllables(rest)):
            continue
        if rest.startswith(title) or (not rest and len(words) == 1):
            continue  # ဦးဦး is a name; a lone title is the name itself
        found.append(title)
        if title in titles.BURMESE_RANKS:
            ranks.append(code)
        else:
            genders.add(code)
        return ([rest] if rest else []) + words[1:]
    return None


# Per table, each word's syllables: a million names use a few thousand distinct words, and
# Syllable is immutable, so the parse of a word is shared rather than redone.
_WORD_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_WORD_CACHE_MAX = 200_000


def _syllables(word: str, table: SyllableTable) -> tuple[Syllable, ...]:
    """Split one word into keyed syllables, by script (cached per table)."""
    cache = _WORD_CACHE.get(table)
    if cache is None:
        cache = _WORD_CACHE[table] = {}
    found = cache.get(word)
    if found is None:
        if len(cache) >= _WORD_CACHE_MAX:
            cache.clear()
        found = cache[word] = tuple(_split_word(word, table))
    return found


def _split_word(word: str, table: SyllableTable) -> list[Syllable]:
    out: list[Syllable] = []
    for run in _WORD.findall(word):
        if burmese.is_burmese(run):
            out += [Syllable(s, "my", table.burmese(s)) for s in burmese.syllables(run)]
        elif latin.fold(run):
            for camel in latin.split_camel(run):
                out += [Syllable(p, "latin", table.latin(p)) for p in table.segment(camel)]
        else:
            key = to_unicode(run).casefold()
            out.append(Syllable(run, "other", SyllableKey(key, key, False, "")))
    return out
