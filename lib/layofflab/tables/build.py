"""Stage ``data``: build every processed table that is out of date (``make data``).

A table is rebuilt when an input, the package code or its resources changed since the last
build (recorded in ``<name>.build.json``); it is validated against its schema, row
conservation is checked, and ``<name>.parquet`` and ``<name>.rejects.parquet`` are written
atomically. A derived table (a panel) is rebuilt when a table it depends on changed; it
writes ``<name>.parquet`` and ``<name>.funnel.parquet``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from layofflab import config, schemas
from layofflab.io import remove_stale_temps, write_parquet_atomic, write_text_atomic
from layofflab.manifest import sha256_file, verify_manifest
from layofflab.sources._base import Cleaned
from layofflab.tables.registry import (
    PIPELINE_CODE,
    SHARED_INPUTS,
    TABLE_KEY,
    TABLES,
    BuildReport,
    DerivedTable,
    Table,
    get_table,
)

__all__ = ["build", "build_derived", "build_table", "is_current", "is_stale", "write_cleaned"]


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


def is_current(stamp: Path, outputs: Sequence[Path], fingerprint: Mapping[str, Any]) -> bool:
    """Whether every output exists and ``stamp`` records exactly ``fingerprint`` (nothing to build).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "t.build.json").write_text('{"code": "x"}')
    >>> is_current(d / "t.build.json", [], {"code": "x"}), is_current(d / "t.build.json", [d / "t.parquet"], {"code": "x"})
    (True, False)
    """
    return (
        stamp.is_file()
        and all(p.is_file() for p in outputs)
        and json.loads(stamp.read_text()) == fingerprint
    )


def write_cleaned(cleaned: Cleaned, table: Table, out_dir: Path, *, stem: str) -> list[Path]:
    """Validate ``cleaned``, check row conservation, and write it atomically.

    ``cleaned`` is validated against ``table``'s schema; ``<stem>.parquet`` and
    ``<stem>.rejects.parquet`` are written atomically, tagged with the table name.
    """
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


def is_stale(table: Table, raw_dir: Path, out_dir: Path) -> bool:
    """Whether the processed table was built from other inputs or code than today's.

    A table whose raw inputs are gone is not stale: the processed table is what there is to read.
    """
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
    if not force and is_current(stamp, [*outputs, summary_path], fingerprint):
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
    """Stage ``data``: verify the raw manifest, then build every table that is out of date.

    With ``names``, only those tables. Folders default to those of :mod:`layofflab.config`.
    Temporary files a killed build left in ``out_dir`` are removed first.
    """
    raw_dir = config.DATA_RAW if raw_dir is None else Path(raw_dir)
    out_dir = config.DATA_PROCESSED if out_dir is None else Path(out_dir)
    verify_manifest(raw_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)  # left by a build that was killed
    chosen = [get_table(n) for n in names] if names else list(TABLES.values())
    reports = []
    for t in chosen:
        if isinstance(t, DerivedTable):
            reports.append(build_derived(t, raw_dir=raw_dir, out_dir=out_dir, force=force))
        elif t.inputs:
            reports.append(build_table(t, raw_dir=raw_dir, out_dir=out_dir, force=force))
    return reports


def _derived_fingerprint(table: DerivedTable, out_dir: Path) -> dict[str, object]:
    return {
        "depends": {d: sha256_file(out_dir / f"{d}.parquet") for d in table.depends},
        "code": _code_fingerprint(),
    }


def build_derived(
    table: DerivedTable,
    *,
    raw_dir: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
) -> BuildReport:
    """Build a derived table (first the tables it depends on, as needed)."""
    from layofflab.tables.load import load

    raw_dir = config.DATA_RAW if raw_dir is None else Path(raw_dir)
    out_dir = config.DATA_PROCESSED if out_dir is None else Path(out_dir)
    deps: dict[str, Cleaned] = {
        d: load(d, processed_dir=out_dir, raw_dir=raw_dir) for d in table.depends
    }
    fingerprint = _derived_fingerprint(table, out_dir)
    stamp = out_dir / f"{table.name}.build.json"
    outputs = [out_dir / f"{table.name}.parquet", out_dir / f"{table.name}.funnel.parquet"]
    if not force and is_current(stamp, outputs, fingerprint):
        return BuildReport(table.name, "up to date", pl.read_parquet(outputs[1]))
    panel = table.derive(deps)
    schemas.validate(panel.data, schemas.PANEL, table=table.name)
    meta = {TABLE_KEY: table.name, "layofflab.freq": panel.freq}
    write_parquet_atomic(panel.data, outputs[0], metadata=meta)
    write_parquet_atomic(panel.funnel, outputs[1], metadata={TABLE_KEY: "funnel"})
    write_text_atomic(json.dumps(fingerprint, indent=1), stamp)
    return BuildReport(table.name, "built", panel.funnel)
