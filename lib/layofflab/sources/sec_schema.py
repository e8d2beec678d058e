"""Declared schema (pandera, polars backend) of the ``sec`` table from :mod:`layofflab.sources.sec`.

Validate with :func:`layofflab.schemas.validate` before writing.

Examples
--------
>>> from layofflab import config
>>> from layofflab.schemas import validate
>>> from layofflab.sources import sec
>>> c = sec.read(config.FIXTURES / "sec" / "june_companyfacts.json")
>>> validate(c.data, SEC, table="sec").height
6
>>> validate(c.data.with_columns(cik=pl.lit("789019")), SEC, table="sec")
Traceback (most recent call last):
...
layofflab.errors.SchemaValidationError: table 'sec' fails its schema:
    column 'cik' check str_matches(...): 6 row(s), e.g. 789019
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from layofflab.sources._sec_derive import DERIVATIONS

__all__ = ["SEC"]

_ACCESSION = r"^\d{10}-\d{2}-\d{6}$"

#: The cleaned SEC quarterly table: one row per company × concept × fiscal quarter.
SEC = pa.DataFrameSchema(
    {
        "company_id": pa.Column(pl.String, nullable=True),  # null: CIK not in the alias table
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$"), nullable=False),
        "concept": pa.Column(pl.String, nullable=False),
        "xbrl_tag": pa.Column(pl.String, nullable=False),
        "unit": pa.Column(pl.String, nullable=False),
        "fiscal_year": pa.Column(pl.Int32, pa.Check.in_range(1990, 2100), nullable=False),
        "fiscal_period": pa.Column(
            pl.String, pa.Check.isin(["Q1", "Q2", "Q3", "Q4"]), nullable=False
        ),
        "period_start": pa.Column(pl.Date, nullable=True),  # null for instants (balances)
        "period_end": pa.Column(pl.Date, nullable=False),
        "calendar_year": pa.Column(pl.Int32, pa.Check.in_range(1990, 2100), nullable=False),
        "calendar_quarter": pa.Column(pl.Int8, pa.Check.in_range(1, 4), nullable=False),
        "value": pa.Column(pl.Float64, nullable=False),
        "derived": pa.Column(pl.String, pa.Check.isin(list(DERIVATIONS)), nullable=False),
        "accession": pa.Column(pl.String, pa.Check.str_matches(_ACCESSION), nullable=False),
        "filed": pa.Column(pl.Date, nullable=False),
        "first_filed": pa.Column(pl.Date, nullable=True),  # null in transcribed rows without it
        "form": pa.Column(pl.String, nullable=True),
        "source_file": pa.Column(pl.String, nullable=False),
        "source_row": pa.Column(pl.Int64, pa.Check.ge(1), nullable=False),
    },
    strict=True,
    ordered=True,
    name="sec",
    unique=["cik", "concept", "fiscal_year", "fiscal_period"],
)
