"""Event time: period indices, first events, relative time, binned endpoints, capex spikes.

Everything here is a polars expression or a function from a polars frame to a polars
frame, with no estimation. Time is an integer period index (consecutive integers, one
per quarter); :func:`period_index` turns dates into one. A unit's *cohort* is the period
of its first event; never-treated units have a null cohort and a null relative time.

Relative-time labels follow one convention across the toolkit: ``rel_-2``, ``rel_0``,
... and, for binned endpoints, ``rel_-4+`` (4 or more periods before) and ``rel_8+``
(8 or more after).

Examples
--------
>>> df = pl.DataFrame({"firm": ["a"] * 4 + ["b"] * 4, "t": [1, 2, 3, 4] * 2,
...                    "ann": [False, False, True, True] + [False] * 4})
>>> out = event_time(df, unit="firm", time="t", event="ann")
>>> out["cohort"].to_list()
[3, 3, 3, 3, None, None, None, None]
>>> out["rel_time"].to_list()
[-2, -1, 0, 1, None, None, None, None]
>>> out.select(rel_label(bin_rel_time("rel_time", leads=1, lags=0), leads=1, lags=0))[
...     "rel_time"].to_list()
['rel_-1+', 'rel_-1+', 'rel_0+', 'rel_0+', None, None, None, None]
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from layofflab.checks import check_scalar
from layofflab.errors import InvalidArgumentError

__all__ = [
    "bin_rel_time",
    "capex_spike_events",
    "event_time",
    "period_index",
    "rel_label",
]

IntoExpr = str | pl.Expr


def _expr(x: IntoExpr) -> pl.Expr:
    return pl.col(x) if isinstance(x, str) else x


def _need_columns(df: pl.DataFrame, **cols: str | None) -> None:
    for arg, col in cols.items():
        if col is not None and col not in df.columns:
            raise InvalidArgumentError(arg, col, expected=f"a column of the data {df.columns}")


def _need_int(name: str, value: object, minimum: int = 0) -> int:
    return int(check_scalar(value, name, int, min_val=minimum))


def period_index(
    date: IntoExpr, *, freq: Literal["quarter", "month", "year"] = "quarter"
) -> pl.Expr:
    """Integer period index of a Date/Datetime: consecutive periods differ by one.

    ``quarter``: ``4 * year + quarter - 1``; ``month``: ``12 * year + month - 1``;
    ``year``: the year.

    Examples
    --------
    >>> import datetime as dt
    >>> s = pl.DataFrame({"d": [dt.date(2023, 12, 31), dt.date(2024, 1, 1)]})
    >>> s.select(period_index("d"))["d"].diff().to_list()
    [None, 1]
    """
    if freq not in ("quarter", "month", "year"):
        raise InvalidArgumentError("freq", freq, expected="'quarter', 'month' or 'year'")
    d = _expr(date)
    year = d.dt.year().cast(pl.Int64)
    if freq == "year":
        return year
    if freq == "quarter":
        return (year * 4 + d.dt.quarter().cast(pl.Int64) - 1).name.keep()
    return (year * 12 + d.dt.month().cast(pl.Int64) - 1).name.keep()


def event_time(
    df: pl.DataFrame,
    *,
    unit: str,
    time: str,
    event: str | None = None,
    event_date: str | None = None,
    cohort_name: str = "cohort",
    name: str = "rel_time",
) -> pl.DataFrame:
    """Add each unit's cohort (first event period) and the relative time to it.

    Give exactly one of ``event`` (a Boolean column, true in periods with an event; the
    first true period is the cohort; null counts as false) or ``event_date`` (a column
    holding the event period itself, constant or null within units; the unit's
    smallest non-null value is the cohort; 0 also means "never").

    Parameters
    ----------
    df : polars.DataFrame
        Panel with one row per unit and period.
    unit, time : str
        Unit identifier and integer period index (see :func:`period_index`).
    event, event_date : str, optional
        See above.
    cohort_name, name : str
        Names of the added columns (Int64): the cohort and ``time - cohort``; both
        null for units that never have an event.

    Returns
    -------
    polars.DataFrame
        ``df`` with the two columns added (or replaced), rows in their original order.

    Examples
    --------
    >>> df = pl.DataFrame({"u": [1, 1, 2, 2], "t": [5, 6, 5, 6], "g": [6, 6, 0, 0]})
    >>> event_time(df, unit="u", time="t", event_date="g")["rel_time"].to_list()
    [-1, 0, None, None]
    """
    if (event is None) == (event_date is None):
        raise InvalidArgumentError(
            "event", event, expected="exactly one of `event` and `event_date`"
        )
    _need_columns(df, unit=unit, time=time, event=event, event_date=event_date)
    if not df.schema[time].is_integer():
        raise InvalidArgumentError(
            "time", time, expected="an integer period column (see events.period_index)"
        )
    if event is not None:
        if df.schema[event] != pl.Boolean:
            raise InvalidArgumentError("event", event, expected="a Boolean column")
        first = pl.col(time).filter(pl.col(event).fill_null(False)).min()
    else:
        assert event_date is not None  # exactly one of event and event_date (checked above)
        if not df.schema[event_date].is_integer():
            raise InvalidArgumentError(
                "event_date", event_date, expected="an integer period column"
            )
        g = pl.col(event_date)
        first = pl.when(g > 0).then(g).min()
    cohort = first.over(unit).cast(pl.Int64)
    return df.with_columns(cohort.alias(cohort_name)).with_columns(
        (pl.col(time).cast(pl.Int64) - pl.col(cohort_name)).alias(name)
    )


def bin_rel_time(rel: IntoExpr, *, leads: int, lags: int) -> pl.Expr:
    """Clip relative time to ``[-leads, lags]``: the endpoints collect everything beyond.

    Examples
    --------
    >>> r = pl.DataFrame({"r": [-9, -1, 0, 12]})
    >>> r.select(bin_rel_time("r", leads=4, lags=8))["r"].to_list()
    [-4, -1, 0, 8]
    """
    _need_int("leads", leads, 1)
    _need_int("lags", lags, 0)
    return _expr(rel).clip(-leads, lags)


def rel_label(rel: IntoExpr, *, leads: int | None = None, lags: int | None = None) -> pl.Expr:
    """Term label of a (binned) relative time: ``rel_-2``, ``rel_0``; endpoints get ``+``.

    With ``leads``/``lags`` given, the values ``-leads`` and ``lags`` are binned
    endpoints and labelled ``rel_-4+`` and ``rel_8+``; without them no value is.

    Examples
    --------
    >>> r = pl.DataFrame({"r": [-4, -2, 0, 8]})
    >>> r.select(rel_label("r", leads=4, lags=8))["r"].to_list()
    ['rel_-4+', 'rel_-2', 'rel_0', 'rel_8+']
    """
    r = _expr(rel)
    text = pl.lit("rel_") + r.cast(pl.String)
    endpoint = pl.lit(False)
    if leads is not None:
        endpoint = endpoint | (r == -leads)
    if lags is not None:
        endpoint = endpoint | (r == lags)
    return pl.when(endpoint).then(text + pl.lit("+")).otherwise(text).name.keep()


def capex_spike_events(
    df: pl.DataFrame,
    *,
    unit: str,
    time: str,
    capex: str = "capex",
    k: float = 2.0,
    window: int = 4,
    min_periods: int | None = None,
    name: str = "capex_spike",
) -> pl.DataFrame:
    """Flag capex spikes: capex above ``k`` times the unit's trailing mean.

    The trailing mean covers the ``window`` periods before the current one (the
    current period excluded), over the rows present (gaps are not filled). Rows with
    fewer than ``min_periods`` (default ``window``) earlier non-null values, or a null
    capex, get a null flag: there is no basis to call them spikes or not.

    Parameters
    ----------
    df : polars.DataFrame
        Panel; rows may be in any order (the result keeps it).
    unit, time, capex : str
        Unit, integer period and capex columns.
    k : float
        Multiple of the trailing mean that counts as a spike (> 0).
    window : int
        Number of earlier periods in the trailing mean (>= 1).
    min_periods : int, optional
        Earlier non-null values needed, ``1 <= min_periods <= window``.
    name : str
        Name of the added Boolean column.

    Examples
    --------
    >>> df = pl.DataFrame({"f": ["a"] * 6, "q": range(6),
    ...                    "capex": [10.0, 10.0, 12.0, 30.0, 14.0, 15.0]})
    >>> capex_spike_events(df, unit="f", time="q", k=2, window=2)["capex_spike"].to_list()
    [None, None, False, True, False, False]
    """
    _need_columns(df, unit=unit, time=time, capex=capex)
    check_scalar(k, "k", float, min_val=0, include_boundaries="neither")
    window = _need_int("window", window, 1)
    min_periods = window if min_periods is None else _need_int("min_periods", min_periods, 1)
    if min_periods > window:
        raise InvalidArgumentError("min_periods", min_periods, expected=f"<= window={window}")
    order = "__row_order"
    prev = pl.col(capex).cast(pl.Float64).shift(1)
    trailing = prev.rolling_mean(window_size=window, min_samples=min_periods)
    spike = pl.col(capex).cast(pl.Float64) > k * trailing
    return (
        df.with_row_index(order)
        .sort(unit, time)
        .with_columns(spike.over(unit).alias(name))
        .sort(order)
        .drop(order)
    )
