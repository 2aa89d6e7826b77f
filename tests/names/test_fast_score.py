"""The credit-only score used to rank candidates equals the full score, to the last bit."""

import csv
from itertools import product
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passage.names import InvalidName, NameIndex, parse
from passage.names.compare import score_only, score_parsed
from passage.names.table import load

CASES = Path(__file__).with_name("cases.tsv")
# Run-together words (Thuya, Zeya), their parts, titles, ranks and both scripts, so every kind of
# alignment step and name-level adjustment is drawn.
PARTS = [
    "Aung", "Kyaw", "Kyawe", "Htoo", "Htu", "Win", "Winn", "Soe", "Min", "Hlaing", "Hline",
    "Thu", "Ya", "Thuya", "Thura", "Zeya", "Zay", "Yar", "Tun", "Htun", "Khin", "Kin",
    "ကျော်", "ထူး", "ေအာင္", "သူ", "ရ", "U", "Daw", "Capt", "Maj", "Gen", "Ma", "Ko",
]  # fmt: skip
names = st.lists(st.sampled_from(PARTS), min_size=1, max_size=5).map(" ".join)


def assert_same_score(a: str, b: str) -> None:
    table = load()
    try:
        pa, pb = parse(a, table), parse(b, table)
    except InvalidName:
        return
    assert score_only(pa, pb) == score_parsed(pa, pb, table)[0], (a, b)


def test_fast_score_equals_full_score_on_every_pair_of_case_names():
    with CASES.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    written = sorted({r["a"] for r in rows} | {r["b"] for r in rows})
    for a, b in product(written, repeat=2):
        assert_same_score(a, b)


@settings(max_examples=400, deadline=None)
@given(names, names)
def test_fast_score_equals_full_score(a, b):
    assert_same_score(a, b)


def test_search_many_returns_what_search_returns_in_order():
    index = NameIndex(b"k" * 32)
    index.add_many(enumerate(["Kyaw Htoo", "Win Soe", "Min Aung Hlaing", "Thu Ya", "Aung Aung"]))
    queries = ["Kyawe Htu", "Thuya", "Soe Win", "Hlaing, Min Aung", "ေက်ာ္ထူး"] * 3
    expected = [index.search(q) for q in queries]
    assert any(expected) and not all(expected)
    assert index.search_many(queries, processes=2) == expected
    assert index.search_many(queries, processes=1) == expected


def test_search_reasons_are_those_of_the_full_comparison():
    index = NameIndex(b"k" * 32)
    index.add(1, "Kyaw Htoo")
    [(record_id, score, reasons)] = index.search("Kyawe Htu")
    table = load()
    full = score_parsed(parse("Kyawe Htu", table), parse("Kyaw Htoo", table), table)
    assert (record_id, score, reasons) == (1, round(full[0], 4), full[1])


def test_candidates_under_a_budget_are_those_sharing_the_most_keys():
    index = NameIndex(b"k" * 32)
    # Every record shares "Aung"; only the last three also share "Kyaw" and the pair.
    index.add_many([(i, f"Aung Zaw{'n' * (i % 5)} Min {i}") for i in range(40)])
    index.add_many([(100 + i, "Aung Kyaw") for i in range(3)])
    assert index.candidates("Aung Kyaw", budget=3) == {100, 101, 102}
    assert len(index.candidates("Aung Kyaw", budget=10)) == 10


def test_search_many_raises_the_clear_error_of_a_bad_name_from_a_worker():
    index = NameIndex(b"k" * 32)
    index.add(1, "Kyaw Htoo")
    with pytest.raises(InvalidName, match="no name"):
        index.search_many(["Kyaw Htoo", "1234"] * 10, processes=2)
