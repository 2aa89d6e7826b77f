"""The match keys a person contributes to an overlap count, from the matcher's canonical keys.

Three per person, each a whole name and never a single syllable: the whole name (loose syllable
keys, so spelling variants meet), the name with the birth year, and the name with the unit or
township. Burmese script, Zawgyi and each Latin spelling give the same keys (passage/names).
The keys never leave Passage: only their blinded points do (psi.py).
"""

import re
import unicodedata

from passage.names.parse import InvalidName, parse

DOMAIN = "passage-partners-v1"
_NOT_WORD = re.compile(r"[\W_]+")


def _place(text: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def keys_for(names: list[str], birth_year: int | None, unit: str, township: str) -> dict[str, str]:
    """The person's keys by kind (psi.KINDS); a kind is missing when its facts are unknown."""
    for name in names:
        try:
            parsed = parse(name)
        except InvalidName:
            continue
        if len(parsed.syllables) < 2:
            continue  # one syllable is far too common to say two records are one person
        strict = "-".join(s.key.key for s in parsed.syllables)
        out = {"name": f"{DOMAIN}|name|" + "-".join(s.key.loose for s in parsed.syllables)}
        if birth_year:
            out["year"] = f"{DOMAIN}|year|{strict}|{birth_year}"
        place = _place(unit) or _place(township)
        if place:
            out["place"] = f"{DOMAIN}|place|{strict}|{place}"
        return out
    return {}


def person_keys(person) -> dict[str, str]:
    birth_year = person.created_at.year - person.age if person.age else None
    return keys_for(list(person.names or []), birth_year, person.unit, person.township)


def sets_from(people) -> tuple[dict[str, list[str]], int]:
    """Each kind's distinct keys, and how many people contributed at least one."""
    from passage.partners.psi import KINDS

    sets: dict[str, set[str]] = {kind: set() for kind in KINDS}
    contributed = 0
    for person in people:
        keys = person_keys(person)
        if keys:
            contributed += 1
        for kind, key in keys.items():
            sets[kind].add(key)
    return {kind: sorted(values) for kind, values in sets.items()}, contributed
