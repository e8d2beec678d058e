"""Declarative lookup tables (column maps, taxonomies) shipped in ``resources/``.

Source quirks live in these data files, not in code. A value with no entry raises
:class:`~layofflab.errors.LookupMissError` naming the source, column and value.

Examples
--------
>>> import polars as pl
>>> df = pl.DataFrame({"industry": ["Crypto Currency", "Fin-Tech", None]})
>>> df.with_columns(map_values("industry", table="industry_taxonomy.csv", key="raw_label",
...                            value="industry", source="demo")).to_series().to_list()
['Crypto', 'Finance', None]
>>> map_values("industry", table="industry_taxonomy.csv", key="raw_label", value="industry",
...            source="demo", frame=pl.DataFrame({"industry": ["Quantum"]}))
Traceback (most recent call last):
...
layofflab.errors.LookupMissError: source 'demo', column 'industry': value 'Quantum' has no entry in industry_taxonomy.csv
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from layofflab import config
from layofflab.errors import LookupMissError

__all__ = ["load_table", "load_toml", "map_values"]


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Parse ``resources/<name>`` (cached).

    Examples
    --------
    >>> sorted(load_toml("tracker_formats.toml"))
    ['corrections', 'formats']
    """
    with (config.RESOURCES / name).open("rb") as fh:
        return tomllib.load(fh)


@cache
def _load_table(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, comment_prefix="#")


def load_table(name: str | Path) -> pl.DataFrame:
    """Read a CSV lookup table (all columns text) from ``resources/`` or a path (cached).

    Examples
    --------
    >>> load_table("industry_taxonomy.csv").columns[:2]
    ['raw_label', 'industry']
    """
    path = Path(name)
    if not path.is_absolute():
        path = config.RESOURCES / path
    return _load_table(path)


def map_values(
    column: str,
    *,
    table: str | Path,
    key: str,
    value: str,
    source: str,
    frame: pl.DataFrame | None = None,
) -> pl.Expr:
    """Expression mapping ``column`` through a lookup table; nulls stay null.

    Parameters
    ----------
    column : str
        Column to map.
    table : str or Path
        CSV in ``resources/`` (or a path) with columns ``key`` and ``value``.
    key, value : str
        The table's lookup and result columns.
    source : str
        Source name used in the error message.
    frame : polars.DataFrame, optional
        When given, its distinct values of ``column`` are checked now and the first
        value without an entry raises :class:`LookupMissError`.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"label": ["Consumer", None]})
    >>> taxonomy = {"table": "industry_taxonomy.csv", "key": "raw_label", "value": "industry"}
    >>> df.select(map_values("label", **taxonomy, source="example")).to_series().to_list()
    ['Consumer', None]
    """
    lookup = load_table(table)
    mapping = dict(zip(lookup[key].to_list(), lookup[value].to_list(), strict=True))
    if frame is not None:
        seen = frame.get_column(column).drop_nulls().unique(maintain_order=True).to_list()
        for item in seen:
            if item not in mapping:
                raise LookupMissError(source, column, item, table=Path(table).name)
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.String)
