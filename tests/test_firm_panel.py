"""The default dataset's firm × period panel: coverage, zeros vs nulls, no look-ahead."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layofflab.panel.features import add_cohort, add_shifts, check_balanced
from layofflab.panel.firm_panel import build_firm_panel

D = dt.date


def _cov(*rows):
    return pl.DataFrame(
        rows,
        schema={"source": pl.String, "company_id": pl.String, "start": pl.Date, "end": pl.Date},
        orient="row",
    )


FIRMS = pl.DataFrame({"company_id": ["AAA", "BBB", "CCC"]})
LAYOFFS = pl.DataFrame(
    {
        "company_id": ["AAA", "AAA", "BBB", None, "ZZZ"],
        "date": [D(2024, 1, 10), D(2024, 2, 1), D(2024, 8, 1), D(2024, 1, 1), D(2024, 1, 1)],
        "laid_off": [100, None, 40, 5, 7],
    }
)
WARN = pl.DataFrame(
    {
        "company_id": ["AAA", "AAA", "AAA"],
        "notice_date": [D(2024, 2, 2)] * 3,
        "employees_affected": [10, 20, 99],
        "notice_id": ["n1", "n1", "n1"],
        "counted": [True, True, False],
    }
)
ANN = pl.DataFrame(
    {
        "company_id": ["AAA", "BBB"],
        "announce_date": [D(2024, 4, 30), D(2024, 5, 2)],
        "event_type": ["guidance_raise", "partnership"],
        "source_tier": ["primary", "weak"],
    }
)
COVERAGE = _cov(
    ("tracker", None, D(2024, 1, 1), D(2024, 9, 30)),
    ("warn", None, D(2024, 1, 1), D(2024, 12, 31)),
    ("announcements", None, D(2024, 4, 1), D(2024, 12, 31)),
)


def _panel(**kw):
    args = dict(
        firms=FIRMS,
        layoffs=LAYOFFS,
        warn=WARN,
        announcements=ANN,
        coverage=COVERAGE,
        start="2024-01-01",
        end="2024-12-31",
    )
    args.update(kw)
    return build_firm_panel(**args)


def test_every_firm_every_period_even_without_any_event():
    p = _panel()
    assert p.data.height == 3 * 4
    check_balanced(p.data)
    ccc = p.data.filter(pl.col("company_id") == "CCC")
    assert ccc["layoff_events"].to_list() == [0, 0, 0, None]  # Q4 not covered by the tracker
    assert ccc["announcements"].to_list() == [None, 0, 0, 0]  # collected from Q2 only


def test_zero_where_covered_null_where_not_and_unknown_counts_counted():
    d = _panel().data.filter(pl.col("company_id") == "AAA")
    assert d["laid_off"].to_list() == [100, 0, 0, None]
    assert d["layoff_events"].to_list() == [2, 0, 0, None]
    assert d["layoff_events_unknown_count"].to_list() == [1, 0, 0, None]
    assert d["tracker_covered"].to_list() == [True, True, True, False]


def test_warn_counts_sites_of_a_notice_once_and_leaves_out_amendments():
    p = _panel()
    q1 = p.data.filter((pl.col("company_id") == "AAA") & (pl.col("quarter") == 1)).row(
        0, named=True
    )
    assert (q1["warn_workers"], q1["warn_notices"], q1["warn_sites"]) == (30, 1, 2)
    assert ("warn", "amendment already counted", 1) in p.funnel.rows()


def test_announcements_split_by_event_type_and_tier():
    d = _panel().data.filter(pl.col("quarter") == 2).sort("company_id")
    assert d["ann_guidance_raise"].to_list() == [1, 0, 0]
    assert d["ann_partnership"].to_list() == [0, 1, 0]
    assert d["ann_tier_weak"].to_list() == [0, 1, 0]


def test_funnel_accounts_for_every_input_row():
    p = _panel()
    lay = p.funnel.filter(pl.col("input") == "layoffs")
    assert lay["rows"].sum() == LAYOFFS.height
    assert dict(zip(lay["outcome"], lay["rows"], strict=True))["company not in the panel"] == 1
    assert dict(zip(lay["outcome"], lay["rows"], strict=True))["no company_id"] == 1


def test_financials_prefer_sec_xbrl_and_say_where_they_came_from():
    sec = pl.DataFrame(
        {
            "company_id": ["AAA"] * 4,
            "concept": ["capex", "capex", "total_assets", "capex"],
            "period_end": [D(2024, 3, 31), D(2024, 3, 31), D(2024, 3, 31), D(2024, 6, 30)],
            "value": [5.0, 6.0, 100.0, 7.0],
            "source_kind": ["press", "sec_xbrl", "sec_xbrl", "third_party"],
        }
    )
    d = _panel(sec=sec).data.filter(pl.col("company_id") == "AAA")
    assert d["capex_usd"].to_list()[:2] == [6.0, 7.0]
    assert d["capex_source_kind"].to_list()[:2] == ["sec_xbrl", "third_party"]
    assert d["capex_intensity"][1] == pytest.approx(7.0 / 100.0)
    assert d["capex_intensity"][0] is None  # no earlier assets


def test_a_52_53_week_quarter_lands_in_the_calendar_quarter_it_covers():
    # Apple's fiscal 2023: quarters ending 2023-04-01 and 2023-07-01 cover January-March and
    # April-June; the quarter their end date falls in (Q2, Q3) would shift them and make the
    # one ending 2023-09-30 collide with the one ending 2023-07-01
    ends = [D(2023, 4, 1), D(2023, 7, 1), D(2023, 9, 30), D(2023, 12, 30)]
    sec = pl.DataFrame(
        {
            "company_id": ["AAA"] * 4,
            "concept": ["capex"] * 4,
            "period_end": ends,
            "calendar_year": [2023] * 4,
            "calendar_quarter": pl.Series([1, 2, 3, 4], dtype=pl.Int8),
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    d = _panel(sec=sec, start="2023-01-01").data.filter(pl.col("company_id") == "AAA")
    assert d.filter(pl.col("year") == 2023)["capex_usd"].to_list() == [1.0, 2.0, 3.0, 4.0]


@given(st.permutations(range(4)))
@settings(max_examples=24, deadline=None)
def test_ties_in_a_quarter_are_broken_by_a_total_order_not_row_order(order):
    sec = pl.DataFrame(
        {
            "company_id": ["AAA"] * 4,
            "concept": ["capex"] * 4,
            "period_end": [D(2024, 3, 31), D(2024, 3, 31), D(2024, 3, 30), D(2024, 3, 31)],
            "filed": [D(2024, 5, 1), D(2025, 5, 1), D(2026, 1, 1), D(2024, 5, 1)],
            "value": [1.0, 2.0, 3.0, 4.0],
            "source_kind": ["sec_xbrl", "sec_xbrl", "sec_xbrl", "press"],
        }
    )[list(order)]
    d = _panel(sec=sec).data.filter(pl.col("company_id") == "AAA")
    # sec_xbrl before press, then the latest period end, then the latest filing
    assert d["capex_usd"][0] == 2.0


def test_headcount_is_the_latest_fiscal_year_end_never_a_future_one():
    hc = pl.DataFrame(
        {
            "company_id": ["AAA", "AAA", "AAA"],
            "period_end": [D(2023, 6, 30), D(2024, 6, 30), D(2024, 6, 30)],
            "employees": [1000, 1200, 1190],
            "basis": ["full-time"] * 3,
            "primary": [True, True, False],
        }
    )
    d = _panel(headcount=hc).data.filter(pl.col("company_id") == "AAA")
    assert d["headcount"].to_list() == [1000, 1200, 1200, 1200]
    assert d["headcount_period_end"].to_list()[:2] == [D(2023, 6, 30), D(2024, 6, 30)]
    assert (
        _panel(headcount=hc).data.filter(pl.col("company_id") == "BBB")["headcount"].null_count()
        == 4
    )


def test_monthly_panel_has_the_events_by_month():
    p = _panel(freq="month")
    assert p.data.height == 3 * 12
    feb = p.data.filter((pl.col("company_id") == "AAA") & (pl.col("period") == D(2024, 2, 1)))
    assert feb["layoff_events"].item() == 1 and feb["warn_workers"].item() == 30


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["AAA", "BBB", "CCC"]), st.integers(0, 364), st.integers(0, 500)),
        max_size=30,
    )
)
def test_panel_totals_equal_the_covered_input_totals(events):
    lay = pl.DataFrame(
        {
            "company_id": [e[0] for e in events],
            "date": [D(2024, 1, 1) + dt.timedelta(days=e[1]) for e in events],
            "laid_off": [e[2] for e in events],
        },
        schema={"company_id": pl.String, "date": pl.Date, "laid_off": pl.Int64},
    )
    p = build_firm_panel(
        firms=FIRMS,
        layoffs=lay,
        coverage=_cov(("tracker", None, D(2024, 1, 1), D(2024, 12, 31))),
        start="2024-01-01",
        end="2024-12-31",
    )
    assert p.data["laid_off"].sum() == lay["laid_off"].sum()
    assert p.data["layoff_events"].sum() == lay.height


def test_shifts_and_cohorts_on_the_panel():
    d = add_shifts(_panel().data, ["announcements"], lags=(1,), leads=(1,))
    aaa = d.filter(pl.col("company_id") == "AAA")
    assert aaa["announcements_lag1"].to_list() == [None, None, 1, 0]
    assert aaa["announcements_lead1"].to_list() == [1, 0, 0, None]
    c = add_cohort(d.with_columns(pl.col("announcements").fill_null(0) > 0), "announcements")
    assert c.filter(pl.col("company_id") == "CCC")["cohort"].null_count() == 4
