"""Pipeline stage ``data``: verify ``data/raw`` and build ``data/processed`` (only what changed).

Each processed table is declared once in :data:`TABLES` (its reader, raw inputs and
schema). A table is rebuilt when an input, the package code or its resources
changed since the last build (recorded in ``<name>.build.json``); it is validated
against its schema, row conservation is checked, and the files are written
atomically: ``<name>.parquet`` and ``<name>.rejects.parquet``.

Examples
--------
>>> [t.name for t in TABLES][:1]
['layoffs']
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandera.polars as pa
import polars as pl

from layofflab import config, schemas
from layofflab.io import write_parquet_atomic, write_text_atomic
from layofflab.manifest import sha256_file, verify_manifest
from layofflab.sources import announcements, sec, tracker, warn
from layofflab.sources._base import Cleaned
from layofflab.sources.announcements import ANNOUNCEMENTS
from layofflab.sources.sec_schema import SEC
from layofflab.sources.warn_schema import WARN

__all__ = ["TABLES", "BuildReport", "TableSpec", "build", "build_table"]


@dataclass(frozen=True)
class TableSpec:
    """One processed table: ``name``, the reader, its raw inputs (relative to data/raw) and schema."""

    name: str
    reader: Callable[[Sequence[Path]], Cleaned]
    inputs: tuple[str, ...]
    schema: pa.DataFrameSchema


@dataclass(frozen=True)
class BuildReport:
    """What :func:`build_table` did: ``"built"`` or ``"up to date"``, with the row summary."""

    name: str
    status: str
    summary: pl.DataFrame


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "layoffs", lambda paths: tracker.read(paths), ("layoff_events.csv",), schemas.TRACKER
    ),
    TableSpec(
        "announcements",
        lambda paths: announcements.read(paths),
        ("ai_capex_announcements.csv",),
        ANNOUNCEMENTS,
    ),
    TableSpec("capex", lambda paths: sec.read(paths), ("capex_quarterly.csv",), SEC),
    TableSpec("warn", lambda paths: warn.read(paths), ("warn_amazon_2025.csv",), WARN),
)


#: Raw files every table depends on (entity resolution reads the alias table).
SHARED_INPUTS: tuple[str, ...] = ("company_aliases.csv",)

#: The code a processed table depends on (relative to the package): a change here rebuilds.
PIPELINE_CODE: tuple[str, ...] = (
    "sources",
    "resources",
    "cleaning.py",
    "io.py",
    "lookups.py",
    "schemas.py",
    "entities.py",
    "data.py",
)


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


def build_table(
    spec: TableSpec,
    *,
    raw_dir: Path = config.DATA_RAW,
    out_dir: Path = config.DATA_PROCESSED,
    force: bool = False,
) -> BuildReport:
    """Build one table unless its inputs and the code are unchanged since the last build."""
    inputs = [raw_dir / name for name in spec.inputs]
    lookups = [raw_dir / name for name in SHARED_INPUTS if (raw_dir / name).is_file()]
    fingerprint = {
        "inputs": {p.name: sha256_file(p) for p in [*inputs, *lookups]},
        "code": _code_fingerprint(),
    }
    stamp = out_dir / f"{spec.name}.build.json"
    outputs = [out_dir / f"{spec.name}.parquet", out_dir / f"{spec.name}.rejects.parquet"]
    if (
        not force
        and stamp.is_file()
        and all(p.is_file() for p in outputs)
        and json.loads(stamp.read_text()) == fingerprint
    ):
        summary = pl.DataFrame(json.loads((out_dir / f"{spec.name}.summary.json").read_text()))
        return BuildReport(spec.name, "up to date", summary)
    cleaned = spec.reader(inputs)
    cleaned.check_conservation()
    schemas.validate(cleaned.data, spec.schema, table=spec.name)
    schemas.validate(cleaned.rejects, schemas.REJECTS, table=f"{spec.name}.rejects")
    write_parquet_atomic(cleaned.data, outputs[0])
    write_parquet_atomic(cleaned.rejects, outputs[1])
    summary = cleaned.summary()
    write_text_atomic(
        json.dumps(summary.to_dict(as_series=False)), out_dir / f"{spec.name}.summary.json"
    )
    write_text_atomic(json.dumps(fingerprint, indent=1), stamp)
    return BuildReport(spec.name, "built", summary)


def build(
    *,
    raw_dir: Path = config.DATA_RAW,
    out_dir: Path = config.DATA_PROCESSED,
    tables: Sequence[TableSpec] = TABLES,
    force: bool = False,
) -> list[BuildReport]:
    """Verify the raw manifest, then build every table in ``tables`` that is out of date."""
    verify_manifest(raw_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [build_table(spec, raw_dir=raw_dir, out_dir=out_dir, force=force) for spec in tables]
