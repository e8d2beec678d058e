"""Quarterly series from many company-facts files: one process per file, bounded memory.

(The stage of the ``warn-public`` universe panel, :mod:`layofflab.tables.universe`, and
``layofflab.fetch.derive_quarters`` are this module.)

:func:`derive_quarters` runs the public reader :func:`layofflab.sources.sec.read` on each
file in a worker process (or on a Dask cluster when a ``client`` is given), writes each
result to Parquet (``<out>/<stem>.parquet`` and ``<stem>.rejects.parquet``) and returns
lazy scans of the parts: the parent never holds more than the list of files and their row
counts, so memory does not grow with the number of files.

Files are cleaned one by one: each company-facts document is one filer, so nothing is
resolved across files (two vintages of one CIK must not both be given; their file names
would clash anyway).

Examples
--------
>>> import tempfile, pathlib
>>> from layofflab import config
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> q = derive_quarters([config.FIXTURES / "sec" / "calendar_companyfacts.json"], out_dir=out,
...                     concepts={"capex": []}, workers=1)
>>> q.data.filter(pl.col("fiscal_year") == 2024).select("fiscal_period", "value").collect().rows()
[('Q1', 1200.0), ('Q2', 1900.0), ('Q3', 1900.0), ('Q4', 3000.0)]
>>> q.check_conservation()
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from layofflab.checks import check_choice, check_scalar
from layofflab.errors import InputFileError, InvalidArgumentError, RowConservationError
from layofflab.io import write_parquet_atomic
from layofflab.sources import sec

__all__ = ["Derived", "derive_quarters"]


@dataclass(frozen=True)
class Derived:
    """Lazy results of :func:`derive_quarters` and the row accounting that ties them."""

    data: pl.LazyFrame
    rejects: pl.LazyFrame
    rows_in: dict[str, int]
    out_dir: Path
    #: ``{file name: one-line reason}`` of the files the reader refused (``on_error="collect"``).
    errors: dict[str, str] = field(default_factory=dict)

    def check_conservation(self) -> None:
        """Raise :class:`RowConservationError` unless facts in = clean + rejected, per file."""
        counts = (
            pl.concat(
                [
                    self.data.group_by("source_file").agg(n=pl.len()),
                    self.rejects.group_by("source_file").agg(n=pl.len()),
                ]
            )
            .group_by("source_file")
            .agg(pl.col("n").sum())
            .collect()
        )
        out = dict(counts.iter_rows())
        for name in set(self.rows_in) | set(out):
            if self.rows_in.get(name, 0) != out.get(name, 0):
                raise RowConservationError(
                    f"sec {name}: {self.rows_in.get(name, 0)} facts in, {out.get(name, 0)} out"
                )


def _one(
    path: str, out_dir: str, concepts: Mapping[str, Sequence[str]] | None, today: dt.date | None
) -> tuple[str, int, tuple[str, int | None, str | None, Any] | None]:
    """Clean one file and write its parts; return (file name, facts in, error). Runs in a worker.

    A rejected file comes back as the fields of its InputFileError (whose constructor
    arguments do not survive pickling), raised again by the caller.
    """
    try:
        cleaned = sec.read(path, concepts=concepts, today=today)
    except InputFileError as exc:
        return Path(path).name, 0, (exc.expected, exc.row, exc.column, exc.value)
    cleaned.check_conservation()
    stem = Path(path).stem
    write_parquet_atomic(cleaned.data, Path(out_dir) / f"{stem}.parquet")
    write_parquet_atomic(cleaned.rejects, Path(out_dir) / f"{stem}.rejects.parquet")
    name = Path(path).name
    return name, cleaned.rows_in.get(name, 0), None


def derive_quarters(
    paths: Iterable[str | Path],
    *,
    out_dir: str | Path,
    workers: int | None = None,
    client: Any = None,
    concepts: Mapping[str, Sequence[str]] | None = None,
    today: dt.date | None = None,
    on_error: Literal["raise", "collect"] = "raise",
) -> Derived:
    """Derive discrete quarters from many company-facts files in parallel.

    Parameters
    ----------
    paths : iterable of path
        Company-facts JSON files (``CIK##########.json``), file names unique.
    out_dir : path
        Where the per-file Parquet parts go (on a Dask cluster: a folder every worker
        can write and the caller can read).
    workers : int, optional
        Worker processes; ``1`` runs in this process (no pool); default: every core.
        Ignored when ``client`` is given.
    client : dask.distributed.Client, optional
        Run the files as tasks on this cluster instead.
    concepts, today
        As for :func:`layofflab.sources.sec.read`.
    on_error : {"raise", "collect"}
        A file the reader refuses: raise its error (the first, in the order given), or
        leave it out of ``data`` and list it in :attr:`Derived.errors` with the reason
        (its facts then count in ``rows_in`` as 0: nothing of it was read).

    Returns
    -------
    Derived
        ``data`` and ``rejects`` as lazy scans of the parts (the columns of
        :data:`layofflab.sources.sec.COLUMNS` and the rejects schema), ``rows_in`` per file.

    Raises
    ------
    InputFileError
        Two files with the same name, or (``on_error="raise"``) a file the reader rejects
        (the first, in the order given; nothing is returned).
    """
    files = [str(Path(p)) for p in paths]
    if not files:
        raise InvalidArgumentError("paths", [], expected="at least one company-facts file")
    seen: set[str] = set()
    for f in files:
        if Path(f).name in seen:
            raise InputFileError(f, "file names that are unique among the inputs")
        seen.add(Path(f).name)
    if workers is not None:
        check_scalar(workers, "workers", int, min_val=1)
    check_choice(on_error, "on_error", ("raise", "collect"))
    sec.concept_table(concepts)  # a bad `concepts` fails here, once, not in every worker
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    args = (str(out), dict(concepts) if concepts is not None else None, today)
    if client is not None:
        futures = client.map(_one, files, *[[a] * len(files) for a in args], pure=False)
        counts = client.gather(futures)
    elif workers == 1:
        counts = [_one(f, *args) for f in files]
    else:
        context = multiprocessing.get_context("spawn")  # polars' thread pool does not survive fork
        # (no max_tasks_per_child: with it, Python 3.11's pool can hang when a worker retires)
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            chunk = max(1, min(16, len(files) // (8 * (workers or 2))))  # fewer round trips
            counts = list(pool.map(_one, files, *[[a] * len(files) for a in args], chunksize=chunk))
    errors: dict[str, str] = {}
    for f, (name, _, error) in zip(files, counts, strict=True):
        if error is not None:
            expected, row, column, value = error
            exc = InputFileError(f, expected, row=row, column=column, value=value)
            if on_error == "raise":
                raise exc
            errors[name] = str(exc)
    stems = [Path(f).stem for f in files if Path(f).name not in errors]
    data_parts = [out / f"{s}.parquet" for s in stems]
    reject_parts = [out / f"{s}.rejects.parquet" for s in stems]
    return Derived(
        data=pl.scan_parquet(data_parts) if stems else _empty(sec.COLUMNS, data=True),
        rejects=pl.scan_parquet(reject_parts) if stems else _empty((), data=False),
        rows_in={name: n for name, n, _ in counts},
        out_dir=out,
        errors=errors,
    )


def _empty(columns: Sequence[str], *, data: bool) -> pl.LazyFrame:
    """An empty frame of the SEC table's (or the rejects') schema: every file was refused."""
    from layofflab.schemas import SEC
    from layofflab.sources._base import REJECTS_SCHEMA

    if data:
        types = {c: SEC.columns[c].dtype.type for c in columns}
        return pl.LazyFrame(schema={c: t() if isinstance(t, type) else t for c, t in types.items()})
    return pl.LazyFrame(schema=REJECTS_SCHEMA)
