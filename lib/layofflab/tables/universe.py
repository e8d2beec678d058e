"""Stage ``data`` of the ``warn-public`` universe: its panel from the files in ``data/external``.

``layofflab fetch warn`` puts the WARN register's state CSVs in
``data/external/warn/register/`` and ``layofflab fetch sec --universe warn-public`` every
such firm's company facts in ``data/external/sec/companyfacts/CIK##########.json``.
:func:`build_universe` turns them into ``data/processed/external/``:

* ``warn.parquet`` and ``warn.rejects.parquet`` — the register cleaned by the WARN table's
  reader (:func:`layofflab.sources.warn.read`), every raw row in one or the other: the
  WARN table of ``LAYOFFLAB_DATA=external`` (:func:`layofflab.tables.external.build_fetched`);
* ``sec/<file>.parquet`` and ``sec/<file>.rejects.parquet`` — each company-facts file of
  a CIK with a WARN row, derived into discrete quarters by
  :func:`layofflab.tables.quarters.derive_quarters` (the SEC reader, in parallel
  processes); files of CIKs without a WARN row are counted, not read;
* ``panel.parquet`` and ``panel.funnel.parquet`` —
  :func:`layofflab.panel.universe.build_universe_panel` (coverage rules there);
* ``firms.parquet`` — every firm of the universe with the state of its company facts
  (derived, without capex or assets, refused by the reader with the reason, or no file).

Like the default tables, it is rebuilt only when an input file (SHA-256), the pipeline
code or the window changed (``panel.build.json``, written last), every file is written
atomically, and temporary files of a killed build are removed first.

Examples
--------
>>> UNIVERSES
('bigtech', 'warn-public')
>>> WARN_REGISTER_DIR, COMPANYFACTS_DIR
('warn/register', 'sec/companyfacts')
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polars as pl

from layofflab import config, schemas
from layofflab.errors import InputFileError
from layofflab.io import remove_stale_temps, write_parquet_atomic, write_text_atomic
from layofflab.manifest import sha256_file
from layofflab.panel import Panel
from layofflab.panel.universe import build_universe_panel
from layofflab.tables.build import _code_fingerprint, is_current
from layofflab.tables.derived import PANEL_START
from layofflab.tables.external import build_fetched
from layofflab.tables.quarters import derive_quarters
from layofflab.tables.registry import TABLE_KEY, BuildReport

__all__ = [
    "COMPANYFACTS_DIR",
    "UNIVERSES",
    "WARN_REGISTER_DIR",
    "build_universe",
    "read_universe_firms",
    "read_universe_panel",
    "universe_inputs",
]

#: The universes of ``tables.load_panel("panel", universe=…)``: the default panel, or every
#: public firm with a WARN notice (built from ``data/external``).
UNIVERSES: tuple[str, ...] = ("bigtech", "warn-public")
#: Where ``layofflab fetch warn`` puts the register's state CSVs (relative to ``data/external``).
WARN_REGISTER_DIR = "warn/register"
#: Where ``layofflab fetch sec`` puts company facts (relative to ``data/external``).
COMPANYFACTS_DIR = "sec/companyfacts"
#: The SEC concepts the universe panel carries.
CONCEPTS: dict[str, list[str]] = {
    "capex": [],
    "revenue": [],
    "operating_income": [],
    "total_assets": [],
}
_FACTS_NAME = re.compile(r"CIK(\d{10})\.json")


def universe_inputs(external_dir: Path) -> tuple[list[Path], list[Path]]:
    """The WARN register CSVs and the company-facts files under ``external_dir``, sorted.

    Only ``CIK##########.json`` files count as company facts (what ``layofflab fetch sec``
    writes); a register file is any ``*.csv`` of ``warn/register``.

    Raises
    ------
    InputFileError
        No register CSV (naming the folder and the command that fetches them).

    Examples
    --------
    >>> universe_inputs(Path("/nonexistent"))
    Traceback (most recent call last):
    ...
    layofflab.errors.InputFileError: /nonexistent/warn/register: expected WARN register CSVs (run `layofflab fetch warn`); found none
    """
    folder = Path(external_dir) / WARN_REGISTER_DIR
    register = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    if not register:
        raise InputFileError(
            folder, "WARN register CSVs (run `layofflab fetch warn`)", found="none"
        )
    facts_dir = Path(external_dir) / COMPANYFACTS_DIR
    facts = sorted(
        p
        for p in (facts_dir.glob("CIK*.json") if facts_dir.is_dir() else [])
        if _FACTS_NAME.fullmatch(p.name)
    )
    return register, facts


def _fingerprint(external_dir: Path, register: list[Path], facts: list[Path]) -> dict[str, Any]:
    root = Path(external_dir)
    return {
        "inputs": {p.relative_to(root).as_posix(): sha256_file(p) for p in [*register, *facts]},
        "code": _code_fingerprint(),
        "start": PANEL_START.isoformat(),
    }


def _outputs(out_dir: Path) -> list[Path]:
    return [
        out_dir / f"{n}.parquet" for n in ("warn", "warn.rejects", "panel", "panel.funnel", "firms")
    ]


def _derive_sec(
    facts: list[Path], ciks: set[str], out_dir: Path, workers: int | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Quarters of the facts files of ``ciks`` and the table of every file found."""
    sec_dir = out_dir / "sec"
    sec_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(sec_dir)
    wanted = [p for p in facts if _cik_of(p) in ciks]
    for old in sec_dir.glob("*.parquet"):  # parts of files no longer among the inputs
        if old.name.split(".")[0] not in {p.stem for p in wanted}:
            old.unlink()
    errors: dict[str, str] = {}
    data = pl.DataFrame(
        schema={"cik": pl.String, "concept": pl.String, "period_end": pl.Date, "value": pl.Float64}
    )
    if wanted:
        derived = derive_quarters(
            wanted, out_dir=sec_dir, workers=workers, concepts=CONCEPTS, on_error="collect"
        )
        if len(derived.errors) < len(wanted):
            derived.check_conservation()
        errors = derived.errors
        data = derived.data.collect()
    files = pl.DataFrame(
        {
            "cik": [_cik_of(p) for p in facts],
            "facts_file": [p.name for p in facts],
            "facts_error": [errors.get(p.name) for p in facts],
        },
        schema={"cik": pl.String, "facts_file": pl.String, "facts_error": pl.String},
    )
    return data, files


