import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passage.core.sealing import shamir

secrets_ = st.binary(min_size=1, max_size=40)


@st.composite
def k_and_n(draw):
    n = draw(st.integers(2, 7))
    return draw(st.integers(2, n)), n


@settings(max_examples=60, deadline=None)
@given(secret=secrets_, kn=k_and_n())
def test_any_k_shares_give_back_the_secret(secret, kn):
    k, n = kn
    shares = shamir.split(secret, k, n)
    for subset in itertools.combinations(shares, k):
        assert shamir.combine(list(subset)) == secret


@settings(max_examples=60, deadline=None)
@given(secret=st.binary(min_size=16, max_size=32), kn=k_and_n())
def test_k_minus_1_shares_do_not_give_the_secret(secret, kn):
    k, n = kn
    shares = shamir.split(secret, k, n)
    if k - 1 >= 2:
        assert shamir.combine(shares[: k - 1]) != secret


def test_a_single_share_is_uniformly_random_in_each_byte():
    # With k >= 2 each y is the secret byte plus a random polynomial term: over many splits of
    # the same secret, the first share's byte takes many values, not the secret's.
    seen = {shamir.split(b"\x00", 2, 3)[0][1] for _ in range(3000)}
    assert len(seen) > 240


def test_text_shares_round_trip_and_a_typo_is_named():
    share = shamir.split(b"secret key bytes", 2, 3)[1]
    text = shamir.encode(share, 2)
    assert shamir.decode(text) == (2, share)
    typo = text[:8] + ("0" if text[8] != "0" else "1") + text[9:]
    with pytest.raises(shamir.ShareError, match="share 2 is mistyped"):
        shamir.decode(typo)


def test_the_same_share_twice_is_refused():
    share = shamir.split(b"x" * 32, 2, 3)[0]
    with pytest.raises(shamir.ShareError):
        shamir.combine([share, share])
