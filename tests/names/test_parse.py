"""Parsing: scripts, encodings, titles, ranks, inversions and run-together words."""

from passage.names import parse
from passage.names.encoding import is_zawgyi, normalise, to_unicode


def texts(name):
    return [s.text for s in parse(name).syllables]


def test_zawgyi_is_detected_and_converted():
    assert is_zawgyi("ေက်ာ္ထူး")
    assert to_unicode("ေက်ာ္ထူး") == "ကျော်ထူး"
    assert not is_zawgyi("ကျော်ထူး") and not is_zawgyi("Kyaw")


def test_normalise_drops_zero_width_and_reads_burmese_digits():
    assert normalise("ကျော်\u200bထူး ၁၂") == "ကျော်ထူး 12"


def test_burmese_is_split_into_syllables():
    assert texts("မင်းအောင်လှိုင်") == ["မင်း", "အောင်", "လှိုင်"]


def test_titles_and_ranks_are_set_aside_and_kept():
    p = parse("Police Capt. U Kyaw Zin")
    assert texts("Police Capt. U Kyaw Zin") == ["Kyaw", "Zin"]
    assert p.ranks == ("police", "captain") and "U" in p.titles and p.genders == {"m"}


def test_burmese_rank_and_honorific():
    p = parse("ဗိုလ်မှူးကြီး ဦးကျော်ထူး")
    assert [s.text for s in p.syllables] == ["ကျော်", "ထူး"]
    assert p.ranks == ("colonel",)


def test_doubled_honorific_is_a_name():
    assert texts("Ko Ko") == ["Ko", "Ko"] and texts("ဦးဦး") == ["ဦး", "ဦး"]


def test_comma_inversion():
    p = parse("Hlaing, Min Aung")
    assert texts("Hlaing, Min Aung") == ["Min", "Aung", "Hlaing"] and p.inverted


def test_run_together_words_are_split():
    assert texts("MinAungHlaing") == ["Min", "Aung", "Hlaing"]
    assert texts("Thurein") == ["Thu", "rein"]


def test_unseen_burmese_syllable_still_gets_a_latin_key():
    # ဂျူး is not in the table: the fallback spells it from onset and rhyme rules.
    key = parse("ဂျူး").syllables[0].key
    assert not key.known and key.key.isascii()


def test_mixed_script_name():
    assert [s.script for s in parse("Kyaw ထူး").syllables] == ["latin", "my"]
