"""The table registry: every processed table declared once, built by stage ``data``, loaded by
the studies.

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
* ``layofflab clean <source> FILES --out DIR``, which writes ``DIR/<source>.parquet``.

Examples
--------
>>> list(TABLES)
['firms', 'layoffs', 'announcements', 'capex', 'headcount', 'warn', 'job_families', 'job_titles',
 'ai_clusters', 'dc_registry']
>>> TABLES["layoffs"].source, TABLES["layoffs"].inputs
('tracker', ('layoff_events.csv', 'layoff_corrections.csv'))
>>> table_for_source("sec").name
'capex'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandera.polars as pa
import polars as pl

from layofflab import config, schemas
from layofflab.errors import InputFileError, InvalidArgumentError
from layofflab.io import write_parquet_atomic, write_text_atomic
from layofflab.manifest import sha256_file, verify_manifest
from layofflab.sources import (
    ai_clusters,
    announcements,
    dc_registry,
    firms,
    headcount,
    job_families,
    sec,
    tracker,
    warn,
)
from layofflab.sources._base import REJECTS_SCHEMA, Cleaned
from layofflab.sources.warn import job_titles

__all__ = [
    "TABLES",
    "BuildReport",
    "Table",
    "build",
    "build_table",
    "load",
    "read_cleaned_parquet",
    "table_for_source",
    "write_cleaned",
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


def _registry(*tables: Table) -> dict[str, Table]:
    names = [t.name for t in tables]
    sources = [t.source for t in tables]
    if len(set(names)) != len(names) or len(set(sources)) != len(sources):
        raise ValueError(f"table names and sources must be unique: {names}, {sources}")
    return {t.name: t for t in tables}


#: Every processed table, in build order.
TABLES: dict[str, Table] = _registry(
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
        ("warn_amazon_2025.csv",),
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
        (),
        schemas.JOB_TITLES,
        "job-title lists of WARN notices (facility × title × count); no shipped default",
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
)

#: Raw files every table depends on (entity resolution reads the alias table).
SHARED_INPUTS: tuple[str, ...] = ("company_aliases.csv",)

#: The code a processed table depends on (relative to the package): a change here rebuilds.
PIPELINE_CODE: tuple[str, ...] = (
    "sources",
    "resources",
    "cleaning",
    "io.py",
    "lookups.py",
    "schemas.py",
    "entities.py",
    "tables.py",
)


def table_for_source(source: str) -> Table:
    """The table whose reader is known at the command line as ``source``.

    Raises
    ------
    InvalidArgumentError
        When no table is read by that keyword (the message lists those that are).
    """
    for table in TABLES.values():
        if table.source == source:
            return table
    known = sorted(t.source for t in TABLES.values())
    raise InvalidArgumentError("source", source, expected=f"one of {known}")


def _table(name: str) -> Table:
    if name not in TABLES:
        raise InvalidArgumentError("table", name, expected=f"one of {list(TABLES)}")
    return TABLES[name]


def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    files: list[Path] = []
    for name in PIPELINE_CODE:
        path = config.PACKAGE_DIR / name
        files.extend(sorted(path.rglob("*")) if path.is_dir() else [path])
    for path in files:
        if path.is_file() and path.suffix in {".py", ".csv", ".toml", ".json"}:
            digest.update(path.relative_to(config.PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def write_cleaned(cleaned: Cleaned, table: Table, out_dir: Path, *, stem: str) -> list[Path]:
    """Validate ``cleaned`` against ``table``'s schema, check row conservation, and write
    ``<stem>.parquet`` and ``<stem>.rejects.parquet`` atomically (tagged with the table name)."""
    cleaned.check_conservation()
    schemas.validate_cleaned(cleaned, table.schema, table=table.name)
    meta = {TABLE_KEY: table.name}
    return [
        write_parquet_atomic(cleaned.data, out_dir / f"{stem}.parquet", metadata=meta),
        write_parquet_atomic(
            cleaned.rejects, out_dir / f"{stem}.rejects.parquet", metadata={TABLE_KEY: "rejects"}
        ),
    ]


def _fingerprint(table: Table, raw_dir: Path) -> dict[str, object]:
    inputs = [raw_dir / name for name in table.inputs]
    lookups = [raw_dir / name for name in SHARED_INPUTS if (raw_dir / name).is_file()]
    return {
        "inputs": {p.name: sha256_file(p) for p in [*inputs, *lookups]},
        "code": _code_fingerprint(),
    }


def _is_stale(table: Table, raw_dir: Path, out_dir: Path) -> bool:
    """Whether the processed table was built from other inputs or code than today's. A table
    whose raw inputs are gone is not stale: the processed table is what there is to read."""
    stamp = out_dir / f"{table.name}.build.json"
    if not (out_dir / f"{table.name}.parquet").is_file() or not stamp.is_file():
        return True
    if not all((raw_dir / name).is_file() for name in table.inputs):
        return False
    return json.loads(stamp.read_text()) != _fingerprint(table, raw_dir)


def build_table(
    table: Table,
    *,
    raw_dir: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
) -> BuildReport:
    """Build one table unless its inputs and the code are unchanged since the last build.

    ``raw_dir`` and ``out_dir`` default to :data:`layofflab.config.DATA_RAW` and
    :data:`~layofflab.config.DATA_PROCESSED` (read when called).
    """
    raw_dir = config.DATA_RAW if raw_dir is None else Path(raw_dir)
    out_dir = config.DATA_PROCESSED if out_dir is None else Path(out_dir)
    inputs = [raw_dir / name for name in table.inputs]
    fingerprint = _fingerprint(table, raw_dir)
    stamp = out_dir / f"{table.name}.build.json"
    outputs = [out_dir / f"{table.name}.parquet", out_dir / f"{table.name}.rejects.parquet"]
    summary_path = out_dir / f"{table.name}.summary.json"
    if (
        not force
        and stamp.is_file()
        and summary_path.is_file()
        and all(p.is_file() for p in outputs)
        and json.loads(stamp.read_text()) == fingerprint
    ):
        summary = pl.DataFrame(json.loads(summary_path.read_text()))
        return BuildReport(table.name, "up to date", summary)
    cleaned = table.reader(inputs)
    write_cleaned(cleaned, table, out_dir, stem=table.name)
    summary = cleaned.summary()
    write_text_atomic(json.dumps(summary.to_dict(as_series=False)), summary_path)
    write_text_atomic(json.dumps(fingerprint, indent=1), stamp)
    return BuildReport(table.name, "built", summary)


def build(
    *,
    raw_dir: Path | None = None,
    out_dir: Path | None = None,
    names: Sequence[str] = (),
    force: bool = False,
) -> list[BuildReport]:
    """Stage ``data``: verify the raw manifest, then build every table (or those in ``names``)
    that is out of date. Folders default to those of :mod:`layofflab.config`."""
    raw_dir = config.DATA_RAW if raw_dir is None else Path(raw_dir)
    out_dir = config.DATA_PROCESSED if out_dir is None else Path(out_dir)
    verify_manifest(raw_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = [_table(n) for n in names] if names else [t for t in TABLES.values() if t.inputs]
    return [build_table(t, raw_dir=raw_dir, out_dir=out_dir, force=force) for t in chosen]


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == _PARQUET_MAGIC


def read_cleaned_parquet(path: str | Path, table: Table) -> Cleaned:
    """Read a cleaned table written by :func:`write_cleaned` (``make data`` or ``layofflab clean``)
    with its rejects beside it; the file must hold ``table``.

    Raises
    ------
    InputFileError
        When the file holds another table (or a rejects table), naming what it found.
    """
    path = Path(path)
    meta = pl.read_parquet_metadata(path)
    found = meta.get(TABLE_KEY)
    if found is None:  # written by other means: recognise it by its columns
        columns = tuple(pl.read_parquet_schema(path))
        matches = [t.name for t in TABLES.values() if tuple(t.schema.columns) == columns]
        if tuple(REJECTS_SCHEMA) == columns:
            matches = ["rejects"]
        found = matches[0] if matches else f"unknown columns {list(columns)[:6]}…"
    if found != table.name:
        what = "a rejects table" if found == "rejects" else f"table {found!r}"
        raise InputFileError(path, f"a cleaned {table.name!r} table", found=what)
    data = pl.read_parquet(path)
    rejects_path = path.with_name(f"{path.name.removesuffix('.parquet')}.rejects.parquet")
    rejects = (
        pl.read_parquet(rejects_path)
        if rejects_path.is_file()
        else pl.DataFrame(schema=REJECTS_SCHEMA)
    )
    rows_in: dict[str, int] = {}
    for frame in (data, rejects):
        for name, n in frame.group_by("source_file", maintain_order=True).len().iter_rows():
            rows_in[name] = rows_in.get(name, 0) + n
    cleaned = Cleaned(source=table.source, data=data, rejects=rejects, rows_in=rows_in)
    schemas.validate_cleaned(cleaned, table.schema, table=table.name)
    return cleaned


def _expand(paths: Sequence[str | Path], table: Table) -> list[Path]:
    """Files to read: a folder stands for the table's Parquet inside it."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            hits = [p / f"{s}.parquet" for s in (table.name, table.source)]
            found = [h for h in hits if h.is_file()]
            if not found:
                raise InputFileError(
                    p,
                    f"a folder holding {hits[0].name} or {hits[1].name}",
                    found="neither",
                )
            out.append(found[0])
        elif not p.is_file():
            raise InputFileError(p, f"a {table.name} file", found="no such file")
        else:
            out.append(p)
    return out


