"""Timing in the capex study: order within a quarter, and cuts month by month.

Which came first within a quarter, and cuts month by month around each announcement.

* :func:`order_within_quarter` — for every firm-quarter with both a reported layoff and an
  announcement, whether the first layoff came before the first announcement (so a quarterly
  design must not count it as a response: the study's treatments enter with lags only);
* :func:`monthly_window` — layoff events and workers in each month from ``before`` months before
  to ``after`` months after each announcement (the firm × month panel; a month the tracker does
  not cover is left out, never counted as zero), with the firm's average month as a reference.

Examples
--------
>>> import datetime as dt, polars as pl
>>> lay = pl.DataFrame({"company_id": ["A", "A"], "date": [dt.date(2025, 10, 28), dt.date(2025, 4, 1)],
...                     "laid_off": [14000, 50]})
>>> ann = pl.DataFrame({"company_id": ["A"], "announce_date": [dt.date(2025, 10, 30)],
...                     "event_type": ["guidance_raise"]})
>>> order_within_quarter(lay, ann).select("quarter", "first_layoff", "first_announcement", "layoff_first").rows()
[('2025-Q4', datetime.date(2025, 10, 28), datetime.date(2025, 10, 30), True)]
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from layofflab.checks import check_columns, check_scalar

__all__ = ["GUIDANCE_TYPES", "monthly_window", "order_within_quarter"]

#: Event types of the guidance treatment.
GUIDANCE_TYPES = ("guidance", "guidance_raise", "guidance_cut")


def _quarter(col: str) -> pl.Expr:
    return pl.col(col).dt.strftime("%Y-Q") + pl.col(col).dt.quarter().cast(pl.String)


def order_within_quarter(
    layoffs: pl.DataFrame, announcements: pl.DataFrame, *, event_types: Sequence[str] = ()
) -> pl.DataFrame:
    """Firm-quarters with both a layoff event and an announcement, and which came first."""
    check_columns(layoffs, ["company_id", "date"], name="layoffs")
    check_columns(announcements, ["company_id", "announce_date"], name="announcements")
    ann = announcements
    if event_types:
        ann = ann.filter(pl.col("event_type").is_in(list(event_types)))
    first_lay = (
        layoffs.drop_nulls("company_id")
        .group_by("company_id", quarter=_quarter("date"))
        .agg(first_layoff=pl.col("date").min(), layoffs=pl.len())
    )
    first_ann = ann.group_by("company_id", quarter=_quarter("announce_date")).agg(
        first_announcement=pl.col("announce_date").min(), announcements=pl.len()
    )
    both = first_lay.join(first_ann, on=["company_id", "quarter"], how="inner")
    return both.with_columns(
        layoff_first=pl.col("first_layoff") < pl.col("first_announcement")
    ).sort("quarter", "company_id")


def monthly_window(
    panel_month: pl.DataFrame,
    announcements: pl.DataFrame,
    *,
    event_types: Sequence[str] = GUIDANCE_TYPES,
    before: int = 6,
    after: int = 6,
) -> pl.DataFrame:
    """Cuts by month relative to each announcement month, beside the firms' average month.

    Returns one row per relative month: announcements contributing (those whose month the
    tracker covers), mean layoff events, share of months with any cut, mean workers, and the
    same firms' mean over every covered month (``reference_*``).
    """
    check_scalar(before, "before", int, min_val=0, max_val=24)
    check_scalar(after, "after", int, min_val=0, max_val=24)
    check_columns(
        panel_month,
        ["company_id", "period", "time_index", "laid_off", "layoff_events", "tracker_covered"],
        name="panel_month",
    )
    ann = announcements.filter(pl.col("event_type").is_in(list(event_types))).select(
        "company_id", month=pl.col("announce_date").dt.truncate("1mo")
    )
    months = panel_month.select("company_id", "period", "time_index")
    anchors = ann.join(months, left_on=["company_id", "month"], right_on=["company_id", "period"])
    covered = panel_month.filter(pl.col("tracker_covered")).select(
        "company_id", "time_index", "laid_off", "layoff_events"
    )
    rel = pl.DataFrame({"rel_month": list(range(-before, after + 1))})
    cells = anchors.join(rel, how="cross").with_columns(
        time_index=pl.col("time_index") + pl.col("rel_month")
    )
    window = cells.join(covered, on=["company_id", "time_index"], how="inner")
    firms = anchors["company_id"].unique().to_list()
    ref = covered.filter(pl.col("company_id").is_in(firms))
    ref_events = ref["layoff_events"].mean()
    ref_any = (ref["layoff_events"] > 0).mean()
    ref_workers = ref["laid_off"].mean()
    return (
        window.group_by("rel_month")
        .agg(
            announcements=pl.len(),
            mean_events=pl.col("layoff_events").mean(),
            share_any_cut=(pl.col("layoff_events") > 0).mean(),
            mean_workers=pl.col("laid_off").mean(),
        )
        .join(rel, on="rel_month", how="right")
        .select(
            "rel_month",
            pl.col("announcements").fill_null(0),
            "mean_events",
            "share_any_cut",
            "mean_workers",
        )
        .with_columns(
            reference_mean_events=pl.lit(ref_events),
            reference_share_any_cut=pl.lit(ref_any),
            reference_mean_workers=pl.lit(ref_workers),
        )
        .sort("rel_month")
    )
