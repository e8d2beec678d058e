"""Tables for readers: an HTML table in notebooks and reports, aligned text everywhere else.

:func:`show_table` formats every value once — integers and floats with thousands
separators, floats with as many decimals as they carry (at most four unless
``decimals`` says otherwise), dates in ISO form, a missing number or date as ``—``
with a note saying so, a missing text as blank — and shows every row, or the first ``max_rows`` with a line saying
"first N of M rows". In a Jupyter kernel it displays one bundle:

* ``text/html`` — the table rendered by great-tables (data HTML-escaped), without its
  stylesheet (:func:`table_css` gives it; report pages include it once);
* ``text/plain`` — the same cells as aligned text;
* in a report run (:func:`export_tables`), ``application/vnd.layofflab.table+json`` —
  every row as CSV and the shown rows as LaTeX, which the report builder saves under
  ``reports/tables/<run>/``.

Outside a kernel it prints the text.

Examples
--------
>>> import polars as pl
>>> show_table(pl.DataFrame({"company": ["Acme"], "laid_off": [1200], "share": [0.25]}))
company  laid_off  share
   Acme     1,200   0.25
>>> show_table(pl.DataFrame({"x": [1, 2, 3]}), max_rows=2)
x
1
2
first 2 of 3 rows
>>> format_cells(pl.DataFrame({"v": [1234.5, None]})).rows()
[('1,234.5',), ('—',)]
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
from typing import Any

import polars as pl

__all__ = ["MIMETYPE", "export_tables", "format_cells", "show_table", "table_bundle", "table_css"]

#: The display mimetype carrying a table's CSV and LaTeX for the report builder.
MIMETYPE = "application/vnd.layofflab.table+json"
#: How a missing value (null or NaN) is shown.
MISSING = "—"
_MAX_DECIMALS = 4


def _decimals(values: list[float]) -> int:
    """Fewest decimals (≤ 4) that show every finite value of a column as it is."""
    for d in range(_MAX_DECIMALS + 1):
        if all(round(v, d) == v for v in values if math.isfinite(v)):
            return d
    return _MAX_DECIMALS


def _cell(value: Any, decimals: int) -> str:
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{decimals}f}" if math.isfinite(value) else str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def format_cells(df: pl.DataFrame, *, decimals: int | None = None) -> pl.DataFrame:
    """Every cell of ``df`` as the text a reader sees (a frame of strings, same columns).

    Examples
    --------
    >>> import polars as pl
    >>> format_cells(pl.DataFrame({"a": [1.5, None], "b": ["x", "y"]})).rows()
    [('1.5', 'x'), ('—', 'y')]
    """
    columns = {}
    for name, series in df.to_dict().items():
        values = series.to_list()
        d = decimals
        if d is None and series.dtype.is_float():
            d = _decimals([v for v in values if v is not None])
        empty = "" if series.dtype == pl.String else MISSING  # a missing text is left blank
        columns[name] = [empty if v is None else _cell(v, d or 0) for v in values]
    return pl.DataFrame(columns, schema={name: pl.String for name in df.columns})


def _numeric(df: pl.DataFrame) -> list[str]:
    return [name for name, dtype in df.schema.items() if dtype.is_numeric()]


def _text(cells: pl.DataFrame, footer: list[str]) -> str:
    widths = {
        c: max([len(c), *(len(v) for v in cells[c].to_list())], default=len(c))
        for c in cells.columns
    }
    lines = ["  ".join(c.rjust(widths[c]) for c in cells.columns)]
    lines += [
        "  ".join(v.rjust(widths[c]) for c, v in zip(cells.columns, row, strict=True))
        for row in cells.iter_rows()
    ]
    return "\n".join(lines + footer)


def _footer(df: pl.DataFrame, cells: pl.DataFrame, note: str | None) -> list[str]:
    """Lines under a table: rows left out, the author's note, what ``—`` means."""
    footer = []
    if df.height > cells.height:
        footer.append(f"first {cells.height:,} of {df.height:,} rows")
    if note:
        footer.append(note)
    if any((cells[c] == MISSING).any() for c in cells.columns):
        footer.append(f"{MISSING} no value")
    return footer


def _csv(df: pl.DataFrame) -> str:
    nested = [n for n, t in df.schema.items() if t.is_nested() or t == pl.Object]
    flat = df.with_columns(
        pl.col(n).map_elements(lambda v: json.dumps(v, default=str), return_dtype=pl.String)
        for n in nested
    )
    return flat.write_csv()


_EXPORT = {"tables": False}
_TABLE_NUMBERS = itertools.count(1)


