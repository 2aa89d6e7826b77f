"""compare, compare_pairs and explain: scores, reasons and the parse a vetter sees."""

import pytest

from passage.names import DEFAULT_THRESHOLD, InvalidName, compare, compare_pairs, explain


def test_compare_returns_score_same_and_reasons():
    result = compare("Kyaw Htoo", "Kyaw Htu")
    assert set(result) == {"score", "same", "reasons"}
    assert result["score"] == 1.0 and result["same"] is True


def test_reason_names_the_burmese_syllable():
    reasons = compare("Htoo", "Htu")["reasons"]
    assert "Htoo ≈ Htu: same syllable ထူး" in reasons


def test_order_matters():
    assert compare("Soe Win", "Win Soe")["score"] < DEFAULT_THRESHOLD


def test_a_missing_syllable_is_another_name():
    assert compare("Min Aung", "Min Aung Hlaing")["same"] is False


def test_rank_is_evidence_but_not_the_name():
    differ = compare("Capt. Zaw Min", "Maj. Zaw Min")
    agree = compare("Capt. Zaw Min", "Capt Zaw Min")
    assert differ["same"] and differ["score"] < agree["score"]
    assert any("ranks differ" in r for r in differ["reasons"])


def test_common_names_say_so():
    reasons = compare("Aung Aung", "Aung Aung")["reasons"]
    assert any("common name" in r for r in reasons)


def test_compare_pairs_adds_columns_and_keeps_others():
    rows = [{"a": "Kyaw Htoo", "b": "ေက်ာ္ထူး", "id": "7"}, {"a": "", "b": "Aung"}]
    out = list(compare_pairs(rows))
    assert out[0]["same"] is True and out[0]["id"] == "7"
    assert out[1]["error"] and out[1]["score"] == ""


def test_explain_shows_titles_keys_and_frequency():
    e = explain("Lt. Col. Hlaing, Min Aung")
    assert [s["key"] for s in e["syllables"]] == ["min", "aung", "hlaing"]
    assert e["ranks"] == ["lieutenant-colonel"] and e["inverted"] is True
    assert e["frequency"]["one_in"] >= 1


@pytest.mark.parametrize("bad", ["", "   ", "!!!", "12345", "၁၂၃", "x" * 500])
def test_bad_names_raise_a_clear_error(bad):
    with pytest.raises(InvalidName):
        compare(bad, "Aung")
