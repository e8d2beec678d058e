"""Tidy summaries of cleaned tables: monthly totals and top companies.

Examples
--------
>>> import datetime as dt, polars as pl
>>> events = pl.DataFrame({
...     "company": ["A", "B", "A", "C"],
...     "date": [dt.date(2025, 1, 5), dt.date(2025, 1, 20), dt.date(2025, 3, 1), dt.date(2025, 3, 2)],
...     "laid_off": [100, None, 50, 10],
... })
>>> monthly_layoffs(events).to_dicts()
[{'month': datetime.date(2025, 1, 1), 'events': 2, 'events_with_count': 1, 'laid_off': 100}, {'month': datetime.date(2025, 2, 1), 'events': 0, 'events_with_count': 0, 'laid_off': 0}, {'month': datetime.date(2025, 3, 1), 'events': 2, 'events_with_count': 2, 'laid_off': 60}]
>>> top_companies(events, n=1).to_dicts()
[{'company': 'A', 'events': 2, 'laid_off': 150, 'first': datetime.date(2025, 1, 5), 'last': datetime.date(2025, 3, 1)}]
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, cast

import polars as pl

from layofflab.errors import InvalidArgumentError

__all__ = ["monthly_layoffs", "top_companies"]


def _require(df: pl.DataFrame, columns: list[str], name: str = "df") -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InvalidArgumentError(name, df.columns, expected=f"a frame with columns {missing}")


def monthly_layoffs(
    df: pl.DataFrame,
    *,
    date: str = "date",
    count: str = "laid_off",
    every: Literal["1mo", "1q", "1y"] = "1mo",
) -> pl.DataFrame:
    """Events and workers laid off per calendar period, with empty periods as zeros.

    ``events`` counts every event; ``events_with_count`` only those with a
    reported count, so readers can see how much of ``laid_off`` is missing.
    """
    _require(df, [date, count])
    if every not in ("1mo", "1q", "1y"):
        raise InvalidArgumentError("every", every, expected="'1mo', '1q' or '1y'")
    period = pl.col(date).dt.truncate(every).alias("month")
    out = (
        df.group_by(period)
        .agg(
            pl.len().cast(pl.Int64).alias("events"),
            pl.col(count).is_not_null().sum().cast(pl.Int64).alias("events_with_count"),
            pl.col(count).sum().cast(pl.Int64).alias("laid_off"),
        )
        .sort("month")
    )
    if out.is_empty():
        return out
    # polars types Series.min()/max() as any literal; those of a Date (or Datetime) column are dates
    lo, hi = cast(dt.date, out["month"].min()), cast(dt.date, out["month"].max())
    grid = pl.DataFrame({"month": pl.date_range(lo, hi, every, eager=True)})
    return grid.join(out, on="month", how="left", maintain_order="left").fill_null(0)


def top_companies(
    df: pl.DataFrame, *, n: int = 10, company: str = "company", count: str = "laid_off"
) -> pl.DataFrame:
    """The ``n`` companies with most workers laid off (ties broken by name), with event counts and span."""
    _require(df, [company, count, "date"])
    if not isinstance(n, int) or n < 1:
        raise InvalidArgumentError("n", n, expected="a positive integer")
    return (
        df.group_by(company)
        .agg(
            pl.len().cast(pl.Int64).alias("events"),
            pl.col(count).sum().cast(pl.Int64).alias("laid_off"),
            pl.col("date").min().alias("first"),
            pl.col("date").max().alias("last"),
        )
        .sort(["laid_off", company], descending=[True, False])
        .head(n)
    )
