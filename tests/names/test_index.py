"""NameIndex: keyed-hash candidate lookup, add and remove without rebuilding, exact scoring."""

import pytest

from passage.names import NameIndex

KEY = b"k" * 32


@pytest.fixture
def index():
    idx = NameIndex(KEY)
    idx.add_many([(1, "Kyaw Htoo"), (2, "Win Soe"), (3, "Min Aung Hlaing"), (4, "Aung Aung")])
    return idx


def test_search_finds_spelling_and_script_variants(index):
    assert [h[0] for h in index.search("Kyawe Htu")] == [1]
    assert [h[0] for h in index.search("ေက်ာ္ထူး")] == [1]
    assert [h[0] for h in index.search("Hlaing, Min Aung")] == [3]


def test_order_is_respected(index):
    assert index.search("Soe Win") == []


def test_remove_and_readd_without_rebuild(index):
    index.remove(1)
    assert index.search("Kyaw Htoo") == [] and len(index) == 3
    index.add(1, "Kyaw Htoo")
    assert index.search("Kyaw Htoo")[0][0] == 1


def test_hashes_reveal_no_name_and_depend_on_the_key(index):
    hashed = index.hashed_keys("Kyaw Htoo")
    assert all(b"kyaw" not in h and b"htu" not in h for h in hashed)
    assert NameIndex(b"z" * 32).hashed_keys("Kyaw Htoo") != hashed


def test_resolver_scores_from_the_callers_store():
    store = {7: "Zaw Lin Htut"}
    idx = NameIndex(KEY, resolve=store.__getitem__)
    idx.add(7, store[7])
    assert idx.search("Zaw Linn Htut")[0][0] == 7


def test_short_keys_are_refused():
    with pytest.raises(ValueError):
        NameIndex(b"short")
