"""The layoff overview analysis behind ``notebooks/01_layoffs_overview.ipynb``.

The notebook's parameters cell feeds :class:`OverviewOptions`; :func:`run_overview`
does the work and the notebook only shows the result.

Examples
--------
>>> from layofflab import config
>>> opts = OverviewOptions(tracker_paths=(str(config.FIXTURES / "tracker" / "layoffs_2026_format.csv"),),
...                        start="2020-01-01", top_n=2)
>>> ov = run_overview(opts)
>>> ov.top["company"].to_list()
['Acme Robotics', 'Globex']
>>> print(ov.headline())
7 events kept of 7 raw rows (0 rejected); 17,345 workers in 6 events with a reported count, 2023-03-06 to 2026-01-28.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

import polars as pl

from layofflab import tables
from layofflab.checks import check_date, check_scalar, check_sequence
from layofflab.panel.summaries import monthly_layoffs, top_companies
from layofflab.sources._base import Cleaned

__all__ = ["OverviewOptions", "OverviewResult", "run_overview"]


@dataclass(frozen=True)
class OverviewOptions:
    """Run options of the layoff overview (the notebook's parameters).

    Attributes
    ----------
    tracker_paths : tuple of str
        Tracker exports to read (CSV of either generation, or the Parquet written by
        ``layofflab clean tracker``, or its folder); empty means the processed ``layoffs``
        table (built from the facts shipped in ``data/raw``).
    start, end : str
        ISO dates bounding the events shown (inclusive); ``end`` empty means no bound.
    top_n : int
        How many companies to rank.
    """

    tracker_paths: tuple[str, ...] = ()
    start: str = "2022-01-01"
    end: str = ""
    top_n: int = 10

    def __post_init__(self) -> None:
        check_date(self.start, "start")
        check_date(self.end, "end", allow_empty=True)
        check_scalar(self.top_n, "top_n", int, min_val=1)
        object.__setattr__(
            self, "tracker_paths", check_sequence(self.tracker_paths, "tracker_paths")
        )


@dataclass(frozen=True)
class OverviewResult:
    """Result of :func:`run_overview`: the cleaned source and the tables the notebook shows."""

    options: OverviewOptions
    cleaned: Cleaned
    events: pl.DataFrame
    monthly: pl.DataFrame
    top: pl.DataFrame = field(repr=False)

    def headline(self) -> str:
        """One sentence: rows kept and rejected, workers covered, date span."""
        n_in = sum(self.cleaned.rows_in.values())
        n_rej = self.cleaned.rejects.height
        counted = self.events.filter(pl.col("laid_off").is_not_null())
        # polars types Series.min()/max() as any literal; those of the Date column are dates
        first, last = (
            cast(dt.date, self.events["date"].min()),
            cast(dt.date, self.events["date"].max()),
        )
        span = f"{first} to {last}"
        return (
            f"{self.cleaned.data.height:,} events kept of {n_in:,} raw rows ({n_rej:,} rejected); "
            f"{counted['laid_off'].sum():,} workers in {counted.height:,} events with a reported "
            f"count, {span}."
        )


def run_overview(options: OverviewOptions = OverviewOptions()) -> OverviewResult:
    """Clean the tracker files, filter the period, and compute monthly totals and the top companies."""
    cleaned = tables.load("layoffs", paths=options.tracker_paths)
    window = pl.col("date") >= dt.date.fromisoformat(options.start)
    if options.end:
        window &= pl.col("date") <= dt.date.fromisoformat(options.end)
    events = cleaned.data.filter(window)
    return OverviewResult(
        options=options,
        cleaned=cleaned,
        events=events,
        monthly=monthly_layoffs(events),
        top=top_companies(events, n=options.top_n),
    )
