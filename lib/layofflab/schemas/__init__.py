"""Every declared table schema (pandera's polars support) and the one validator.

The home of every schema: :data:`TRACKER`, :data:`WARN`, :data:`SEC`,
:data:`ANNOUNCEMENTS`, :data:`FIRMS`, :data:`HEADCOUNT`, the AI-event tables :data:`AI_CLUSTERS`
and :data:`DC_REGISTRY`, and the :data:`REJECTS` schema every rejects table shares; and of
the vocabulary they share, such as :data:`SOURCE_TIERS` (the tier of a cited page). A
reader's output columns are derived from its schema (``COLUMNS = tuple(SCHEMA.columns)``).
Every processed table is validated before it is written; a failure raises
:class:`~layofflab.errors.SchemaValidationError` listing the failing checks, and nothing
is written.

Examples
--------
>>> import polars as pl
>>> validate(pl.DataFrame({"source_file": ["a.csv"], "source_row": [0]}), PROVENANCE, table="demo")
Traceback (most recent call last):
...
layofflab.errors.SchemaValidationError: table 'demo' fails its schema: column 'source_row' check greater_than_or_equal_to(1): 1 row(s), e.g. 0
>>> tuple(SEC.columns)[:3]
('company_id', 'cik', 'concept')
"""

from __future__ import annotations

from layofflab.schemas._base import PROVENANCE, REJECTS, validate, validate_cleaned
from layofflab.schemas.ai_events import AI_CLUSTERS, CLUSTER_STATUSES, DC_REGISTRY
from layofflab.schemas.events import ANNOUNCEMENTS, MAX_AMOUNT_BN, SOURCE_TIERS, TRACKER
from layofflab.schemas.panel import COVERAGE, COVERAGE_SOURCES, PANEL
from layofflab.schemas.sec import (
    CAPEX_DEFINITIONS,
    DERIVATIONS,
    FIRMS,
    HEADCOUNT,
    HEADCOUNT_BASES,
    HEADCOUNT_SOURCE_KINDS,
    SEC,
    SOURCE_KINDS,
)
from layofflab.schemas.warn import JOB_FAMILIES, JOB_TITLES, LAYOFF_TYPES, WARN

__all__ = [
    "AI_CLUSTERS",
    "ANNOUNCEMENTS",
    "CAPEX_DEFINITIONS",
    "CLUSTER_STATUSES",
    "COVERAGE",
    "COVERAGE_SOURCES",
    "DC_REGISTRY",
    "DERIVATIONS",
    "FIRMS",
    "HEADCOUNT",
    "HEADCOUNT_BASES",
    "HEADCOUNT_SOURCE_KINDS",
    "JOB_FAMILIES",
    "JOB_TITLES",
    "LAYOFF_TYPES",
    "MAX_AMOUNT_BN",
    "PANEL",
    "PROVENANCE",
    "REJECTS",
    "SEC",
    "SOURCE_KINDS",
    "SOURCE_TIERS",
    "TRACKER",
    "WARN",
    "validate",
    "validate_cleaned",
]