def export_tables(on: bool = True) -> None:
    """Make :func:`show_table` add :data:`MIMETYPE` (CSV and LaTeX) to what it displays.

    The report builder's kernel set-up turns it on; a notebook saved elsewhere (and the
    checked outputs nbval compares) carries only the text and the HTML.

    Examples
    --------
    >>> import polars as pl
    >>> export_tables(True)
    >>> MIMETYPE in table_bundle(pl.DataFrame({"a": [1]}))
    True
    >>> export_tables(False)
    >>> MIMETYPE in table_bundle(pl.DataFrame({"a": [1]}))
    False
    """
    _EXPORT["tables"] = bool(on)


def table_bundle(
    df: pl.DataFrame,
    *,
    max_rows: int = 200,
    title: str | None = None,
    note: str | None = None,
    decimals: int | None = None,
    export: bool | None = None,
) -> dict[str, Any]:
    """The display bundle of :func:`show_table`: ``text/plain``, ``text/html`` and the export.

    The export, :data:`MIMETYPE` (CSV of every row, LaTeX of the shown rows), is added when
    ``export`` (default: :func:`export_tables`'s setting).

    Examples
    --------
    >>> import polars as pl
    >>> sorted(table_bundle(pl.DataFrame({"a": [1]}), title="T", export=False))
    ['text/html', 'text/plain']
    """
    from great_tables import GT

    shown = df.head(max_rows)
    cells = format_cells(shown, decimals=decimals)
    footer = _footer(df, cells, note)
    text = _text(cells, footer)
    # Numbered in display order: the same notebook run gives the same ids (a hash of the
    # data would follow noise in digits no reader sees).
    table_id = f"lf-table-{next(_TABLE_NUMBERS)}"
    gt = GT(cells, id=table_id)
    if title:
        gt = gt.tab_header(title=title)
    numeric = _numeric(shown)
    if numeric:
        gt = gt.cols_align("right", columns=numeric)
    for line in footer:
        gt = gt.tab_source_note(line)
    html = re.sub(r"<style>.*?</style>", "", gt.as_raw_html(), count=1, flags=re.S).strip()
    html = re.sub(
        r'^<div id="[^"]*" style="[^"]*">', f'<div class="lf-table" id="{table_id}">', html
    )
    bundle: dict[str, Any] = {"text/plain": text, "text/html": html}
    if not (_EXPORT["tables"] if export is None else export):
        return bundle
    bundle[MIMETYPE] = {
        "title": title or "",
        "rows": df.height,
        "shown": shown.height,
        "columns": df.columns,
        "csv": _csv(df),
        "latex": gt.as_latex(),
    }
    return bundle


def table_css() -> str:
    """great-tables' stylesheet for the tables of :func:`show_table` (class ``lf-table``).

    The tables carry no stylesheet of their own (a notebook styles them as it styles any
    HTML table); a report page includes this one once.

    Examples
    --------
    >>> ".lf-table" in table_css()
    True
    """
    from great_tables import GT

    raw = GT(pl.DataFrame({"x": [1]}), id="lf-css").as_raw_html()
    css = re.search(r"<style>(.*?)</style>", raw, flags=re.S)
    return css.group(1).replace("#lf-css", ".lf-table") if css else ""


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def show_table(
    df: pl.DataFrame,
    *,
    max_rows: int = 200,
    title: str | None = None,
    note: str | None = None,
    decimals: int | None = None,
) -> None:
    """Show ``df``: an HTML table in a Jupyter kernel, aligned text elsewhere.

    Parameters
    ----------
    df : polars.DataFrame
        The table; every row is shown unless there are more than ``max_rows``, in
        which case the first ``max_rows`` are shown with a line "first N of M rows"
        (the CSV saved with a report holds all of them).
    title : str, optional
        A caption above the table.
    note : str, optional
        A line under the table (say why a value is missing, what a column means).
    decimals : int, optional
        Decimals of every float column (default: as many as the values carry, ≤ 4).

    Examples
    --------
    >>> import polars as pl
    >>> show_table(pl.DataFrame({"firm": ["Acme", "Beta"], "cut": [0.25, None]}), note="a note")
    firm   cut
    Acme  0.25
    Beta     —
    a note
    — no value
    """
    if _in_kernel():
        from IPython.display import display

        bundle = table_bundle(df, max_rows=max_rows, title=title, note=note, decimals=decimals)
        display(bundle, raw=True)
        return
    cells = format_cells(df.head(max_rows), decimals=decimals)
    print(_text(cells, _footer(df, cells, note)))
