import pytest

from passage.exports.cells import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("ကျော်ထူး", "ကျော်ထူး"),
        ("Kyaw = Htoo", "Kyaw = Htoo"),
        (3, 3),
        (True, True),
        (None, ""),
    ],
)
def test_formula_starts_are_neutralised(value, expected):
    assert safe_cell(value) == expected
