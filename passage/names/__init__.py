"""Burmese name handling and matching: pure Python, imports nothing from Django."""

from .compare import DEFAULT_THRESHOLD, compare, compare_pairs, explain
from .index import NameIndex
from .parse import InvalidName, ParsedName, parse
from .reasons import Reason

__all__ = [
    "DEFAULT_THRESHOLD",
    "InvalidName",
    "NameIndex",
    "ParsedName",
    "Reason",
    "compare",
    "compare_pairs",
    "explain",
    "parse",
]
