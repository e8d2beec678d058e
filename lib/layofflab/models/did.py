"""Callaway–Sant'Anna (2021) staggered difference-in-differences, wrapping ``csdid``.

:func:`callaway_santanna` estimates the group-time average treatment effects
ATT(g, t) with ``csdid`` (a port of R ``did``), aggregates them (simple, dynamic /
event-study, by group or by calendar time) and runs the Wald pre-test of parallel
trends. Standard errors are the analytic influence-function ones (R
``did::att_gt(..., bstrap = FALSE)``); inference is normal. Validated against R ``did``
on ``mpdta`` (ATT(g, t), SEs, aggregates and pre-test to 1e-6).

``csdid`` is fed a pandas frame with plain numpy dtypes only: under pandas 3, string
identifiers (the new default ``str`` dtype) and nullable integers break it, so units
and clusters are recoded to integers and never-treated groups to 0 before the call.

Examples
--------
>>> from layofflab.models.simulate import simulate_panel
>>> df = simulate_panel(n_firms=200, n_periods=8, effect=0.5, noise_sd=0.05, seed=2)
>>> res = callaway_santanna(df, outcome="log_intensity", unit="firm", time="period",
...                         group="announce_period", aggregate="simple")
>>> res.table["term"].to_list()
['ATT']
>>> abs(res.coef("ATT") - 0.5) < 0.1
True
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy import stats

from layofflab.checks import check_choice, check_scalar
from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models.result import EstimationResult, ModelInfo, funnel_frame, tidy_table

__all__ = ["DiDResult", "callaway_santanna"]

Control = Literal["never_treated", "not_yet_treated"]
Method = Literal["dr", "ipw", "reg"]
Aggregate = Literal["simple", "dynamic", "group", "calendar"]

_CONTROL = {"never_treated": "nevertreated", "not_yet_treated": "notyettreated"}
_TERM_PREFIX = {"dynamic": "rel_", "group": "group_", "calendar": "time_"}


@dataclass(frozen=True)
class DiDResult(EstimationResult):
    """:class:`EstimationResult` plus the group-time effects and the pre-test.

    Parameters
    ----------
    att_gt : polars.DataFrame
        ``group, time, estimate, std_error, statistic, p_value, ci_low, ci_high, post``:
        one row per ATT(g, t).
    pretest : polars.DataFrame
        One row ``statistic, df, p_value``: Wald test that all pre-treatment ATT(g, t)
        are zero (chi-squared; nulls when it cannot be computed).
    """

    att_gt: pl.DataFrame = field(default_factory=pl.DataFrame)
    pretest: pl.DataFrame = field(default_factory=pl.DataFrame)


def _check_columns(df: pl.DataFrame, **cols: str | None) -> None:
    for arg, col in cols.items():
        if col is not None and col not in df.columns:
            raise InvalidArgumentError(arg, col, expected=f"a column of the data {df.columns}")


def _prepare(
    df: pl.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    group: str,
    covariates: Sequence[str],
    cluster: str | None,
) -> tuple[pl.DataFrame, list[tuple[str, int, str]]]:
    """Select, clean, balance and recode: returns a numeric frame and funnel steps."""
    for name, col in (("time", time), ("group", group)):
        if not df.schema[col].is_integer():
            raise InvalidArgumentError(
                name, col, expected="an integer period column (see events.period_index)"
            )
    needed = [outcome, unit, time, *covariates]
    cols = list(dict.fromkeys([*needed, group, *([cluster] if cluster else [])]))
    data = df.select(cols)
    steps: list[tuple[str, int, str]] = []
    n0 = data.height
    data = data.drop_nulls(needed)
    if cluster:
        data = data.drop_nulls(cluster)
    steps.append(("missing values", n0 - data.height, ", ".join(needed)))
    if data.height == 0:
        raise EstimationError("callaway_santanna", "no rows left after dropping missing values")
    if data.select(pl.struct(unit, time).is_duplicated().any()).item():
        raise InvalidArgumentError(
            "unit", unit, expected=f"one row per {unit} and {time} (duplicates found)"
        )
    data = data.with_columns(
        pl.when(pl.col(group) > 0).then(pl.col(group)).otherwise(0).cast(pl.Int64).alias(group)
    )
    if data.group_by(unit).agg(pl.col(group).n_unique() > 1)[group].any():
        raise InvalidArgumentError(
            "group", group, expected="a first-treatment period constant within each unit"
        )
    n_times = data[time].n_unique()
    n1 = data.height
    data = data.filter(pl.len().over(unit) == n_times)
    steps.append(
        ("unbalanced units", n1 - data.height, f"units not observed in all {n_times} periods")
    )
    if data.height == 0:
        raise EstimationError("callaway_santanna", "no unit is observed in every period")
    recoded = {
        "_y": pl.col(outcome).cast(pl.Float64),
        "_id": pl.col(unit).rank("dense").cast(pl.Int64),
        "_t": pl.col(time).cast(pl.Int64),
        "_g": pl.col(group),
    }
    if cluster:
        recoded["_cl"] = pl.col(cluster).rank("dense").cast(pl.Int64)
    for j, c in enumerate(covariates):
        recoded[f"_x{j}"] = pl.col(c).cast(pl.Float64)
    return data.select(**recoded).sort("_id", "_t"), steps


def callaway_santanna(
    df: pl.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    group: str,
    control: Control = "never_treated",
    method: Method = "dr",
    covariates: Sequence[str] | None = None,
    aggregate: Aggregate = "dynamic",
    anticipation: int = 0,
    base_period: Literal["varying", "universal"] = "varying",
    cluster: str | None = None,
    min_e: int | None = None,
    max_e: int | None = None,
    alpha: float = 0.05,
) -> DiDResult:
    """Callaway–Sant'Anna ATT(g, t), an aggregate of them, and the parallel-trends pre-test.

    Parameters
    ----------
    df : polars.DataFrame
        Panel, one row per unit and period.
    outcome, unit, time : str
        Outcome, unit identifier (any type) and integer period index.
    group : str
        First treatment period of the unit (integer, constant within unit); null or 0
        for never-treated units.
    control : {"never_treated", "not_yet_treated"}
        Comparison group.
    method : {"dr", "ipw", "reg"}
        Doubly robust, inverse probability weighting or outcome regression.
    covariates : sequence of str, optional
        Covariates; as in R ``did`` with panel data they are treated as time-invariant
        (each unit's first-period values are used).
    aggregate : {"simple", "dynamic", "group", "calendar"}
        Aggregation reported in ``table``: terms ``ATT`` (overall) plus ``rel_<e>``,
        ``group_<g>`` or ``time_<t>``.
    anticipation : int
        Periods of anticipation (>= 0).
    base_period : {"varying", "universal"}
        Pre-period comparison base, as in R ``did``.
    cluster : str, optional
        A variable to cluster on beyond the unit (analytic clustered SEs).
    min_e, max_e : int, optional
        Event-time window of the dynamic aggregate.
    alpha : float
        1 - confidence level of the intervals.

    Returns
    -------
    DiDResult
        ``table`` (the aggregate), ``att_gt``, ``pretest``, ``funnel``, ``info``.

    Examples
    --------
    >>> from layofflab.models.simulate import simulate_panel
    >>> df = simulate_panel(n_firms=200, n_periods=6, seed=0)
    >>> res = callaway_santanna(df, outcome="log_intensity", unit="firm", time="period",
    ...                         group="announce_period")
    >>> res.table["term"].to_list()[:3]
    ['ATT', 'rel_-3', 'rel_-2']
    >>> res.pretest.columns
    ['statistic', 'df', 'p_value']
    """
    from csdid.att_gt import ATTgt

    if not isinstance(df, pl.DataFrame):
        raise InvalidArgumentError("df", type(df).__name__, expected="a polars DataFrame")
    check_choice(control, "control", list(_CONTROL))
    check_choice(method, "method", ["dr", "ipw", "reg"])
    check_choice(aggregate, "aggregate", ["simple", "dynamic", "group", "calendar"])
    check_choice(base_period, "base_period", ["varying", "universal"])
    covariates = list(covariates or [])
    _check_columns(df, outcome=outcome, unit=unit, time=time, group=group, cluster=cluster)
    for c in covariates:
        _check_columns(df, covariates=c)
    check_scalar(anticipation, "anticipation", int, min_val=0)
    check_scalar(alpha, "alpha", float, min_val=0, max_val=1, include_boundaries="neither")
    if cluster == unit:
        cluster = None

    data, steps = _prepare(
        df,
        outcome=outcome,
        unit=unit,
        time=time,
        group=group,
        covariates=covariates,
        cluster=cluster,
    )
    xformla = "_y ~ " + (" + ".join(f"_x{j}" for j in range(len(covariates))) or "1")
    pdf = data.to_pandas()
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink):
            model = ATTgt(
                yname="_y",
                tname="_t",
                idname="_id",
                gname="_g",
                data=pdf,
                control_group=[_CONTROL[control]],
                xformla=xformla,
                clustervar="_cl" if cluster else None,
                anticipation=anticipation,
                alp=alpha,
            ).fit(est_method=method, base_period=base_period, bstrap=False)
            agg_kw = {}
            if aggregate == "dynamic":
                agg_kw = {
                    "min_e": -np.inf if min_e is None else min_e,
                    "max_e": np.inf if max_e is None else max_e,
                }
            model.aggte(typec=aggregate, bstrap=False, alp=alpha, **agg_kw)
    except (ValueError, KeyError, IndexError, np.linalg.LinAlgError) as exc:
        raise EstimationError("callaway_santanna", f"csdid failed: {exc}") from exc

    n_used = int(model.dp["n"])
    rows_used = len(model.dp["data"])
    if rows_used < data.height:
        steps.append(
            (
                "dropped by csdid",
                data.height - rows_used,
                "units treated in the first period; without never-treated units, "
                "periods from the last cohort's adoption on (its units become controls)",
            )
        )

    att_gt = _att_gt_frame(model.results, alpha)
    atte = model.atte
    terms, est, se = ["ATT"], [float(atte["overall_att"])], [float(atte["overall_se"])]
    if aggregate != "simple":
        prefix = _TERM_PREFIX[aggregate]
        terms += [f"{prefix}{int(v)}" for v in np.atleast_1d(atte["egt"])]
        est += [float(v) for v in np.atleast_1d(atte["att_egt"])]
        se += [float(v) for v in np.ravel(atte["se_egt"])]
    table = tidy_table(terms, est, se, df=None, alpha=alpha)

    pre = att_gt.filter(
        (pl.col("group") - anticipation > pl.col("time"))
        & pl.col("std_error").is_finite()
        & (pl.col("std_error") > 0)
    )
    w = model.MP["W"]
    q = pre.height
    pretest = pl.DataFrame(
        {
            "statistic": [None if w is None else float(w)],
            "df": [q if w is not None else None],
            "p_value": [None if w is None else float(stats.chi2.sf(w, q))],
        },
        schema={"statistic": pl.Float64, "df": pl.Int64, "p_value": pl.Float64},
    )
    n_clusters = {unit: n_used}
    if cluster:
        n_clusters[cluster] = int(data["_cl"].n_unique())
    info = ModelInfo(
        estimator="callaway_santanna",
        formula=f"{outcome} ~ ATT(g, t) | group={group}"
        + (" + " + " + ".join(covariates) if covariates else ""),
        n_obs=rows_used,
        n_clusters=n_clusters,
        fixed_effects=(),
        cluster=(cluster,) if cluster else (unit,),
        se_convention=(
            "analytic influence-function SE (R did, bstrap=FALSE)"
            + (f", clustered by {cluster}" if cluster else ", by unit")
        ),
        df_inference=None,
        extra={
            "control": control,
            "method": method,
            "aggregate": aggregate,
            "anticipation": anticipation,
            "base_period": base_period,
            "n_units": n_used,
        },
    )
    return DiDResult(
        table=table,
        funnel=funnel_frame(df.height, steps),
        info=info,
        fit=model,
        att_gt=att_gt,
        pretest=pretest,
    )


def _att_gt_frame(results: dict[str, Any], alpha: float) -> pl.DataFrame:
    g = np.asarray(results["group"], dtype=np.int64)
    t = np.asarray(results["year"], dtype=np.int64)
    tab = tidy_table(
        [f"ATT({a},{b})" for a, b in zip(g, t, strict=True)],
        np.asarray(results["att"], dtype=float),
        np.asarray(results["se"], dtype=float),
        df=None,
        alpha=alpha,
    )
    return tab.drop("term").select(
        pl.Series("group", g),
        pl.Series("time", t),
        pl.all(),
        pl.Series("post", t >= g),
    )
