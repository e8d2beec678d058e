"""The return type of every reader: clean rows, rejected rows, and the count that ties them.

Every raw row ends up either in ``data`` or in ``rejects`` (with a reason); the
``rows_in`` mapping records how many data rows each raw file had, so row
conservation (rows in = clean + rejected) can be checked per file.

Examples
--------
>>> import polars as pl
>>> data = pl.DataFrame({"x": [1], "source_file": ["a.csv"], "source_row": [1]})
>>> rejects = make_rejects(
...     pl.DataFrame({"x": ["-5"], "source_file": ["a.csv"], "source_row": [2]}),
...     reason="negative count",
... )
>>> c = Cleaned(source="demo", data=data, rejects=rejects, rows_in={"a.csv": 2})
>>> c.check_conservation()
>>> c.summary().select("source_file", "outcome", "reason", "rows").to_dicts()[2]
{'source_file': 'a.csv', 'outcome': 'rejected', 'reason': 'negative count', 'rows': 1}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from layofflab.errors import RowConservationError
from layofflab.schemas import REJECTS

__all__ = ["REJECTS_SCHEMA", "Cleaned", "RowConservationError", "make_rejects", "reason_kind"]

#: Columns of every rejects table and their types (derived from :data:`layofflab.schemas.REJECTS`).
REJECTS_SCHEMA: dict[str, pl.DataType] = {
    name: column.dtype.type() if isinstance(column.dtype.type, type) else column.dtype.type
    for name, column in REJECTS.columns.items()
}


def make_rejects(
    raw_rows: pl.DataFrame,
    *,
    reason: str | pl.Expr,
    values: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Turn raw rows (with ``source_file`` and ``source_row``) into the rejects schema.

    Parameters
    ----------
    raw_rows : polars.DataFrame
        Rows as read (all other columns are packed into the ``raw`` JSON text).
    reason : str or polars.Expr
        The reason, one for all rows or an expression evaluated per row.
    values : sequence of str, optional
        The columns packed into ``raw`` (default: all but ``source_file``, ``source_row`` and
        ``reason``); name them when a raw file has its own ``reason`` column.
    """
    value_cols = (
        [c for c in raw_rows.columns if c not in ("source_file", "source_row", "reason")]
        if values is None
        else list(values)
    )
    reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
    raw = (
        pl.struct([pl.col(c).cast(pl.String) for c in value_cols]).struct.json_encode()
        if value_cols
        else pl.lit("{}")
    )
    return raw_rows.select(
        pl.col("source_file").cast(pl.String),
        pl.col("source_row").cast(pl.Int64),
        reason_expr.cast(pl.String).alias("reason"),
        raw.alias("raw"),
    )


def reason_kind(expr: str | pl.Expr) -> pl.Expr:
    """A reject reason without what varies from row to row.

    Row numbers, accession numbers, filing dates, undecodable bytes and their offsets are
    removed, so that reasons of one kind count together.

    Examples
    --------
    >>> import polars as pl
    >>> reasons = pl.DataFrame({"r": ["duplicate of source_row 12", "duplicate of source_row 7",
    ...     "restated: superseded by source_row 9 (accession 0001-23-4, filed 2024-02-01)"]})
    >>> reasons.select(reason_kind("r")).to_series().to_list()
    ['duplicate of source_row N', 'duplicate of source_row N', 'restated: superseded by source_row N (accession …, filed …)']
    """
    text = pl.col(expr) if isinstance(expr, str) else expr
    return (
        text.str.replace_all(r"source_row \d+", "source_row N")
        .str.replace_all(r"accession [^,)]+", "accession …")
        .str.replace_all(r"filed \d{4}-\d{2}-\d{2}", "filed …")
        .str.replace_all(r"byte 0x[0-9A-F]{2} at offset \d+", "byte at offset N")
        .str.replace_all(r"shows it as \\x[0-9a-f]{2}", "shows it as \\xNN")
    )


@dataclass(frozen=True)
class Cleaned:
    """A cleaned source: tidy ``data``, ``rejects`` with reasons, and raw row counts per file.

    Attributes
    ----------
    source : str
        ``"tracker"``, ``"warn"``, ``"sec"``, ``"announcements"``, …
    data : polars.DataFrame
        The clean table; carries ``source_file`` and ``source_row`` provenance columns.
    rejects : polars.DataFrame
        :data:`REJECTS_SCHEMA` rows: ``source_file``, ``source_row`` (1-based data row of
        the raw file), ``reason``, ``raw`` (JSON of the raw values).
    rows_in : Mapping[str, int]
        Number of raw data rows per ``source_file``.
    """

    source: str
    data: pl.DataFrame
    rejects: pl.DataFrame
    rows_in: Mapping[str, int] = field(default_factory=dict)

    def summary(self) -> pl.DataFrame:
        """Rows in, clean and rejected per file, as a tidy frame.

        Rejected rows are counted by kind of reason (:func:`reason_kind`); ``rejects`` has each
        row's own reason.
        """
        clean = (
            self.data.group_by("source_file")
            .agg(pl.len().alias("rows"))
            .with_columns(outcome=pl.lit("clean"), reason=pl.lit(None, dtype=pl.String))
        )
        rejected = self.rejects.group_by("source_file", reason=reason_kind("reason")).agg(
            pl.len().alias("rows")
        )
        rejected = rejected.with_columns(outcome=pl.lit("rejected"))
        rows_in = pl.DataFrame(
            {"source_file": list(self.rows_in), "rows": list(self.rows_in.values())},
            schema={"source_file": pl.String, "rows": pl.UInt32},
        ).with_columns(outcome=pl.lit("in"), reason=pl.lit(None, dtype=pl.String))
        cols = ["source_file", "outcome", "reason", "rows"]
        order = pl.col("outcome").replace_strict(
            {"in": 0, "clean": 1, "rejected": 2}, return_dtype=pl.Int8
        )
        return (
            pl.concat([rows_in.select(cols), clean.select(cols), rejected.select(cols)])
            .with_columns(pl.col("rows").cast(pl.Int64), source=pl.lit(self.source))
            .sort("source_file", order, "reason", nulls_last=False)
            .select("source", *cols)
        )

    def check_conservation(self) -> None:
        """Raise :class:`RowConservationError` unless rows in = clean + rejected for every file."""
        clean = dict(self.data.group_by("source_file").len().iter_rows())
        rejected = dict(self.rejects.group_by("source_file").len().iter_rows())
        for name in set(self.rows_in) | set(clean) | set(rejected):
            n_in = self.rows_in.get(name, 0)
            n_out = clean.get(name, 0) + rejected.get(name, 0)
            if n_in != n_out:
                raise RowConservationError(
                    f"{self.source} {name}: {n_in} rows in, {clean.get(name, 0)} clean + "
                    f"{rejected.get(name, 0)} rejected = {n_out}"
                )

    @classmethod
    def concat(cls, parts: Sequence[Cleaned]) -> Cleaned:
        """Stack results of the same source (e.g. several files) into one."""
        if not parts:
            raise ValueError("Cleaned.concat needs at least one part")
        rows_in: dict[str, int] = {}
        for part in parts:
            for name, n in part.rows_in.items():
                rows_in[name] = rows_in.get(name, 0) + n
        return cls(
            source=parts[0].source,
            data=pl.concat([p.data for p in parts], how="diagonal_relaxed"),
            rejects=pl.concat([p.rejects for p in parts], how="vertical_relaxed"),
            rows_in=rows_in,
        )
