"""Each cleaning rule, with known answers and property tests."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layofflab.cleaning import (
    count_is_approximate,
    count_problem,
    date_problem,
    normalize_text,
    null_markers,
    parse_count,
    parse_date,
    parse_float,
    strip_trailing_punctuation,
)


def one(expr: pl.Expr, values: list) -> list:
    return pl.DataFrame({"v": values}, schema={"v": pl.String}).select(expr).to_series().to_list()


def test_missing_markers_become_null():
    values = ["", "  ", "NULL", "null", "N/A", "-", "TBD", "Unknown", "none", None, "Acme"]
    assert one(null_markers("v"), values) == [None] * 10 + ["Acme"]


@pytest.mark.parametrize(
    ("raw", "count", "approx", "problem"),
    [
        ("1,200", 1200, False, None),
        ("16000.0", 16000, False, None),
        ("~500", 500, True, None),
        ("Up to 300", 300, True, None),
        ("about 40", 40, True, None),
        ("200+", 200, True, None),
        (" 7 ", 7, False, None),
        ("NULL", None, False, None),
        ("-15", None, False, "negative count"),
        ("12.5", None, False, "fractional count"),
        ("5000000", None, False, "absurd count (> 1,000,000)"),
        ("many", None, False, "unparseable count"),
    ],
)
def test_counts(raw, count, approx, problem):
    assert one(parse_count("v"), [raw]) == [count]
    assert one(count_is_approximate("v"), [raw]) == [approx]
    assert one(count_problem("v"), [raw]) == [problem]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=1_000_000), st.booleans(), st.booleans())
def test_formatted_integers_round_trip(n, thousands, float_suffix):
    text = f"{n:,}" if thousands else str(n)
    text += ".0" if float_suffix else ""
    assert one(parse_count("v"), [text]) == [n]
    assert one(count_problem("v"), [text]) == [None]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3/6/2023", dt.date(2023, 3, 6)),
        ("03/06/2023", dt.date(2023, 3, 6)),
        ("3/6/23", dt.date(2023, 3, 6)),
        ("2023-03-06", dt.date(2023, 3, 6)),
        ("2023-03-06 00:00:00", dt.date(2023, 3, 6)),
        ("44991", dt.date(2023, 3, 6)),
        ("44991.0", dt.date(2023, 3, 6)),
        ("Mar 6, 2023", dt.date(2023, 3, 6)),
        ("March 6, 2023", dt.date(2023, 3, 6)),
        ("6-Mar-23", dt.date(2023, 3, 6)),
        ("13/45/2023", None),
        ("TBD", None),
    ],
)
def test_dates(raw, expected):
    assert one(parse_date("v"), [raw]) == [expected]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1988, 1, 1), max_value=dt.date(2060, 12, 31)))
def test_every_supported_date_format_agrees(day):
    serial = (day - dt.date(1899, 12, 30)).days
    texts = [
        f"{day.month}/{day.day}/{day.year}",
        day.isoformat(),
        day.strftime("%b %d, %Y"),
        str(serial),
    ]
    assert one(parse_date("v"), texts) == [day] * 4


def test_impossible_dates_are_problems():
    today = dt.date(2026, 11, 28)
    got = one(
        date_problem("v", today=today, required=True), ["1/1/1987", "1/1/2030", "", "x", "1/1/2026"]
    )
    assert got == [
        "implausible date (before 1988-01-01)",
        "implausible date (after 2027-11-28)",
        "missing date",
        "unparseable date",
        None,
    ]


def test_text_normalization():
    raw = ["  Ben &amp; Jerry&#39;s   Inc ", "Cafe\u0301", "A\u00a0B", "   ", "x &nbsp;y"]
    assert one(normalize_text("v"), raw) == ["Ben & Jerry's Inc", "Café", "A B", None, "x y"]
    assert one(strip_trailing_punctuation("v"), ["United States.", "U.S.", "Spain"]) == [
        "United States",
        "U.S",
        "Spain",
    ]


def test_floats_and_percentages():
    # A percent sign divides by 100 (issue 14: '0.5%' was read as a share of 0.5).
    assert one(parse_float("v"), ["0.15", "$1,500", "15%", "NULL", "abc"]) == [
        0.15,
        1500.0,
        0.15,
        None,
        None,
    ]


# --- distinct-value evaluation and the normalize_text fast path ---------------------------------

_PIECES = st.sampled_from(
    [
        " ",
        "  ",
        "\t",
        "\n",
        "\u00a0",
        "\u2003",
        "&amp;",
        "&rsquo;",
        "&#39;",
        "&",
        "é",
        "e\u0301",
        "Ben",
        "Jerry",
        "NULL",
        "n/a",
        "1,200",
        "~500",
        "3/6/2023",
        "2023-03-06",
        "Up to 3",
        "-",
    ]
)
_TEXTS = st.one_of(st.none(), st.lists(_PIECES, max_size=6).map("".join), st.text(max_size=12))


def _normalize_row_by_row(expr: pl.Expr) -> pl.Expr:
    """normalize_text as it was before its fast path: every step on every row."""
    import html

    decoded = (
        pl.when(expr.str.contains("&", literal=True))
        .then(expr.map_elements(html.unescape, return_dtype=pl.String, skip_nulls=True))
        .otherwise(expr)
    )
    return (
        decoded.str.normalize("NFC")
        .str.replace_all(r"[\s\u00a0]+", " ")
        .str.strip_chars()
        .replace("", None)
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=40))
def test_normalize_text_equals_every_step_on_every_row(values):
    df = pl.DataFrame({"t": values}, schema={"t": pl.String})
    got = df.select(normalize_text("t"))
    assert got.equals(df.select(_normalize_row_by_row(pl.col("t"))))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_TEXTS, _TEXTS), min_size=1, max_size=60), st.booleans())
def test_per_value_equals_evaluating_every_row(pairs, collide):
    from layofflab.cleaning import evaluate_stages, per_value

    df = pl.DataFrame(
        {"a": [a for a, _ in pairs] * 3, "b": [b for _, b in pairs] * 3},
        schema={"a": pl.String, "b": pl.String},
    )
    stages = [
        {"_t_a": null_markers(normalize_text("a"))},
        {"n": parse_count("_t_a"), "d": parse_date("_t_a"), "j": pl.concat_str("_t_a", "b")},
    ]
    expected = evaluate_stages(df, stages)
    if collide:  # every row hashes alike: the result must not depend on the hash
        hash_rows = pl.DataFrame.hash_rows
        pl.DataFrame.hash_rows = lambda self, *a, **k: pl.repeat(
            7, self.height, dtype=pl.UInt64, eager=True
        )
        try:
            got = per_value(df, ["a", "b"], stages, min_rows=0)
        finally:
            pl.DataFrame.hash_rows = hash_rows
    else:
        got = per_value(df, ["a", "b"], stages, min_rows=0)
    assert got.equals(expected)
    assert got.columns == ["n", "d", "j"]


def test_text_below_u0300_is_already_nfc():
    """normalize_text skips NFC on text whose characters are all below U+0300: no such
    character, alone or followed by another, changes under NFC (polars' NFC agrees)."""
    import unicodedata

    chars = [chr(c) for c in range(0x20, 0x300)]
    assert all(unicodedata.normalize("NFC", c) == c for c in chars)
    pairs = [a + b for a in chars for b in chars]
    assert all(unicodedata.normalize("NFC", p) == p for p in pairs)
    assert pl.Series(pairs).str.normalize("NFC").to_list() == pairs
    # and text with a combining mark or beyond is still normalized
    assert one(normalize_text("v"), ["Cafe\u0301", "e\u0301\u00e9", "\u00e9"]) == [
        "Café",
        "éé",
        "é",
    ]


def test_null_markers_on_trimmed_text_equals_trimming():
    values = [
        "",
        "NULL",
        "null",
        "N/A",
        "-",
        "TBD",
        "\u212aNOWN",
        "UN\u212aNOWN",
        "Acme",
        None,
        "x" * 40,
    ]
    assert one(null_markers("v", trimmed=True), values) == one(null_markers("v"), values)
    assert one(null_markers("v"), ["UN\u212aNOWN", "  nUlL ", "\u2014"]) == [None, None, None]
