"""Event time, binning, labels and capex spikes: examples, invariants, errors."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from layofflab.errors import InvalidArgumentError
from layofflab.panel.events import (
    bin_rel_time,
    capex_spike_events,
    event_time,
    period_index,
    rel_label,
)


@st.composite
def panels(draw: st.DrawFn) -> pl.DataFrame:
    """Random unbalanced panels with random event indicators (seeded by hypothesis)."""
    n_units = draw(st.integers(1, 6))
    rows = []
    for u in range(n_units):
        times = draw(st.lists(st.integers(-5, 30), min_size=1, max_size=12, unique=True))
        for t in times:
            rows.append((f"u{u}", t, draw(st.sampled_from([True, False, None]))))
    df = pl.DataFrame(
        rows, schema={"unit": pl.String, "t": pl.Int64, "ev": pl.Boolean}, orient="row"
    )
    return df.sample(fraction=1.0, shuffle=True, seed=draw(st.integers(0, 2**16)))


@settings(max_examples=60, deadline=None)
@given(df=panels())
def test_event_time_invariants(df: pl.DataFrame) -> None:
    out = event_time(df, unit="unit", time="t", event="ev")
    assert out.select("unit", "t", "ev").equals(df)  # rows and order untouched
    treated = out.filter(pl.col("cohort").is_not_null())
    assert (treated["rel_time"] + treated["cohort"] == treated["t"]).all()
    # the cohort is the first true period; never-treated units have nulls
    firsts = (
        df.filter(pl.col("ev").fill_null(False))
        .group_by("unit")
        .agg(pl.col("t").min().alias("first"))
    )
    check = out.join(firsts, on="unit", how="left")
    assert check.select((pl.col("cohort").eq_missing(pl.col("first"))).all()).item()
    assert out.filter(pl.col("cohort").is_null())["rel_time"].is_null().all()
    # exactly one rel_time == 0 row per treated unit, no treated unit has an event before
    assert treated.filter(pl.col("rel_time") == 0)["unit"].n_unique() == treated["unit"].n_unique()
    assert not treated.filter((pl.col("rel_time") < 0) & pl.col("ev").fill_null(False)).height


@settings(max_examples=60, deadline=None)
@given(df=panels(), leads=st.integers(1, 6), lags=st.integers(0, 8))
def test_binning_and_labels(df: pl.DataFrame, leads: int, lags: int) -> None:
    out = event_time(df, unit="unit", time="t", event="ev").with_columns(
        bin_rel_time("rel_time", leads=leads, lags=lags).alias("b")
    )
    out = out.with_columns(rel_label("b", leads=leads, lags=lags).alias("label"))
    b = out["b"].drop_nulls()
    assert b.is_empty() or (b.min() >= -leads and b.max() <= lags)
    inside = out.filter(pl.col("rel_time").is_between(-leads + 1, lags - 1))
    assert (inside["b"] == inside["rel_time"]).all()
    plus = out.filter(pl.col("label").str.ends_with("+"))
    assert plus["b"].is_in([-leads, lags]).all()
    assert out["label"].drop_nulls().str.contains(r"^rel_-?\d+\+?$").all()
    # labels identify binned values one to one
    pairs = out.select("b", "label").drop_nulls().unique()
    assert pairs["b"].n_unique() == pairs["label"].n_unique() == pairs.height


def test_event_date_column_and_zero_means_never() -> None:
    df = pl.DataFrame(
        {
            "u": ["a", "a", "a", "b", "b", "c", "c"],
            "t": [1, 2, 3, 1, 2, 1, 2],
            "g": [2, 2, 2, 0, 0, None, None],
        }
    )
    out = event_time(df, unit="u", time="t", event_date="g", cohort_name="G", name="e")
    assert out["G"].to_list() == [2, 2, 2, None, None, None, None]
    assert out["e"].to_list() == [-1, 0, 1, None, None, None, None]


def test_event_and_event_date_routes_agree() -> None:
    df = pl.DataFrame(
        {
            "u": [1, 1, 1, 2, 2, 2],
            "t": [4, 5, 6, 4, 5, 6],
            "ev": [False, True, True, False, False, False],
            "g": [5, 5, 5, None, None, None],
        }
    )
    a = event_time(df, unit="u", time="t", event="ev")
    b = event_time(df, unit="u", time="t", event_date="g")
    assert_frame_equal(a.select("cohort", "rel_time"), b.select("cohort", "rel_time"))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({}, "event"),
        ({"event": "ev", "event_date": "g"}, "event"),
        ({"event": "nope"}, "event"),
        ({"event": "g"}, "event"),  # not Boolean
        ({"event_date": "ev"}, "event_date"),  # not integer
    ],
)
def test_event_time_errors(kwargs: dict, name: str) -> None:
    df = pl.DataFrame({"u": [1], "t": [1], "ev": [True], "g": [1]})
    with pytest.raises(InvalidArgumentError) as err:
        event_time(df, unit="u", time="t", **kwargs)
    assert err.value.name == name


def test_event_time_needs_an_integer_time() -> None:
    df = pl.DataFrame({"u": [1], "t": [dt.date(2020, 1, 1)], "ev": [True]})
    with pytest.raises(InvalidArgumentError, match="period_index"):
        event_time(df, unit="u", time="t", event="ev")


@settings(max_examples=50, deadline=None)
@given(d=st.dates(dt.date(1990, 1, 1), dt.date(2090, 1, 1)))
def test_period_index_steps_by_one(d: dt.date) -> None:
    next_q = dt.date(d.year + (d.month > 9), (((d.month - 1) // 3 + 1) % 4) * 3 + 1, 1)
    next_m = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    df = pl.DataFrame({"d": [d, next_q, next_m, dt.date(d.year + 1, d.month, 1)]})
    q = df.select(period_index("d"))["d"].to_list()
    m = df.select(period_index("d", freq="month"))["d"].to_list()
    y = df.select(period_index("d", freq="year"))["d"].to_list()
    assert q[1] - q[0] == 1 and q[3] - q[0] == 4
    assert m[2] - m[0] == 1 and m[3] - m[0] == 12
    assert y[3] - y[0] == 1


def test_period_index_rejects_unknown_frequency() -> None:
    with pytest.raises(InvalidArgumentError):
        period_index("d", freq="week")  # type: ignore[arg-type]


def test_rel_label_without_endpoints() -> None:
    r = pl.DataFrame({"r": [-4, 0, 8]})
    assert r.select(rel_label("r"))["r"].to_list() == ["rel_-4", "rel_0", "rel_8"]


def test_capex_spike_trailing_mean_by_hand() -> None:
    # unit a: trailing mean of the 3 previous periods; b shows min_periods and nulls
    df = pl.DataFrame(
        {
            "f": ["a"] * 6 + ["b"] * 4,
            "q": [1, 2, 3, 4, 5, 6, 1, 2, 3, 4],
            "capex": [10.0, 20.0, 30.0, 41.0, 100.0, 50.0, 5.0, None, 12.0, 30.0],
        }
    )
    out = capex_spike_events(df, unit="f", time="q", k=2.0, window=3, min_periods=2)
    # a: q3 mean(10,20)=15 -> 30 > 30? no; q4 mean(10,20,30)=20 -> 41 > 40 yes;
    #    q5 mean(20,30,41)=30.33 -> 100 yes; q6 mean(30,41,100)=57 -> no
    # b: q2 null capex; q3 one earlier value (< min_periods); q4 mean(5,12)=8.5 -> yes
    assert out["capex_spike"].to_list() == [
        None,
        None,
        False,
        True,
        True,
        False,
        None,
        None,
        None,
        True,
    ]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_capex_spikes_ignore_row_order(seed: int) -> None:
    df = pl.DataFrame(
        {
            "f": ["a"] * 5 + ["b"] * 5,
            "q": list(range(5)) * 2,
            "capex": [1.0, 1.0, 5.0, 1.0, 9.0, 2.0, 2.0, 2.0, 7.0, 2.0],
        }
    )
    want = capex_spike_events(df, unit="f", time="q", k=2.0, window=2)
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=seed)
    got = capex_spike_events(shuffled, unit="f", time="q", k=2.0, window=2)
    assert_frame_equal(got.sort("f", "q"), want.sort("f", "q"))
    assert got.select("f", "q").equals(shuffled.select("f", "q"))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"k": 0}, "k"),
        ({"window": 0}, "window"),
        ({"window": 2, "min_periods": 3}, "min_periods"),
        ({"capex": "x"}, "capex"),
    ],
)
def test_capex_spike_errors(kwargs: dict, name: str) -> None:
    df = pl.DataFrame({"f": [1], "q": [1], "capex": [1.0]})
    with pytest.raises(InvalidArgumentError) as err:
        capex_spike_events(df, unit="f", time="q", **kwargs)
    assert err.value.name == name


def test_bin_rel_time_rejects_bad_window() -> None:
    with pytest.raises(InvalidArgumentError):
        bin_rel_time("r", leads=0, lags=2)
    with pytest.raises(InvalidArgumentError):
        bin_rel_time("r", leads=2, lags=-1)
