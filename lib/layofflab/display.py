"""Deterministic text rendering of tables for notebooks and the command line.

Examples
--------
>>> import polars as pl
>>> show_table(pl.DataFrame({"company": ["Acme"], "laid_off": [1200]}))
company  laid_off
   Acme      1200
"""

from __future__ import annotations

import polars as pl

__all__ = ["show_table"]


def show_table(df: pl.DataFrame, *, max_rows: int = 200) -> None:
    """Print ``df`` as plain aligned text (same output on every machine and terminal width)."""
    shown = df.head(max_rows).with_columns(pl.col(pl.String).fill_null(""))
    print(shown.to_pandas().to_string(index=False))
    if df.height > max_rows:
        print(f"… {df.height - max_rows} more rows")
