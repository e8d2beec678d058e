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
    """Print ``df`` as plain aligned text (same output on every machine and terminal width).

    A missing number prints as ``—`` (not applicable or not available: the table's own notes
    say which), never as ``NaN``; a missing text prints blank.
    """
    shown = df.head(max_rows).with_columns(
        pl.col(pl.Float64, pl.Float32).fill_nan(None), pl.col(pl.String).fill_null("")
    )
    print(shown.to_pandas().to_string(index=False, na_rep="—"))
    if df.height > max_rows:
        print(f"… {df.height - max_rows} more rows")
