"""The source tables on the fetched data (``LAYOFFLAB_DATA=external``, ``make report DATA=external``).

Under ``LAYOFFLAB_DATA=external``, :func:`layofflab.tables.load` reads every table that
``layofflab fetch`` has files for from ``data/processed/external/``, built from those files
alone by the table's own reader (:func:`build_fetched`); a table no fetch provides, or one
whose files have not been fetched, is read from the shipped ``data/processed`` as before.
Each report run records which it read (the index lists the tables of each kind).

:data:`FETCHED` declares, per table, where its downloads are and what differs from the
shipped table:

* ``warn`` — the WARN register's state CSVs (``layofflab fetch warn``); the same table the
  ``warn-public`` universe panel is built from;
* ``layoffs`` — tracker exports (``layofflab fetch tracker URL``);
* ``capex`` — the company facts (``layofflab fetch sec``) of the firms of the shipped firms
  table (the ``bigtech`` universe); facts of other CIKs belong to the universe panel only.

Like the default tables, a fetched table is rebuilt only when one of its files (SHA-256),
the alias table or the pipeline code changed (``<name>.build.json``), is validated against
its schema with every row accounted for, and is written atomically.

Examples
--------
>>> sorted(FETCHED)
['capex', 'layoffs', 'warn']
>>> FETCHED["layoffs"].command
'layofflab fetch tracker URL'
>>> import tempfile
>>> fetched_files("warn", external_dir=Path(tempfile.mkdtemp()))
[]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from layofflab import config
from layofflab.errors import InvalidArgumentError
from layofflab.io import remove_stale_temps, write_text_atomic
from layofflab.manifest import sha256_file
from layofflab.tables.build import _code_fingerprint, is_current, write_cleaned
from layofflab.tables.registry import SHARED_INPUTS, BuildReport, Table, get_table

__all__ = ["FETCHED", "Fetched", "build_fetched", "fetched_files", "is_fetched", "source_dir"]


@dataclass(frozen=True)
class Fetched:
    """Where a table's downloads are under ``data/external`` and how they are fetched.

    Attributes
    ----------
    patterns : tuple of str
        Globs relative to ``data/external``.
    command : str
        The command that fetches them (named in messages and the docs).
    differs : str
        What the table built from them lacks or adds, compared with the shipped one.
    """

    patterns: tuple[str, ...]
    command: str
    differs: str


#: The tables ``layofflab fetch`` provides files for.
FETCHED: dict[str, Fetched] = {
    "warn": Fetched(
        patterns=("warn/register/*.csv",),
        command="layofflab fetch warn",
        differs="the register's states only; files scraped by warn-scraper (warn/scraper/) "
        "are not added, since the register consolidates the same portals and a notice "
        "would count twice",
    ),
    "layoffs": Fetched(
        patterns=("tracker/*.csv",),
        command="layofflab fetch tracker URL",
        differs="the shipped corrections (layoff_corrections.csv) are not applied: they "
        "name rows of the shipped file",
    ),
    "capex": Fetched(
        patterns=("sec/companyfacts/CIK*.json",),
        command="layofflab fetch sec",
        differs="SEC company facts only, for the firms of the bigtech universe; no "
        "third-party or press gap-fills",
    ),
}


def _spec(name: str) -> Fetched:
    if name not in FETCHED:
        raise InvalidArgumentError("table", name, expected=f"one of {sorted(FETCHED)}")
    return FETCHED[name]


def _bigtech_facts() -> set[str]:
    """Company-facts file names of the shipped firms table's CIKs (the bigtech universe)."""
    from layofflab.tables.load import load  # load reads this module: imported on use

    firms = load("firms", processed_dir=config.DATA_PROCESSED).data
    return {f"CIK{cik}.json" for cik in firms["cik"].drop_nulls().to_list()}


def fetched_files(name: str, *, external_dir: Path | None = None) -> list[Path]:
    """The downloads table ``name`` is built from, sorted (empty when none were fetched).

    Raises
    ------
    InvalidArgumentError
        ``name`` is not a key of :data:`FETCHED`.
    """
    spec = _spec(name)
    root = config.DATA_EXTERNAL if external_dir is None else Path(external_dir)
    files = sorted({p for pattern in spec.patterns for p in root.glob(pattern) if p.is_file()})
    if name == "capex":
        wanted = _bigtech_facts()
        files = [p for p in files if p.name in wanted]
    return files


