"""Properties: comparing is symmetric, and no input crashes the matcher."""

from hypothesis import given, settings
from hypothesis import strategies as st

from passage.names import InvalidName, compare

SYLLABLES = ["Aung", "Kyaw", "Htoo", "Win", "Soe", "Min", "Hlaing", "ကျော်", "ထူး", "ေအာင္", "U"]
names = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=4).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(names, names)
def test_compare_is_symmetric(a, b):
    assert compare(a, b)["score"] == compare(b, a)["score"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), names)
def test_garbage_gives_a_score_or_a_clear_error(junk, name):
    try:
        result = compare(junk, name)
    except InvalidName as e:
        assert str(e)
    else:
        assert 0.0 <= result["score"] <= 1.0


def test_ten_kilobytes_is_refused_quickly():
    try:
        compare("က" * 10_000, "Aung")
    except InvalidName as e:
        assert "at most" in str(e)
