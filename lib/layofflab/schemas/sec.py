"""SEC quarterly facts, the firm table and annual headcount."""

from __future__ import annotations

from typing import Any

import pandera.polars as pa
import polars as pl

from layofflab.schemas._base import _PROVENANCE_COLUMNS, _TICKER_PATTERN

__all__ = [
    "CAPEX_DEFINITIONS",
    "DERIVATIONS",
    "FIRMS",
    "HEADCOUNT",
    "HEADCOUNT_BASES",
    "HEADCOUNT_SOURCE_KINDS",
    "SEC",
    "SOURCE_KINDS",
]

#: Values of ``derived`` in the SEC table: how each quarter was obtained from the facts
#: (``as published``: a third party's quarter or a figure quoted in the press, taken as it stands).
DERIVATIONS: tuple[str, ...] = (
    "reported quarter",
    "YTD difference",
    "FY minus 9M",
    "YTD minus quarters",
    "instant at period end",
    "as published",
)

#: Where a figure comes from: SEC XBRL company facts read by our reader (``sec_xbrl``), a
#: third party's derivation of them (``third_party``), or a figure quoted in the press
#: (``press``). Non-SEC figures only fill gaps and are never pooled with SEC ones silently.
SOURCE_KINDS: tuple[str, ...] = ("sec_xbrl", "third_party", "press")

#: What a capex figure measures. Press figures often include finance leases; XBRL
#: ``PaymentsToAcquire…`` tags never do.
CAPEX_DEFINITIONS: tuple[str, ...] = (
    "cash capex: property and equipment, excl. finance leases",
    "cash capex: property, equipment and intangible assets, excl. finance leases",
    "capex incl. finance leases",
    "capex, definition not stated",
)

_ACCESSION = r"^\d{10}-\d{2}-\d{6}$"
_URL = r"^https?://\S+\.\S+$"


def _sec_rows_cite_a_filing(data: Any) -> pl.LazyFrame:
    return data.lazyframe.select(
        (pl.col("source_kind") != "sec_xbrl")
        | (pl.col("accession").is_not_null() & pl.col("filed").is_not_null())
    )


def _capex_definition_known(data: Any) -> pl.LazyFrame:
    return data.lazyframe.select(
        (pl.col("concept") != "capex") | pl.col("definition").is_in(list(CAPEX_DEFINITIONS))
    )


#: The cleaned SEC quarterly table: one row per company × concept × fiscal quarter.
SEC = pa.DataFrameSchema(
    {
        "company_id": pa.Column(pl.String, nullable=True),  # null: CIK not in the alias table
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$"), nullable=False),
        "concept": pa.Column(pl.String, nullable=False),
        "xbrl_tag": pa.Column(pl.String, nullable=True),  # null: a press figure
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
        # accession and filed: always for sec_xbrl rows (checked below), where known otherwise
        "accession": pa.Column(pl.String, pa.Check.str_matches(_ACCESSION), nullable=True),
        "filed": pa.Column(pl.Date, nullable=True),
        "first_filed": pa.Column(pl.Date, nullable=True),  # null in transcribed rows without it
        "form": pa.Column(pl.String, nullable=True),
        "source_kind": pa.Column(pl.String, pa.Check.isin(list(SOURCE_KINDS)), nullable=False),
        "definition": pa.Column(pl.String, nullable=False),
        "source_url": pa.Column(pl.String, pa.Check.str_matches(_URL), nullable=False),
        "source_file": pa.Column(pl.String, nullable=False),
        "source_row": pa.Column(pl.Int64, pa.Check.ge(1), nullable=False),
    },
    checks=[
        pa.Check(_sec_rows_cite_a_filing, name="sec_xbrl rows have an accession and filed date"),
        pa.Check(_capex_definition_known, name="capex definition in CAPEX_DEFINITIONS"),
    ],
    strict=True,
    ordered=True,
    name="sec",
    unique=["cik", "concept", "fiscal_year", "fiscal_period"],
)


#: The firm table (``sources.firms``): one row per firm of the default panel.
FIRMS = pa.DataFrameSchema(
    {
        "company_id": pa.Column(pl.String, pa.Check.str_matches(_TICKER_PATTERN), unique=True),
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$"), unique=True),
        "name": pa.Column(pl.String, pa.Check.str_length(min_value=1)),
        "fiscal_year_end_month": pa.Column(pl.Int8, pa.Check.in_range(1, 12)),
        "fiscal_year_end": pa.Column(pl.String, pa.Check.str_length(min_value=1)),
        "source_url": pa.Column(pl.String, pa.Check.str_matches(_URL)),
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="firms",
    unique=["source_file", "source_row"],
)

#: Where a headcount comes from: the 10-K's own sentence (``sec_10k``) or a news page (``press``).
HEADCOUNT_SOURCE_KINDS: tuple[str, ...] = ("sec_10k", "press")
#: What a headcount counts (definitions differ by firm and over time).
HEADCOUNT_BASES: tuple[str, ...] = (
    "full-time",
    "full-time equivalent",
    "full- and part-time",
    "workforce incl. subsidiaries",
    "employees, basis not stated",
)


def _one_primary_per_firm_year(data: Any) -> pl.LazyFrame:
    return data.lazyframe.select(
        pl.col("primary").cast(pl.Int32).sum().over("company_id", "fiscal_year") == 1
    )


#: Annual headcount (``sources.headcount``): firm × fiscal year × source; one primary row each.
HEADCOUNT = pa.DataFrameSchema(
    {
        "company_id": pa.Column(pl.String, pa.Check.str_matches(_TICKER_PATTERN)),
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$")),
        "fiscal_year": pa.Column(pl.Int32, pa.Check.in_range(1990, 2100)),
        "period_end": pa.Column(pl.Date),
        "employees": pa.Column(pl.Int64, pa.Check.in_range(1, 10_000_000)),
        "approximate": pa.Column(pl.Boolean, nullable=True),  # null: the source does not say
        "basis": pa.Column(pl.String, pa.Check.isin(list(HEADCOUNT_BASES))),
        "form": pa.Column(pl.String, nullable=True),
        "filed": pa.Column(pl.Date, nullable=True),
        "accession": pa.Column(pl.String, pa.Check.str_matches(_ACCESSION), nullable=True),
        "document_url": pa.Column(pl.String, pa.Check.str_matches(_URL)),
        "source_kind": pa.Column(pl.String, pa.Check.isin(list(HEADCOUNT_SOURCE_KINDS))),
        "primary": pa.Column(pl.Boolean),
        **_PROVENANCE_COLUMNS,
    },
    checks=[pa.Check(_one_primary_per_firm_year, name="one primary row per firm and fiscal year")],
    strict=True,
    ordered=True,
    name="headcount",
    unique=["source_file", "source_row"],
)
