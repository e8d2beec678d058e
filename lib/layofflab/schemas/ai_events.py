"""AI-cluster and data-centre tables."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from layofflab.schemas._base import _PROVENANCE_COLUMNS, _TICKER_PATTERN, _text

__all__ = ["AI_CLUSTERS", "CLUSTER_STATUSES", "DC_REGISTRY"]

#: Values of ``status`` in the AI-cluster table.
CLUSTER_STATUSES = ("existing", "planned", "decommissioned")
_ids = pa.Column(pl.List(pl.String), nullable=False)
_amount = pa.Column(pl.Float64, pa.Check.ge(0), nullable=True)
_url = pa.Column(pl.String, pa.Check.str_matches(r"^https?://\S+$"), nullable=True)

#: Epoch AI's supercomputers (``sources.ai_clusters``): one row per cluster as listed.
AI_CLUSTERS = pa.DataFrameSchema(
    {
        "name": pa.Column(pl.String, pa.Check.str_length(min_value=1), nullable=False),
        "status": pa.Column(pl.String, pa.Check.isin(CLUSTER_STATUSES), nullable=False),
        "certainty": pa.Column(
            pl.String, pa.Check.isin(["confirmed", "likely", "unlikely"]), nullable=True
        ),
        "owner": _text,
        "owners": _ids,
        "company_id": pa.Column(pl.String, pa.Check.str_matches(_TICKER_PATTERN), nullable=True),
        "company_ids": _ids,
        "first_operational_date": pa.Column(pl.Date, nullable=True),
        "first_operational_note": _text,
        "h100_equivalents": _amount,
        "power_mw": _amount,
        "hardware_cost_usd": _amount,
        "reported_cost_usd": _amount,
        "possible_duplicate": pa.Column(pl.Boolean, nullable=False),
        "possible_duplicate_of": _text,
        "include_in_standard_analysis": pa.Column(pl.Boolean, nullable=False),
        "anonymized": pa.Column(pl.Boolean, nullable=False),
        "country": _text,
        "source_url": _url,
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="ai_clusters",
    unique=["source_file", "source_row"],
)

_year = pa.Column(pl.Int32, pa.Check.in_range(1900, 2100), nullable=True)

#: The non-US data-centre registry (``sources.dc_registry``): one row per project.
DC_REGISTRY = pa.DataFrameSchema(
    {
        "p_id": pa.Column(pl.String, pa.Check.str_length(min_value=1), nullable=False),
        "country": pa.Column(pl.String, pa.Check.str_length(min_value=1), nullable=False),
        "description": _text,
        "year_announced": _year,
        "year_start": _year,
        "year_end": _year,
        "us_companies": _text,
        "company_ids": _ids,
        "investment_usd": _amount,
        "ai_ml": pa.Column(pl.Boolean, nullable=True),
        "url": _url,
        "flags": _text,
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="dc_registry",
    unique=["p_id"],
)
