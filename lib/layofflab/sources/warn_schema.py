"""Declared schema of the cleaned WARN table (pandera's polars support) and its validator.

:func:`validate_warn` checks ``Cleaned.data`` against :data:`WARN` and ``Cleaned.rejects``
against :data:`layofflab.schemas.REJECTS`; :func:`layofflab.sources.warn.read` calls it
before returning, so nothing unchecked reaches a Parquet file.

Examples
--------
>>> import polars as pl
>>> from layofflab.sources._base import Cleaned
>>> bad = pl.DataFrame({"state": ["Washington"]})
>>> validate_warn(Cleaned("warn", bad, pl.DataFrame(), {}))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
layofflab.errors.SchemaValidationError: table 'warn' fails its schema: ...
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from layofflab.schemas import REJECTS, validate
from layofflab.sources._base import Cleaned

__all__ = ["LAYOFF_TYPES", "WARN", "validate_warn"]

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
_date = pa.Column(pl.Date, pa.Check.ge(pl.date(1988, 1, 1)), nullable=True)

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


def validate_warn(cleaned: Cleaned) -> Cleaned:
    """Validate ``cleaned.data`` (:data:`WARN`) and ``cleaned.rejects``; return it unchanged.

    Raises
    ------
    SchemaValidationError
        Naming each failing column and check; nothing is written by callers.
    """
    validate(cleaned.data, WARN, table="warn")
    validate(cleaned.rejects, REJECTS, table="warn.rejects")
    return cleaned
