"""The company × period panel: balanced, every input row accounted for."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layofflab.errors import InvalidArgumentError
from layofflab.panel import build_panel

rows = st.lists(
    st.tuples(
        st.sampled_from(["AMZN", "META", "MSFT", None]),
        st.dates(min_value=dt.date(2021, 6, 1), max_value=dt.date(2026, 6, 30)),
        st.one_of(st.none(), st.integers(0, 30000)),
    ),
    max_size=80,
)


@settings(max_examples=80, deadline=None)
@given(rows)
def test_panel_is_balanced_and_conserves_every_row(events):
    layoffs = pl.DataFrame(
        events,
        schema={"company_id": pl.String, "date": pl.Date, "laid_off": pl.Int64},
        orient="row",
    )
    p = build_panel(
        layoffs=layoffs, companies=["AMZN", "META"], start="2022-01-01", end="2025-12-31"
    )
    assert p.data.height == 2 * 16
    assert p.data.select("company_id", "period").is_unique().all()
    inside = [
        (c, d, n)
        for c, d, n in events
        if c in ("AMZN", "META") and dt.date(2022, 1, 1) <= d <= dt.date(2025, 12, 31)
    ]
    assert p.data["laid_off"].sum() == sum(n or 0 for *_, n in inside)
    assert p.data["layoff_events"].sum() == len(inside)
    assert p.funnel.filter(pl.col("input") == "layoffs")["rows"].sum() == len(events)


def test_capex_growth_and_warn_known_answer():
    layoffs = pl.DataFrame({"company_id": ["A"], "date": [dt.date(2023, 2, 1)], "laid_off": [10]})
    capex = pl.DataFrame(
        {
            "company_id": ["A"] * 5,
            "concept": ["capex"] * 5,
            "calendar_year": [2022, 2022, 2022, 2022, 2023],
            "calendar_quarter": [1, 2, 3, 4, 1],
            "value": [100.0, 110.0, 120.0, 130.0, 150.0],
        }
    )
    warn = pl.DataFrame(
        {
            "company_id": ["A", "A", "A"],
            "notice_date": [dt.date(2023, 1, 10)] * 3,
            "employees_affected": [40, 60, 60],
            "counted": [True, True, False],
        }
    )
    p = build_panel(
        layoffs=layoffs,
        capex=capex,
        warn=warn,
        companies=["A"],
        start="2022-01-01",
        end="2023-03-31",
    )
    last = p.data.row(-1, named=True)
    assert last["capex_usd"] == 150.0
    assert last["capex_yoy_growth"] == pytest.approx(0.5)
    assert (last["warn_notices"], last["warn_employees"], last["laid_off"]) == (2, 100, 10)
    assert p.data["capex_yoy_growth"].null_count() == 4
    assert p.funnel.filter(pl.col("outcome") == "amendment already counted")["rows"].to_list() == [
        1
    ]


def test_bad_arguments():
    layoffs = pl.DataFrame({"company_id": ["A"], "date": [dt.date(2023, 2, 1)], "laid_off": [10]})
    with pytest.raises(InvalidArgumentError, match="end="):
        build_panel(layoffs=layoffs, start="2024-01-01", end="2023-01-01")
    with pytest.raises(InvalidArgumentError, match="freq='week'"):
        build_panel(layoffs=layoffs, start="2023-01-01", end="2023-12-31", freq="week")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="laid_off"):
        build_panel(layoffs=layoffs.drop("laid_off"), start="2023-01-01", end="2023-12-31")
