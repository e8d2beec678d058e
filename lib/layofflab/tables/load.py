"""What the studies and notebooks read: :func:`load` a processed table, or clean given files.

A processed table is read from ``data/processed`` (rebuilt first when it was built from
other inputs or code, as ``make data`` would); files given are cleaned by the table's own
reader — raw CSV/JSON, or a Parquet written by ``layofflab clean`` (a folder stands for
the Parquet inside it). A derived table (``panel``, ``panel_month``) loads as a
:class:`~layofflab.panel.Panel`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import polars as pl

from layofflab import config, schemas
from layofflab.checks import check_choice
from layofflab.errors import InputFileError, InvalidArgumentError
from layofflab.panel import Panel
from layofflab.sources._base import REJECTS_SCHEMA, Cleaned
from layofflab.tables.build import build, is_stale
from layofflab.tables.external import build_fetched, source_dir
from layofflab.tables.registry import TABLE_KEY, TABLES, DerivedTable, Table, get_table

__all__ = ["describe", "load", "load_panel", "read_cleaned_parquet"]

_PARQUET_MAGIC = b"PAR1"


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == _PARQUET_MAGIC


def read_cleaned_parquet(path: str | Path, table: Table) -> Cleaned:
    """Read a cleaned table written by :func:`write_cleaned`, with its rejects beside it.

    The file (from ``make data`` or ``layofflab clean``) must hold ``table``.

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
        matches = [
            t.name
            for t in TABLES.values()
            if isinstance(t, Table) and tuple(t.schema.columns) == columns
        ]
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
        ``make data`` would); when its raw inputs are gone it is read as it is. Under
        ``LAYOFFLAB_DATA=external`` with no ``processed_dir``, a table whose files
        ``layofflab fetch`` downloaded is built from them alone into
        ``data/processed/external`` and read from there (:mod:`.external`). Otherwise
        the given files cleaned by the table's reader — raw files (CSV, JSON) or Parquet files written by ``layofflab clean`` or
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
    table = get_table(name)
    if isinstance(table, DerivedTable):
        raise InvalidArgumentError(
            "name", name, expected="a source table (use load_panel for a derived table)"
        )
    if not paths and not table.inputs:
        raise InvalidArgumentError(
            "paths", [], expected=f"files to read: table {name!r} has no shipped default"
        )
    fetched = source_dir(table.name) if not paths and processed_dir is None else None
    if fetched is not None and fetched != config.DATA_PROCESSED:
        build_fetched(table.name)  # LAYOFFLAB_DATA=external and its files fetched
        return read_cleaned_parquet(fetched / f"{table.name}.parquet", table)
    if not paths:
        processed_dir = config.DATA_PROCESSED if processed_dir is None else Path(processed_dir)
        raw = config.DATA_RAW if raw_dir is None else Path(raw_dir)
        target = processed_dir / f"{table.name}.parquet"
        if is_stale(table, raw, processed_dir):
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
    return {t.source: t.description for t in TABLES.values() if isinstance(t, Table)}


def load_panel(
    name: str = "panel",
    *,
    universe: Literal["bigtech", "warn-public"] = "bigtech",
    processed_dir: Path | None = None,
    raw_dir: Path | None = None,
    external_dir: Path | None = None,
) -> Panel:
    """A derived panel, built first when it or a table it depends on is out of date.

    Parameters
    ----------
    name : {"panel", "panel_month"}
        ``"panel"`` is firm × quarter; ``"panel_month"`` firm × month (``bigtech`` only).
    universe : {"bigtech", "warn-public"}
        ``bigtech`` (default): the shipped dataset's firms, from ``data/raw``.
        ``warn-public``: every public firm with a WARN notice (``company_id`` = its CIK),
        built from the downloads in ``external_dir`` (default ``data/external``) into
        ``processed_dir`` (default ``data/processed/external``) by
        :func:`layofflab.tables.universe.build_universe`; coverage rules in
        :mod:`layofflab.panel.universe` (WARN counts zero inside the register's window and
        null outside; SEC figures null where the facts give none; no tracker,
        announcement or headcount data).
    processed_dir, raw_dir : path, optional
        Where the processed tables go and (``bigtech``) the raw inputs.
    external_dir : path, optional
        (``warn-public``) the downloads of ``layofflab fetch``.

    Raises
    ------
    InvalidArgumentError
        An unknown name or universe (the message names the choices).

    Examples
    --------
    >>> p = load_panel("panel")
    >>> p.freq, p.data["company_id"].n_unique()
    ('quarter', 13)
    >>> load_panel("panel", universe="sp500")
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: universe='sp500': expected one of 'bigtech', 'warn-public'
    """
    from layofflab.tables.build import build_derived
    from layofflab.tables.universe import UNIVERSES, build_universe, read_universe_panel

    check_choice(universe, "universe", UNIVERSES)
    table = get_table(name)
    if not isinstance(table, DerivedTable):
        raise InvalidArgumentError("name", name, expected="a derived table such as 'panel'")
    if universe == "warn-public":
        if name != "panel":
            raise InvalidArgumentError(
                "name", name, expected="'panel' (the warn-public universe is quarterly only)"
            )
        out = source_dir(name, universe=universe) if processed_dir is None else Path(processed_dir)
        build_universe(external_dir=external_dir, out_dir=out)
        return read_universe_panel(out)
    processed_dir = config.DATA_PROCESSED if processed_dir is None else Path(processed_dir)
    raw = config.DATA_RAW if raw_dir is None else Path(raw_dir)
    build_derived(table, raw_dir=raw, out_dir=processed_dir)
    target = processed_dir / f"{name}.parquet"
    freq = pl.read_parquet_metadata(target).get("layofflab.freq", "quarter")
    data = pl.read_parquet(target)
    schemas.validate(data, schemas.PANEL, table=name)
    return Panel(
        data=data, funnel=pl.read_parquet(processed_dir / f"{name}.funnel.parquet"), freq=freq
    )
