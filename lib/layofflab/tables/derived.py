"""The derived tables' builders: the default dataset's panels from the processed tables.

Examples
--------
>>> PANEL_DEPENDS
('firms', 'layoffs', 'warn', 'announcements', 'capex', 'headcount', 'coverage')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal, cast

import polars as pl

from layofflab.panel import Panel
from layofflab.panel.firm_panel import build_firm_panel
from layofflab.sources._base import Cleaned

__all__ = ["PANEL_DEPENDS", "PANEL_START", "announcement_coverage", "firm_panel"]

#: The tables the panels are built from.
PANEL_DEPENDS = ("firms", "layoffs", "warn", "announcements", "capex", "headcount", "coverage")
#: First quarter of the default panel.
PANEL_START = dt.date(2019, 1, 1)


def announcement_coverage(announcements: pl.DataFrame) -> pl.DataFrame:
    """Coverage rows of the announcements source, from the window each row declares."""
    window = announcements.select(
        pl.col("collected_from").min().alias("start"), pl.col("collected_to").max().alias("end")
    )
    return window.select(
        source=pl.lit("announcements"),
        company_id=pl.lit(None, dtype=pl.String),
        start="start",
        end="end",
    )


def firm_panel(deps: Mapping[str, Cleaned], *, freq: Literal["quarter", "month"]) -> Panel:
    """Build the firm panel of the default dataset from its processed tables."""
    cov = deps["coverage"].data.select("source", "company_id", "start", "end")
    ann = deps["announcements"].data
    coverage = pl.concat([cov, announcement_coverage(ann)])
    layoffs = deps["layoffs"].data.filter(pl.col("company_id").is_not_null())
    ends = [
        layoffs["date"].max(),
        deps["warn"].data["notice_date"].max(),
        ann["announce_date"].max(),
        coverage["end"].max(),
    ]
    # polars types Series.max() as any literal; that of a Date column is a date
    end = cast(dt.date, max(d for d in ends if d is not None))
    return build_firm_panel(
        firms=deps["firms"].data.select("company_id"),
        layoffs=deps["layoffs"].data,
        warn=deps["warn"].data,
        announcements=ann,
        sec=deps["capex"].data,
        headcount=deps["headcount"].data,
        coverage=coverage,
        start=PANEL_START,
        end=end,
        freq=freq,
    )