def is_fetched(name: str, *, external_dir: Path | None = None) -> bool:
    """Whether ``layofflab fetch`` has files for table ``name`` (any table name; False if none)."""
    return name in FETCHED and bool(fetched_files(name, external_dir=external_dir))


def source_dir(name: str, *, universe: Literal["bigtech", "warn-public"] = "bigtech") -> Path:
    """Where :mod:`layofflab.tables` reads table ``name`` from when no folder is given.

    ``data/processed/external`` for the ``warn-public`` universe panel, and under
    ``LAYOFFLAB_DATA=external`` for a table whose files have been fetched;
    ``data/processed`` otherwise. The report kernel records the same folder.

    Examples
    --------
    >>> import os
    >>> os.environ.get("LAYOFFLAB_DATA", "default") != "default" or source_dir("warn") == config.DATA_PROCESSED
    True
    >>> source_dir("panel", universe="warn-public") == config.DATA_PROCESSED_EXTERNAL
    True
    """
    if universe == "warn-public" or (config.data_choice() == "external" and is_fetched(name)):
        return config.DATA_PROCESSED_EXTERNAL
    return config.DATA_PROCESSED


def _fingerprint(files: list[Path], root: Path) -> dict[str, Any]:
    lookups = [config.DATA_RAW / n for n in SHARED_INPUTS if (config.DATA_RAW / n).is_file()]
    inputs = {p.relative_to(root).as_posix(): sha256_file(p) for p in files}
    inputs.update({f"data/raw/{p.name}": sha256_file(p) for p in lookups})
    return {"inputs": inputs, "code": _code_fingerprint()}


def build_fetched(
    name: str,
    *,
    external_dir: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
) -> BuildReport:
    """Build table ``name`` from its downloads unless they and the code are unchanged.

    Parameters
    ----------
    name : {"warn", "layoffs", "capex"}
        A key of :data:`FETCHED`.
    external_dir : path, optional
        The downloads (default :data:`layofflab.config.DATA_EXTERNAL`).
    out_dir : path, optional
        Where the table goes (default :data:`layofflab.config.DATA_PROCESSED_EXTERNAL`).
    force : bool
        Rebuild even when nothing changed.

    Returns
    -------
    BuildReport
        ``"built"`` or ``"up to date"``, with the rows in, clean and rejected per file.

    Raises
    ------
    InvalidArgumentError
        No file of the table has been fetched (the message names the command).
    InputFileError
        A file the table's reader refuses (naming the file, row, column and value).

    Examples
    --------
    >>> import shutil, tempfile
    >>> ext, out = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    >>> _ = shutil.copytree(config.FIXTURES / "universe" / "register", ext / "warn" / "register")
    >>> build_fetched("warn", external_dir=ext, out_dir=out).status
    'built'
    >>> build_fetched("warn", external_dir=ext, out_dir=out).status
    'up to date'
    >>> sorted(json.loads((out / "warn.build.json").read_text())["inputs"])[:2]
    ['data/raw/company_aliases.csv', 'warn/register/ny.csv']
    >>> build_fetched("layoffs", external_dir=ext, out_dir=out)
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: table='layoffs': expected files under data/external/tracker/*.csv (run `layofflab fetch tracker URL`)
    """
    spec = _spec(name)
    root = config.DATA_EXTERNAL if external_dir is None else Path(external_dir)
    out_dir = config.DATA_PROCESSED_EXTERNAL if out_dir is None else Path(out_dir)
    files = fetched_files(name, external_dir=root)
    if not files:
        where = ", ".join(f"data/external/{p}" for p in spec.patterns)
        raise InvalidArgumentError(
            "table", name, expected=f"files under {where} (run `{spec.command}`)"
        )
    table = get_table(name)
    assert isinstance(table, Table)
    fingerprint = _fingerprint(files, root)
    stamp = out_dir / f"{name}.build.json"
    summary_path = out_dir / f"{name}.summary.json"
    outputs = [out_dir / f"{name}.parquet", out_dir / f"{name}.rejects.parquet", summary_path]
    if not force and is_current(stamp, outputs, fingerprint):
        return BuildReport(name, "up to date", pl.DataFrame(json.loads(summary_path.read_text())))
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)
    stamp.unlink(missing_ok=True)  # a build that dies from here on leaves no valid stamp
    cleaned = table.reader(files)
    write_cleaned(cleaned, table, out_dir, stem=name)
    summary = cleaned.summary()
    write_text_atomic(json.dumps(summary.to_dict(as_series=False)), summary_path)
    write_text_atomic(json.dumps(fingerprint, indent=1), stamp)
    return BuildReport(name, "built", summary)
