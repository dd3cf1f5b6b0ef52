"""What every export shares: cells a spreadsheet would run as formulas are made inert."""

import pytest

from homeward.core.exports import neutralise_formula


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+381 11 123", "'+381 11 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Gnjilane = Gjilan", "Gnjilane = Gjilan"),
        ("Гњилане", "Гњилане"),
        (None, ""),
        (42, "42"),
        ({"b": 1, "a": "ш"}, '{"a": "ш", "b": 1}'),
        (["=x"], '["=x"]'),
    ],
)
def test_neutralise_formula(value, cell):
    assert neutralise_formula(value) == cell
