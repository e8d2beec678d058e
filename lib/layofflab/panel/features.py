"""Panel features: lags and leads, first-event cohorts, capex doses and firm-size ratios.

Every function takes a balanced company × period panel (one row per unit and consecutive
integer period, as :func:`layofflab.build_panel` makes) and returns it with columns added;
nothing is estimated here. Shifts are taken within each unit over the sorted periods, so a
lag of the first period is null (not zero): there is no earlier observation.

Examples
--------
>>> import polars as pl
>>> df = pl.DataFrame({"company_id": ["A"] * 4, "time_index": [0, 1, 2, 3],
...                    "announced": [0, 1, 0, 0]})
>>> add_shifts(df, ["announced"], lags=(1,), leads=(1,)).select(
...     "announced_lag1", "announced_lead1").rows()
[(None, 1), (0, 0), (1, 0), (0, None)]
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from layofflab.checks import check_columns, check_scalar
from layofflab.errors import InvalidArgumentError
from layofflab.panel.events import capex_spike_events

__all__ = [
    "add_capex_features",
    "add_cohort",
    "add_firm_ratios",
    "add_shifts",
    "check_balanced",
]


def check_balanced(df: pl.DataFrame, *, unit: str = "company_id", time: str = "time_index") -> None:
    """Raise unless every unit has one row per consecutive period (shifts need it).

    Examples
    --------
    >>> import polars as pl
    >>> check_balanced(pl.DataFrame({"company_id": ["A", "A"], "time_index": [0, 2]}))
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: time_index=['A']: expected consecutive periods per unit (gaps or repeats in the units shown)
    """
    check_columns(df, [unit, time], name="panel")
    bad = (
        df.group_by(unit)
        .agg(
            n=pl.len(),
            n_unique=pl.col(time).n_unique(),
            span=pl.col(time).max() - pl.col(time).min() + 1,
        )
        .filter((pl.col("n") != pl.col("n_unique")) | (pl.col("n") != pl.col("span")))
        .sort(unit)
    )
    if bad.height:
        raise InvalidArgumentError(
            time,
            bad[unit].to_list()[:5],
            expected="consecutive periods per unit (gaps or repeats in the units shown)",
        )


def add_shifts(
    df: pl.DataFrame,
    columns: Sequence[str],
    *,
    lags: Sequence[int] = (1,),
    leads: Sequence[int] = (),
    unit: str = "company_id",
    time: str = "time_index",
) -> pl.DataFrame:
    """Add ``<column>_lag<k>`` and ``<column>_lead<k>`` within each unit (row order kept).

    Parameters
    ----------
    df : polars.DataFrame
        Balanced panel (see :func:`check_balanced`).
    columns : sequence of str
        Columns to shift.
    lags, leads : sequence of int
        Shifts ≥ 1 back (lags) and forward (leads).
    unit, time : str
        Unit and integer period columns.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"company_id": ["A", "A", "B", "B"], "time_index": [1, 0, 0, 1],
    ...                    "x": [20, 10, 30, 40]})
    >>> add_shifts(df, ["x"], lags=(1,))["x_lag1"].to_list()
    [10, None, None, 30]
    """
    check_columns(df, [unit, time, *columns], name="df")
    check_balanced(df, unit=unit, time=time)
    for k in (*lags, *leads):
        check_scalar(k, "lags/leads", int, min_val=1)
    exprs = []
    for c in columns:
        exprs += [pl.col(c).shift(k).over(unit, order_by=time).alias(f"{c}_lag{k}") for k in lags]
        exprs += [
            pl.col(c).shift(-k).over(unit, order_by=time).alias(f"{c}_lead{k}") for k in leads
        ]
    return df.with_columns(exprs)


def add_cohort(
    df: pl.DataFrame,
    event: str,
    *,
    name: str = "cohort",
    unit: str = "company_id",
    time: str = "time_index",
) -> pl.DataFrame:
    """Add the period of each unit's first event (null for a unit that never has one).

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"company_id": ["A", "A", "B", "B"], "time_index": [0, 1, 0, 1],
    ...                    "spike": [False, True, False, False]})
    >>> add_cohort(df, "spike")["cohort"].to_list()
    [1, 1, None, None]
    """
    check_columns(df, [unit, time, event], name="df")
    first = (
        pl.when(pl.col(event).cast(pl.Boolean).fill_null(False)).then(pl.col(time)).min().over(unit)
    )
    return df.with_columns(first.alias(name))


def add_capex_features(
    df: pl.DataFrame,
    *,
    k: float = 1.5,
    window: int = 4,
    capex: str = "capex_usd",
    assets: str = "total_assets_usd",
    unit: str = "company_id",
    time: str = "time_index",
) -> pl.DataFrame:
    """Add the capex doses: intensity, Δlog capex and the spike indicator.

    * ``capex_intensity`` = capex ÷ total assets at the end of the previous period (a dose
      comparable across firms of different size);
    * ``dlog_capex`` = log capex − log capex of the previous period (null unless both > 0);
    * ``capex_spike`` = capex above ``k`` × the firm's trailing ``window``-period mean
      (the automation-spike design of Bessen et al.), null without ``window`` earlier values.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"company_id": ["A"] * 6, "time_index": list(range(6)),
    ...                    "capex_usd": [10.0, 10, 10, 10, 30, 12],
    ...                    "total_assets_usd": [100.0, 100, 100, 100, 120, 120]})
    >>> out = add_capex_features(df, k=2.0)
    >>> out["capex_spike"].to_list()
    [None, None, None, None, True, False]
    >>> round(out["capex_intensity"][4], 2), round(out["dlog_capex"][4], 3)
    (0.3, 1.099)
    """
    check_columns(df, [unit, time, capex, assets], name="df")
    check_scalar(k, "k", float, min_val=0, include_boundaries="neither")
    lagged_assets = pl.col(assets).shift(1).over(unit, order_by=time)
    positive = pl.col(capex) > 0
    prev = pl.col(capex).shift(1).over(unit, order_by=time)
    out = df.with_columns(
        capex_intensity=pl.when(lagged_assets > 0).then(pl.col(capex) / lagged_assets),
        dlog_capex=pl.when(positive & (prev > 0)).then(pl.col(capex).log() - prev.log()),
    )
    return capex_spike_events(
        out, unit=unit, time=time, capex=capex, k=k, window=window, name="capex_spike"
    )


def add_firm_ratios(
    df: pl.DataFrame,
    *,
    revenue: str = "revenue_usd",
    operating_income: str = "operating_income_usd",
    periods_per_year: int = 4,
    unit: str = "company_id",
    time: str = "time_index",
) -> pl.DataFrame:
    """Add ``revenue_growth`` (year on year, so seasonality cancels) and ``operating_margin``.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"company_id": ["A"] * 5, "time_index": list(range(5)),
    ...                    "revenue_usd": [100.0, 100, 100, 100, 110],
    ...                    "operating_income_usd": [20.0, 20, 20, 20, 33]})
    >>> out = add_firm_ratios(df)
    >>> round(out["revenue_growth"][4], 3), out["operating_margin"][4]
    (0.1, 0.3)
    """
    check_columns(df, [unit, time, revenue, operating_income], name="df")
    year_ago = pl.col(revenue).shift(periods_per_year).over(unit, order_by=time)
    return df.with_columns(
        revenue_growth=pl.when(year_ago > 0).then(pl.col(revenue) / year_ago - 1),
        operating_margin=pl.when(pl.col(revenue) > 0).then(
            pl.col(operating_income) / pl.col(revenue)
        ),
    )
