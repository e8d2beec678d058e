"""The article's claims checked against the shipped data: every claim present, figures traced."""

from __future__ import annotations

import polars as pl
import pytest

from layofflab import tables
from layofflab.errors import InvalidArgumentError
from layofflab.studies.claims import ARTICLE, ClaimsOptions, run_claims


@pytest.fixture(scope="module")
def claims():
    return run_claims()


def test_every_claim_is_listed_with_a_reason(claims):
    t = claims.table
    assert t.height == 8
    assert t["reason"].str.len_chars().min() > 10
    for needle in ("14,000", "4,700", "engineers", "27,000", "19,000", "100,000", "capex"):
        assert t["claim"].str.contains(needle).any(), needle
    tech = t.filter(pl.col("claim").str.contains("100,000")).row(0, named=True)
    assert tech["toolkit"] == "—" and "tracker_paths" in tech["reason"]


def test_figures_equal_what_the_tables_say(claims):
    warn = tables.load("warn").data
    wa = warn.filter(
        (pl.col("company_id") == "AMZN")
        & (pl.col("state") == "WA")
        & (pl.col("notice_date") == pl.date(2025, 10, 28))
        & pl.col("counted")
    )["employees_affected"].sum()
    by = dict(claims.warn_by_state.select("state", "workers_2025_10_28").rows())
    assert by["WA"] == wa == 2303 and by["NY"] == 287
    row = claims.table.filter(pl.col("claim").str.contains("4,700")).row(0, named=True)
    assert row["toolkit"] == f"{sum(by.values()):,}"
    lay = tables.load("layoffs").data
    msft = lay.filter((pl.col("company_id") == "MSFT") & (pl.col("date").dt.year() == 2025))
    row = claims.table.filter(pl.col("claim").str.contains("Microsoft")).row(0, named=True)
    assert row["toolkit"] == f"{msft['laid_off'].sum():,}"
    assert f"{msft['laid_off'].null_count()} without a count" in row["reason"]


def test_engineer_share_comes_from_the_classified_titles(claims):
    share = claims.table.filter(pl.col("claim").str.contains("40%")).row(0, named=True)
    value = float(share["toolkit"].rstrip("%")) / 100
    assert abs(value - ARTICLE["engineer_share"]) < 0.05


def test_capex_growth_only_for_firms_with_all_eight_quarters(claims):
    g = claims.capex_growth
    assert (
        g.filter(pl.col("growth").is_not_null())
        .select((pl.col("quarters_2024") == 4) & (pl.col("quarters_2025") == 4))
        .to_series()
        .all()
    )


def test_options_are_checked():
    with pytest.raises(InvalidArgumentError, match="tracker_paths"):
        ClaimsOptions(tracker_paths="x.csv")


@pytest.mark.realdata
def test_industry_totals_from_a_full_tracker_export(shared_data):
    full = shared_data / "layoffs" / "layoffs_fyi_2020_2026_databyab.csv"
    t = run_claims(ClaimsOptions(tracker_paths=(str(full),))).table
    y2025 = t.filter(pl.col("claim") == "more than 100,000 tech layoffs in 2025").row(0, named=True)
    assert int(y2025["toolkit"].replace(",", "")) > 100_000
    assert t.filter(pl.col("claim").str.starts_with("tech layoffs in")).height == 3
