"""Latin spellings of Burmese syllables: a key folding safe variants, and a looser key."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_LETTER = re.compile(r"[^a-z]")
_VOWELS = "aeiou"

# Applied in order to a lower-case word. Each folds spellings that people use for one sound.
_SPELLING_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"o[ou]"), "u"),  # Htoo/Htu, Oo/U, Thoung
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: Winn/Win, Latt/Lat, Zinn/Zin
    (re.compile(r"wy"), "wi"),  # Wynn/Win
    (re.compile(r"ar(?![aeiouy])"), "a"),  # non-rhotic r: Marlar/Mala, Zar/Za
    (re.compile(r"ah$"), "a"),
    (re.compile(r"o[eh]$"), "o"),  # Soe/So/Soh, Moe/Mo
    (re.compile(r"(?:ay|ey|ae)$"), "e"),  # Htay/Hte, Nway/Nwe
    (re.compile(r"ine$"), "aing"),  # Nine/Naing, Hline/Hlaing
    (re.compile(r"ike$"), "aik"),  # Htike/Htaik
    (re.compile(r"ee$"), "i"),
]

# Looser still: aspiration, voicing and r/y are often not written the way they are said.
_LOOSE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^h(?=[lmnwy])"), ""),  # Hlaing/Laing, Hmwe/Mwe
    (re.compile(r"^ht"), "t"),  # Htun/Tun
    (re.compile(r"([kp])h"), r"\1"),  # Khin/Kin, Phyo/Pyo (th is another letter, သ)
    (re.compile(r"^hs"), "s"),  # Hsu/Su
    (re.compile(r"r"), "y"),  # ရ is said y: Thura/Thuya
    (re.compile(r"^g"), "k"),  # voicing in compounds: Galay/Kalay, Gyi/Kyi
    (re.compile(r"j"), "ky"),
    (re.compile(r"ei"), "e"),  # Nyein/Nyen
    (re.compile(r"ai(?=[^n]|$)"), "e"),  # Htaik/Htek ... Thaik
    (re.compile(r"(.)\1+"), r"\1"),
]


@lru_cache(maxsize=65536)  # pure, and called for every pair scored
def fold(text: str) -> str:
    """Lower-case ASCII letters only: accents dropped, everything else removed."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_LETTER.sub("", text.lower())


@lru_cache(maxsize=65536)  # pure, and called for every pair scored
def spelling_key(word: str) -> str:
    """Fold everyday spelling variants of one syllable to one form (Htoo, Htu → htu)."""
    w = fold(word)
    for pattern, repl in _SPELLING_RULES:
        w = pattern.sub(repl, w)
    return w


@lru_cache(maxsize=65536)  # pure, and called for every pair scored
def loose_key(word: str) -> str:
    """A coarser key for syllables never seen: also ignores aspiration, voicing and r/y."""
    w = spelling_key(word)
    for pattern, repl in _LOOSE_RULES:
        w = pattern.sub(repl, w)
    return w


def onset_rhyme(word: str) -> tuple[str, str]:
    """Split a spelling into leading consonants and the rest (Kyaw → ky, aw)."""
    w = fold(word)
    for i, ch in enumerate(w):
        if ch in _VOWELS or (ch == "y" and i > 0 and i + 1 < len(w) and w[i + 1] not in _VOWELS):
            return w[:i], w[i:]
    return w, ""


def split_camel(token: str) -> list[str]:
    """Split run-together capitalised words (MinAungHlaing → Min, Aung, Hlaing)."""
    parts = re.findall(r"[A-Z][a-z]+|[a-z]+|[A-Z]+(?![a-z])", token)
    return parts if parts and "".join(parts) == token else [token]
