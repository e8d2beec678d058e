"""The coverage table and the firm panels."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from layofflab.schemas._base import _PROVENANCE_COLUMNS

__all__ = ["COVERAGE", "COVERAGE_SOURCES", "PANEL"]

#: Sources whose coverage windows the coverage table declares.
COVERAGE_SOURCES: tuple[str, ...] = ("tracker", "warn")

#: When each source covers a firm (``sources.coverage``); a null company applies to all.
COVERAGE = pa.DataFrameSchema(
    {
        "source": pa.Column(pl.String, pa.Check.isin(list(COVERAGE_SOURCES)), nullable=False),
        "company_id": pa.Column(pl.String, nullable=True),
        "start": pa.Column(pl.Date, nullable=False),
        "end": pa.Column(pl.Date, nullable=False),
        "basis": pa.Column(pl.String, nullable=False),
        "source_url": pa.Column(pl.String, nullable=True),
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="coverage",
    unique=["source_file", "source_row"],
)


#: The firm × period panels (``tables.load_panel``): the core columns; announcement counts by
#: event type and tier (``ann_*``) follow the data's vocabulary, so other columns are allowed.
PANEL = pa.DataFrameSchema(
    {
        "company_id": pa.Column(pl.String, nullable=False),
        "period": pa.Column(pl.Date, nullable=False),
        "period_end": pa.Column(pl.Date, nullable=False),
        "year": pa.Column(pl.Int32, nullable=False),
        "quarter": pa.Column(pl.Int8, pa.Check.in_range(1, 4), nullable=False),
        "time_index": pa.Column(pl.Int64, nullable=False),
        "laid_off": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "layoff_events": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "layoff_events_unknown_count": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "tracker_covered": pa.Column(pl.Boolean, nullable=False),
        "warn_workers": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "warn_notices": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "warn_covered": pa.Column(pl.Boolean, nullable=False),
        "announcements": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "announcements_covered": pa.Column(pl.Boolean, nullable=False),
        "headcount": pa.Column(pl.Int64, pa.Check.gt(0), nullable=True),
    },
    strict=False,
    name="panel",
    unique=["company_id", "period"],
)
