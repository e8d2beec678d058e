"""Reader for the coverage table ``data/raw/source_coverage.csv``: when each source covers a firm.

One row per source (and optionally per firm): ``source, company_id, start, end, basis,
source_url``. A blank ``company_id`` applies to every firm. The panel gives zero where a
source covers a period and shows nothing, null where it does not cover it
(:func:`layofflab.panel.firm_panel.build_firm_panel`). The announcements' window is not
here: it is declared on every announcement row (``collected_from``, ``collected_to``) and
read from there, so each fact is declared once.

Examples
--------
>>> from layofflab import config
>>> c = read(config.FIXTURES / "coverage.csv")
>>> c.data.select("source", "start", "end").rows()[0]
('tracker', datetime.date(2020, 3, 11), datetime.date(2026, 1, 28))
>>> c.rejects["reason"].to_list()
["unknown source 'rumours'", 'start after end']
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from layofflab.cleaning import normalize_text, parse_date
from layofflab.io import read_csv_text
from layofflab.schemas import COVERAGE, COVERAGE_SOURCES
from layofflab.sources._base import Cleaned, make_rejects

__all__ = ["COLUMNS", "read"]

SOURCE = "coverage"
COLUMNS: tuple[str, ...] = tuple(COVERAGE.columns)
_REQUIRED = ("source", "company_id", "start", "end", "basis", "source_url")


def _read_one(path: Path) -> Cleaned:
    raw = read_csv_text(path, required=_REQUIRED).with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    parsed = raw.with_columns(
        _source=normalize_text("source"),
        _start=parse_date("start"),
        _end=parse_date("end"),
    )
    reason = (
        pl.when(~pl.col("_source").is_in(list(COVERAGE_SOURCES)).fill_null(True))
        .then(pl.format("unknown source '{}'", pl.col("source")))
        .when(pl.col("_start").is_null())
        .then(pl.format("unparseable start '{}'", pl.col("start")))
        .when(pl.col("_end").is_null())
        .then(pl.format("unparseable end '{}'", pl.col("end")))
        .when(pl.col("_start") > pl.col("_end"))
        .then(pl.lit("start after end"))
        .when(normalize_text("basis").is_null())
        .then(pl.lit("missing basis"))
    )
    parsed = parsed.with_columns(_reason=reason)
    bad = parsed.filter(pl.col("_reason").is_not_null())
    rejects = make_rejects(
        bad.select(*_REQUIRED, "source_file", "source_row", reason="_reason"),
        reason=pl.col("reason"),
        values=list(_REQUIRED),
    )
    good = parsed.filter(pl.col("_reason").is_null()).select(
        source="_source",
        company_id=normalize_text("company_id"),
        start="_start",
        end="_end",
        basis=normalize_text("basis"),
        source_url=normalize_text("source_url"),
        source_file="source_file",
        source_row="source_row",
    )
    return Cleaned(SOURCE, good.select(COLUMNS), rejects, {path.name: raw.height})


def read(paths: str | Path | Sequence[str | Path]) -> Cleaned:
    """Read one or more coverage tables; every row clean or rejected with a reason."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return Cleaned.concat([_read_one(Path(p)) for p in paths])