def _cik_of(path: Path) -> str:
    match = _FACTS_NAME.fullmatch(path.name)
    assert match is not None  # universe_inputs keeps only such names
    return match.group(1)


def build_universe(
    *,
    external_dir: Path | None = None,
    out_dir: Path | None = None,
    workers: int | None = None,
    force: bool = False,
) -> BuildReport:
    """Build the ``warn-public`` panel unless its inputs and the code are unchanged.

    Parameters
    ----------
    external_dir : path, optional
        The downloads (default :data:`layofflab.config.DATA_EXTERNAL`).
    out_dir : path, optional
        Where the tables go (default :data:`layofflab.config.DATA_PROCESSED_EXTERNAL`).
    workers : int, optional
        Processes deriving company facts (default: every core; ``1``: in this process).
    force : bool
        Rebuild even when nothing changed.

    Returns
    -------
    BuildReport
        ``"built"`` or ``"up to date"``, with the panel's funnel as the summary.

    Raises
    ------
    InputFileError
        No register CSV, or a register file the WARN reader refuses (naming the file).

    Examples
    --------
    >>> import tempfile
    >>> build_universe(external_dir=Path(tempfile.mkdtemp()), out_dir=Path(tempfile.mkdtemp()))
    Traceback (most recent call last):
    ...
    layofflab.errors.InputFileError: ...warn/register: expected WARN register CSVs (run `layofflab fetch warn`); found none
    """
    external_dir = config.DATA_EXTERNAL if external_dir is None else Path(external_dir)
    out_dir = config.DATA_PROCESSED_EXTERNAL if out_dir is None else Path(out_dir)
    register, facts = universe_inputs(external_dir)
    fingerprint = _fingerprint(external_dir, register, facts)
    stamp = out_dir / "panel.build.json"
    if not force and is_current(stamp, _outputs(out_dir), fingerprint):
        return BuildReport("panel", "up to date", pl.read_parquet(out_dir / "panel.funnel.parquet"))
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)
    stamp.unlink(missing_ok=True)  # a build that dies from here on leaves no valid stamp
    build_fetched("warn", external_dir=external_dir, out_dir=out_dir, force=force)
    warn = pl.read_parquet(out_dir / "warn.parquet")  # the WARN table of LAYOFFLAB_DATA=external
    ciks = set(
        warn.select(pl.coalesce(pl.col("register_cik").str.zfill(10), pl.col("cik")).alias("c"))[
            "c"
        ]
        .drop_nulls()
        .to_list()
    )
    sec, files = _derive_sec(facts, ciks, out_dir, workers)
    panel, firms = build_universe_panel(warn=warn, sec=sec, files=files, start=PANEL_START)
    schemas.validate(panel.data, schemas.PANEL, table="panel (warn-public)")
    meta = {TABLE_KEY: "panel", "layofflab.freq": "quarter", "layofflab.universe": "warn-public"}
    write_parquet_atomic(panel.data, out_dir / "panel.parquet", metadata=meta)
    write_parquet_atomic(
        panel.funnel, out_dir / "panel.funnel.parquet", metadata={TABLE_KEY: "funnel"}
    )
    write_parquet_atomic(firms, out_dir / "firms.parquet", metadata={TABLE_KEY: "universe firms"})
    write_text_atomic(json.dumps(fingerprint, indent=1), stamp)
    return BuildReport("panel", "built", panel.funnel)


def read_universe_panel(out_dir: Path | None = None) -> Panel:
    """The built ``warn-public`` panel (call :func:`build_universe` first), validated.

    Examples
    --------
    >>> import shutil, tempfile
    >>> ext, out = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    >>> _ = shutil.copytree(config.FIXTURES / "universe" / "register", ext / WARN_REGISTER_DIR)
    >>> _ = shutil.copytree(config.FIXTURES / "universe" / "companyfacts", ext / COMPANYFACTS_DIR)
    >>> build_universe(external_dir=ext, out_dir=out, workers=1).status
    'built'
    >>> p = read_universe_panel(out)
    >>> p.data["company_id"].n_unique(), p.data.height
    (10, 240)
    >>> read_universe_firms(out).filter(pl.col("facts_status") == "no company-facts file")["ticker"].to_list()
    ['DGWD']
    """
    out_dir = config.DATA_PROCESSED_EXTERNAL if out_dir is None else Path(out_dir)
    data = pl.read_parquet(out_dir / "panel.parquet")
    schemas.validate(data, schemas.PANEL, table="panel (warn-public)")
    return Panel(
        data=data, funnel=pl.read_parquet(out_dir / "panel.funnel.parquet"), freq="quarter"
    )


def read_universe_firms(out_dir: Path | None = None) -> pl.DataFrame:
    """The universe's firms and the state of their company facts (``firms.parquet``).

    Columns :data:`layofflab.panel.universe.FIRM_COLUMNS` and ``facts_error``; an example is
    in :func:`read_universe_panel`.
    """
    out_dir = config.DATA_PROCESSED_EXTERNAL if out_dir is None else Path(out_dir)
    return pl.read_parquet(out_dir / "firms.parquet")
