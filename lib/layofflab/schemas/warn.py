"""WARN notices and the job lists of notices."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from layofflab.schemas._base import _PROVENANCE_COLUMNS, _text

__all__ = ["JOB_FAMILIES", "JOB_TITLES", "LAYOFF_TYPES", "WARN"]

#: Values of ``layoff_type`` (``layoff_type_raw`` keeps the state's own words).
LAYOFF_TYPES = (
    "closure",
    "layoff",
    "temporary_layoff",
    "temporary_closure",
    "relocation",
    "reduced_hours",
    "other",
)

_str = pa.Column(pl.String, nullable=True)
#: No WARN date before the federal WARN Act was signed (resources/warn_states.toml [rules.dates]).
_date = pa.Column(pl.Date, pa.Check.ge(pl.date(1988, 8, 4)), nullable=True)

#: The cleaned WARN table (``sources.warn``).
WARN = pa.DataFrameSchema(
    {
        "state": pa.Column(pl.String, pa.Check.str_matches(r"^[A-Z]{2}$"), nullable=False),
        "employer": pa.Column(pl.String, pa.Check.str_length(min_value=1), nullable=False),
        "company_id": _str,
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$"), nullable=True),
        "match_method": pa.Column(pl.String, nullable=False),
        "match_score": pa.Column(pl.Float64, pa.Check.in_range(0, 100), nullable=True),
        "notice_id": pa.Column(pl.String, nullable=False),
        "notice_date": _date,
        "effective_date": _date,
        "received_date": _date,
        "posted_date": _date,
        "employees_affected": pa.Column(pl.Int64, pa.Check.in_range(0, 1_000_000), nullable=True),
        "employees_approximate": pa.Column(pl.Boolean, nullable=False),
        "location": _str,
        "site_address": _str,
        "county": _str,
        "layoff_type": pa.Column(pl.String, pa.Check.isin(LAYOFF_TYPES), nullable=True),
        "layoff_type_raw": _str,
        "is_amendment": pa.Column(pl.Boolean, nullable=False),
        "is_rescission": pa.Column(pl.Boolean, nullable=False),
        "amends_source_file": _str,
        "amends_source_row": pa.Column(pl.Int64, pa.Check.ge(1), nullable=True),
        "counted": pa.Column(pl.Boolean, nullable=False),
        "notes": _str,
        "flags": _str,
        "naics": _str,
        "industry": _str,
        "source_notice_id": _str,
        "register_cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{1,10}$"), nullable=True),
        "register_ticker": _str,
        "register_is_amended": pa.Column(pl.Boolean, nullable=True),
        "register_dedupe_key": _str,
        "layout": pa.Column(pl.String, nullable=False),
        "source_file": pa.Column(pl.String, nullable=False),
        "source_row": pa.Column(pl.Int64, pa.Check.ge(1), nullable=False),
    },
    strict=True,
    ordered=True,
    name="warn",
    unique=["source_file", "source_row"],
)


#: Job-family counts of WARN notices (``sources.job_families``): workers per family per notice.
JOB_FAMILIES = pa.DataFrameSchema(
    {
        "state": pa.Column(pl.String, pa.Check.str_matches(r"^[A-Z]{2}$"), nullable=False),
        "employer": pa.Column(pl.String, nullable=False),
        "notice_date": pa.Column(pl.Date, nullable=False),
        "job_family": pa.Column(pl.String, nullable=False),
        "employees_affected": pa.Column(pl.Int64, pa.Check.ge(0), nullable=False),
        "source_url": _text,
        "is_engineering": pa.Column(pl.Boolean, nullable=False),
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="job_families",
    unique=["source_file", "source_row"],
)

#: Job-title lists of WARN notices (``sources.warn.job_titles``): facility × title × count.
JOB_TITLES = pa.DataFrameSchema(
    {
        "notice_id": _text,
        "state": _text,
        "employer": _text,
        "notice_date": pa.Column(pl.Date, nullable=True),
        "facility_id": _text,
        "job_title_raw": _text,
        "job_title": pa.Column(pl.String, nullable=False),
        "employees_affected": pa.Column(pl.Int64, pa.Check.ge(0), nullable=False),
        "facility_count": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        # positions the notice states without a title (its remote-employee clause)
        "remote_without_title": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "job_family": pa.Column(pl.String, nullable=False),
        "is_engineering": pa.Column(pl.Boolean, nullable=False),
        "layout": pa.Column(pl.String, nullable=False),
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="job_titles",
    unique=["source_file", "source_row"],
)
