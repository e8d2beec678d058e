"""Declared schemas of the processed tables (pandera's polars support) and the validator.

Every processed table is validated before it is written; a failure raises
:class:`~layofflab.errors.SchemaValidationError` listing the failing checks, and
nothing is written.

Examples
--------
>>> import polars as pl
>>> validate(pl.DataFrame({"source_file": ["a.csv"], "source_row": [0]}), PROVENANCE, table="demo")
Traceback (most recent call last):
...
layofflab.errors.SchemaValidationError: table 'demo' fails its schema: column 'source_row' check greater_than_or_equal_to(1): 1 row(s), e.g. 0
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from layofflab.errors import SchemaValidationError

__all__ = ["PROVENANCE", "REJECTS", "TRACKER", "validate"]

_PROVENANCE_COLUMNS = {
    "source_file": pa.Column(pl.String, nullable=False),
    "source_row": pa.Column(pl.Int64, pa.Check.ge(1), nullable=False),
}

#: The two provenance columns every clean and rejects table carries.
PROVENANCE = pa.DataFrameSchema(_PROVENANCE_COLUMNS, strict=False, name="provenance")

#: Rejects tables: provenance, a reason and the raw values.
REJECTS = pa.DataFrameSchema(
    {
        **_PROVENANCE_COLUMNS,
        "reason": pa.Column(pl.String, nullable=False),
        "raw": pa.Column(pl.String, nullable=False),
    },
    strict=True,
    name="rejects",
    unique=["source_file", "source_row"],
)

#: The cleaned layoff-tracker table (``sources.tracker``).
TRACKER = pa.DataFrameSchema(
    {
        "company": pa.Column(pl.String, nullable=False),
        "company_id": pa.Column(pl.String, nullable=True),
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$"), nullable=True),
        "match_method": pa.Column(pl.String, nullable=False),
        "match_score": pa.Column(pl.Float64, pa.Check.in_range(0, 100), nullable=True),
        "location": pa.Column(pl.String, nullable=True),
        "country": pa.Column(pl.String, pa.Check.str_matches(r"^.*[^.,;: ]$"), nullable=True),
        "industry": pa.Column(pl.String, nullable=True),
        "laid_off": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "laid_off_approximate": pa.Column(pl.Boolean, nullable=False),
        "pct_laid_off": pa.Column(pl.Float64, pa.Check.in_range(0, 1), nullable=True),
        "date": pa.Column(pl.Date, nullable=False),
        "stage": pa.Column(pl.String, nullable=True),
        "funds_raised_musd": pa.Column(pl.Float64, pa.Check.ge(0), nullable=True),
        "source_url": pa.Column(pl.String, nullable=True),
        "date_added": pa.Column(pl.Date, nullable=True),
        "date_added_before_date": pa.Column(pl.Boolean, nullable=True),
        "export_format": pa.Column(pl.String, nullable=False),
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    name="tracker",
    unique=["source_file", "source_row"],
)


def validate(df: pl.DataFrame, schema: pa.DataFrameSchema, *, table: str) -> pl.DataFrame:
    """Validate ``df`` against ``schema`` (all checks, lazily) and return it unchanged.

    Raises
    ------
    SchemaValidationError
        Naming each failing column and check with the number of failing rows and an example.
    """
    try:
        return schema.validate(df, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        cases = getattr(exc, "failure_cases", None)
        if cases is None or not isinstance(cases, pl.DataFrame) or cases.is_empty():
            raise SchemaValidationError(table, str(exc).splitlines()[0]) from exc
        parts = []
        grouped = cases.group_by("column", "check", maintain_order=True).agg(
            pl.len().alias("n"), pl.col("failure_case").first().alias("example")
        )
        for column, check, n, example in grouped.iter_rows():
            parts.append(f"column {column!r} check {check}: {n} row(s), e.g. {example}")
        raise SchemaValidationError(table, "; ".join(parts)) from exc
