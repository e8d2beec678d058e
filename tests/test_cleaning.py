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
    got = one(date_problem("v", today=today, required=True), ["1/1/1987", "1/1/2030", "", "x", "1/1/2026"])
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
    assert one(parse_float("v"), ["0.15", "$1,500", "15%", "NULL", "abc"]) == [0.15, 1500.0, 15.0, None, None]
