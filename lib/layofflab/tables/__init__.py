"""The table registry: every processed table declared once.

Each table is built by stage ``data`` and loaded by the studies.

:data:`TABLES` maps a table name to its :class:`Table`: the reader that cleans its source
files, the default inputs in ``data/raw``, its schema and the keyword ``layofflab clean``
knows it by. The same registry serves

* :func:`build` — stage ``data`` (``make data``): verify ``data/raw`` against its manifest
  and rebuild a table only when an input or the code changed since the last build
  (recorded in ``<name>.build.json``); every table is validated against its schema, row
  conservation is checked, and ``<name>.parquet`` and ``<name>.rejects.parquet`` are
  written atomically;
* :func:`load` — what studies and notebooks read: the processed table, or the files given
  (CSV, JSON, or a Parquet written by ``layofflab clean``) cleaned by the same reader;
* ``layofflab clean <source> FILES --out DIR``, which writes ``DIR/<source>.parquet``;
* :func:`build_fetched` / :func:`source_dir` — under ``LAYOFFLAB_DATA=external``, the tables
  of :data:`FETCHED` built from ``layofflab fetch``'s downloads (:mod:`.external`).

Examples
--------
>>> list(TABLES)
['firms', 'layoffs', 'announcements', 'capex', 'headcount', 'warn', 'job_families', 'job_titles',
 'ai_clusters', 'dc_registry', 'coverage', 'panel', 'panel_month']
>>> TABLES["layoffs"].source, TABLES["layoffs"].inputs
('tracker', ('layoff_events.csv', 'layoff_corrections.csv'))
>>> table_for_source("sec").name
'capex'
"""

from __future__ import annotations

from layofflab.tables.build import build, build_derived, build_table, is_stale, write_cleaned
from layofflab.tables.external import FETCHED, build_fetched, source_dir
from layofflab.tables.load import describe, load, load_panel, read_cleaned_parquet
from layofflab.tables.registry import (
    PIPELINE_CODE,
    SHARED_INPUTS,
    TABLE_KEY,
    TABLES,
    BuildReport,
    DerivedTable,
    Table,
    get_table,
    table_for_source,
)

__all__ = [
    "FETCHED",
    "PIPELINE_CODE",
    "SHARED_INPUTS",
    "TABLES",
    "TABLE_KEY",
    "BuildReport",
    "DerivedTable",
    "Table",
    "build",
    "build_derived",
    "build_fetched",
    "build_table",
    "describe",
    "get_table",
    "is_stale",
    "load",
    "load_panel",
    "read_cleaned_parquet",
    "source_dir",
    "table_for_source",
    "write_cleaned",
]