def load(
    name: str,
    *,
    paths: Sequence[str | Path] = (),
    processed_dir: Path | None = None,
    raw_dir: Path | None = None,
) -> Cleaned:
    """A table as the studies read it.

    Parameters
    ----------
    name : str
        A key of :data:`TABLES`.
    paths : sequence of path, optional
        Empty: the processed table ``processed_dir/<name>.parquet``, (re)built from
        ``data/raw`` first when it is missing or was built from other inputs or code (as
        ``make data`` would); when its raw inputs are gone it is read as it is. Otherwise the given files cleaned by the table's
        reader — raw files (CSV, JSON) or Parquet files written by ``layofflab clean`` or
        ``make data`` (a folder stands for the Parquet inside it); not both kinds at once.

    Returns
    -------
    Cleaned
        ``data``, ``rejects`` and ``rows_in``, as the reader gives them.

    Raises
    ------
    InputFileError
        A file of the wrong kind, or a Parquet of another table (the message names the
        file, the table expected and what it holds).

    Examples
    --------
    >>> from layofflab import config
    >>> c = load("layoffs", paths=[config.FIXTURES / "tracker" / "layoffs_2026_format.csv"])
    >>> c.data.height, c.rejects.height
    (7, 0)
    """
    table = _table(name)
    if not paths and not table.inputs:
        raise InvalidArgumentError(
            "paths", [], expected=f"files to read: table {name!r} has no shipped default"
        )
    if not paths:
        processed_dir = config.DATA_PROCESSED if processed_dir is None else Path(processed_dir)
        raw = config.DATA_RAW if raw_dir is None else Path(raw_dir)
        target = processed_dir / f"{table.name}.parquet"
        if _is_stale(table, raw, processed_dir):
            build(raw_dir=raw, out_dir=processed_dir, names=[table.name])
        return read_cleaned_parquet(target, table)
    files = _expand(paths, table)
    kinds = [_is_parquet(p) for p in files]
    if all(kinds):
        parts = [read_cleaned_parquet(p, table) for p in files]
        return parts[0] if len(parts) == 1 else Cleaned.concat(parts)
    if any(kinds):
        raise InputFileError(
            files[kinds.index(True)], "raw files only, or cleaned Parquet files only", found="both"
        )
    return table.reader(files)


def describe() -> Mapping[str, str]:
    """``{source keyword: description}`` for the command line's help."""
    return {t.source: t.description for t in TABLES.values()}
