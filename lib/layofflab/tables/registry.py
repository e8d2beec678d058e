"""The table registry: every processed table declared once (:data:`TABLES`).

A :class:`Table` is cleaned from raw files by its reader; a :class:`DerivedTable` (the
panels) is built from other processed tables. :mod:`.build` builds them (stage ``data``),
:mod:`.load` reads them (the studies and notebooks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandera.polars as pa
import polars as pl

from layofflab import schemas
from layofflab.errors import InvalidArgumentError
from layofflab.panel import Panel
from layofflab.sources import (
    ai_clusters,
    announcements,
    coverage,
    dc_registry,
    firms,
    headcount,
    job_families,
    sec,
    tracker,
    warn,
)
from layofflab.sources._base import Cleaned
from layofflab.sources.warn import job_titles
from layofflab.tables.derived import PANEL_DEPENDS as _PANEL_DEPENDS
from layofflab.tables.derived import firm_panel

__all__ = [
    "PIPELINE_CODE",
    "SHARED_INPUTS",
    "TABLES",
    "TABLE_KEY",
    "BuildReport",
    "DerivedTable",
    "Table",
    "get_table",
    "table_for_source",
]

#: Key of the Parquet key-value metadata naming the table a file holds.
TABLE_KEY = "layofflab.table"
_PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class Table:
    """One processed table.

    Attributes
    ----------
    name : str
        The processed file stem: ``data/processed/<name>.parquet``.
    source : str
        The reader's keyword at the command line (``layofflab clean <source>``).
    reader : callable
        ``reader(paths) -> Cleaned``: cleans source files of this table's kind.
    inputs : tuple of str
        Default inputs, relative to ``data/raw``.
    schema : pandera.polars.DataFrameSchema
        What the cleaned table must satisfy.
    description : str
        One line for ``layofflab clean --help`` and the docs.
    """

    name: str
    source: str
    reader: Callable[[Sequence[Path]], Cleaned]
    inputs: tuple[str, ...]
    schema: pa.DataFrameSchema
    description: str = ""


@dataclass(frozen=True)
class BuildReport:
    """What :func:`build_table` did: ``"built"`` or ``"up to date"``, with the row summary."""

    name: str
    status: str
    summary: pl.DataFrame


@dataclass(frozen=True)
class DerivedTable:
    """A processed table derived from other processed tables (the panels).

    Attributes
    ----------
    name : str
        The processed file stem.
    depends : tuple of str
        The tables it is built from (names in :data:`TABLES`).
    derive : callable
        ``derive({name: Cleaned}) -> Panel``.
    description : str
        One line for the docs.
    """

    name: str
    depends: tuple[str, ...]
    derive: Callable[[Mapping[str, Cleaned]], Panel]
    description: str = ""


def _registry(*tables: Table | DerivedTable) -> dict[str, Table | DerivedTable]:
    names = [t.name for t in tables]
    sources = [t.source for t in tables if isinstance(t, Table)]
    if len(set(names)) != len(names) or len(set(sources)) != len(sources):
        raise ValueError(f"table names and sources must be unique: {names}, {sources}")
    return {t.name: t for t in tables}


#: Every processed table, in build order.
TABLES: dict[str, Table | DerivedTable] = _registry(
    Table(
        "firms",
        "firms",
        lambda paths: firms.read(paths),
        ("firms.csv",),
        schemas.FIRMS,
        "the panel's firms: ticker, SEC CIK, name, fiscal-year-end month (EDGAR page per row)",
    ),
    Table(
        "layoffs",
        "tracker",
        lambda paths: tracker.read(paths),
        ("layoff_events.csv", "layoff_corrections.csv"),
        schemas.TRACKER,
        "layoff events from tracker exports (layoffs.fyi, both generations, or our facts), "
        "with the corrections file among the inputs applied and flagged",
    ),
    Table(
        "announcements",
        "announcements",
        lambda paths: announcements.read(paths),
        ("ai_capex_announcements.csv",),
        schemas.ANNOUNCEMENTS,
        "dated AI-capex announcements",
    ),
    Table(
        "capex",
        "sec",
        lambda paths: sec.read(paths),
        ("sec_quarterly.csv",),
        schemas.SEC,
        "discrete quarters of capex, revenue, operating income and assets from SEC XBRL "
        "company facts (or their transcription; source_kind marks third-party/press gap-fills)",
    ),
    Table(
        "headcount",
        "headcount",
        lambda paths: headcount.read(paths),
        ("headcount_annual.csv",),
        schemas.HEADCOUNT,
        "annual year-end headcount per firm: 10-K counts, press counts where no 10-K was found; "
        "one primary row per firm-year",
    ),
    Table(
        "warn",
        "warn",
        lambda paths: warn.read(paths),
        ("warn_bigtech.csv",),
        schemas.WARN,
        "WARN notices, one row per site of a notice (register, state portals, our facts)",
    ),
    Table(
        "job_families",
        "job_families",
        lambda paths: job_families.read(paths),
        ("warn_job_families_amazon_wa_2025.csv",),
        schemas.JOB_FAMILIES,
        "workers per job family of WARN notices (already classified)",
    ),
    Table(
        "job_titles",
        "job_titles",
        lambda paths: job_titles.read(paths),
        ("warn_job_titles_amazon_wa_2025.csv",),
        schemas.JOB_TITLES,
        "job-title lists of WARN notices (title × count per notice; or facility × title × count)",
    ),
    Table(
        "ai_clusters",
        "ai_clusters",
        lambda paths: ai_clusters.read(paths),
        (),
        schemas.AI_CLUSTERS,
        "Epoch AI supercomputers: AI clusters by owner, first operational date, H100e, power; no shipped default",
    ),
    Table(
        "dc_registry",
        "dc_registry",
        lambda paths: dc_registry.read(paths),
        (),
        schemas.DC_REGISTRY,
        "non-US data-centre projects (xlsx registry) with the US firms involved; no shipped default",
    ),
    Table(
        "coverage",
        "coverage",
        lambda paths: coverage.read(paths),
        ("source_coverage.csv",),
        schemas.COVERAGE,
        "when the tracker and the WARN sources cover a firm (zero inside, missing outside)",
    ),
    DerivedTable(
        "panel",
        _PANEL_DEPENDS,
        lambda deps: firm_panel(deps, freq="quarter"),
        "firm × quarter panel of the default dataset (every firm, every quarter from 2019Q1)",
    ),
    DerivedTable(
        "panel_month",
        _PANEL_DEPENDS,
        lambda deps: firm_panel(deps, freq="month"),
        "firm × month panel of the default dataset, for event-time work",
    ),
)

#: Raw files every table depends on (entity resolution reads the alias table).
SHARED_INPUTS: tuple[str, ...] = ("company_aliases.csv",)

#: The code a processed table depends on (relative to the package): a change here rebuilds.
PIPELINE_CODE: tuple[str, ...] = (
    "sources",
    "resources",
    "cleaning",
    "io",
    "lookups.py",
    "schemas",
    "tables",
    "panel",
)


def table_for_source(source: str) -> Table:
    """The table whose reader is known at the command line as ``source``.

    Raises
    ------
    InvalidArgumentError
        When no table is read by that keyword (the message lists those that are).
    """
    for table in TABLES.values():
        if isinstance(table, Table) and table.source == source:
            return table
    known = sorted(t.source for t in TABLES.values() if isinstance(t, Table))
    raise InvalidArgumentError("source", source, expected=f"one of {known}")


def get_table(name: str) -> Table | DerivedTable:
    """The declared table ``name`` (a read :class:`Table` or a :class:`DerivedTable`).

    Raises
    ------
    InvalidArgumentError
        When no table has that name (the message lists those that do).

    Examples
    --------
    >>> get_table("layoffs").name
    'layoffs'
    """
    if name not in TABLES:
        raise InvalidArgumentError("table", name, expected=f"one of {list(TABLES)}")
    return TABLES[name]
