"""Provenance and rejects schemas, and the one validator."""

from __future__ import annotations

from typing import Any

import pandera.polars as pa
import polars as pl

from layofflab.errors import SchemaValidationError

__all__ = ["PROVENANCE", "REJECTS", "validate", "validate_cleaned"]

#: A ticker (company id) of the firm tables.
_TICKER_PATTERN = r"^[A-Z][A-Z0-9.\-]{0,9}$"
#: A nullable text column.
_text = pa.Column(pl.String, nullable=True)

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


def validate_cleaned(cleaned: Any, schema: pa.DataFrameSchema, *, table: str) -> Any:
    """Validate a reader's result and return it unchanged.

    ``cleaned.data`` is checked against ``schema`` and ``cleaned.rejects`` against
    :data:`REJECTS`.

    Examples
    --------
    >>> import polars as pl
    >>> from layofflab.sources._base import Cleaned
    >>> from layofflab.schemas import WARN
    >>> bad = pl.DataFrame({"state": ["Washington"]})
    >>> validate_cleaned(Cleaned("warn", bad, pl.DataFrame(), {}), WARN, table="warn")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    layofflab.errors.SchemaValidationError: table 'warn' fails its schema: ...
    """
    validate(cleaned.data, schema, table=table)
    validate(cleaned.rejects, REJECTS, table=f"{table}.rejects")
    return cleaned
