"""Event studies: TWFE leads and lags beside heterogeneity-robust estimators.

:func:`event_study` estimates the dynamic effect of an event (an announcement, or a
capex spike from :func:`layofflab.panel.events.capex_spike_events`) in relative time, with
up to three estimators side by side:

* ``"twfe"`` — two-way fixed-effects regression of the outcome on relative-time
  dummies (``rel_-4+`` … ``rel_8+``; the period ``omit``, default -1, is the
  reference), unit and time fixed effects, with pyfixest ``feols``. Biased under
  staggered adoption with heterogeneous effects (Sun & Abraham 2021).
* ``"sun_abraham"`` — the interaction-weighted estimator: the saturated
  cohort × relative-time regression (pyfixest's ``i(rel, cohort)``, as in
  ``pyfixest.event_study(estimator="saturated")``), with the cohort-share weights of
  ``pyfixest.did.saturated_twfe.compute_period_weights``. The control group is the
  never-treated units; without any, the last-treated cohort, and periods from its
  adoption on are dropped for this estimator.
* ``"callaway_santanna"`` — the dynamic aggregate of Callaway–Sant'Anna ATT(g, t)
  (:func:`layofflab.models.did.callaway_santanna`, "varying" base period: ``rel_-1``
  is estimated, not omitted).

Binned endpoints (``bin_endpoints=True``) apply to TWFE and Sun–Abraham; CS reports its
event times inside the window. Standard errors of TWFE and Sun–Abraham are CRV1 by
``cluster`` (default: the unit) with the ``ssc`` convention; every estimator's p-values
and intervals use t(G-1). The joint pre-trend test is a Wald test (chi-squared, and F
with (q, G-1) df) that the lead coefficients in the window are zero; for CS it is the
ATT(g, t) pre-test of R ``did``.

Examples
--------
>>> from layofflab.models.simulate import simulate_panel
>>> df = simulate_panel(n_firms=120, n_periods=10, effect=0.4, noise_sd=0.1, seed=5)
>>> res = event_study(df, outcome="log_intensity", unit="firm", time="period",
...                   cohort="announce_period", leads=3, lags=3, estimator="twfe")
>>> res.table["term"].to_list()
['rel_-3+', 'rel_-2', 'rel_0', 'rel_1', 'rel_2', 'rel_3+']
>>> abs(res.coef("rel_0") - 0.4) < 0.1
True
>>> res.pretrend.columns
['estimator', 'statistic', 'df', 'p_value', 'p_value_f']
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl
from scipy import stats

from layofflab.checks import check_scalar
from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models.result import (
    STAT_SCHEMA,
    EstimationResult,
    ModelInfo,
    funnel_frame,
    tidy_table,
)
from layofflab.panel.events import event_time

__all__ = ["ESTIMATORS", "EventStudyResult", "event_study"]

Estimator = Literal["twfe", "sun_abraham", "callaway_santanna", "all"]
#: The estimators of ``estimator="all"``, in reporting order.
ESTIMATORS: tuple[str, ...] = ("twfe", "sun_abraham", "callaway_santanna")
_SSC = ("stata", "conventional", "cluster_only", "none")

_ESTIMATES_SCHEMA = {"estimator": pl.String, "term": pl.String, "rel_time": pl.Int64, **STAT_SCHEMA}
_PRETREND_SCHEMA = {
    "estimator": pl.String,
    "statistic": pl.Float64,
    "df": pl.Int64,
    "p_value": pl.Float64,
    "p_value_f": pl.Float64,
}


@dataclass(frozen=True)
class EventStudyResult(EstimationResult):
    """:class:`EstimationResult` plus the per-estimator estimates and pre-trend tests.

    ``table`` has one row per estimator and relative period; with several
    estimators its terms are ``"<estimator>::rel_<k>"``.

    Parameters
    ----------
    estimates : polars.DataFrame
        ``estimator, term, rel_time`` then the tidy columns; ``rel_time`` is the
        relative period (the endpoint value for a binned endpoint).
    pretrend : polars.DataFrame
        One row per estimator: Wald ``statistic`` (chi-squared), its ``df`` (number of
        leads tested), ``p_value`` (chi-squared) and ``p_value_f`` (F(df, G-1)).
    """

    estimates: pl.DataFrame = field(default_factory=pl.DataFrame)
    pretrend: pl.DataFrame = field(default_factory=pl.DataFrame)


def _ssc(ssc: str) -> dict[str, object]:
    # Same switches as layofflab.models' ``ssc=`` for OLS: "stata" = reghdfe's
    # (G/(G-1))·((N-1)/(N-K)) with t(G-1).
    import pyfixest as pf

    if ssc not in _SSC:
        raise InvalidArgumentError("ssc", ssc, expected=f"one of {list(_SSC)}")
    return {
        "stata": pf.ssc(k_adj=True, G_adj=True, G_df="min"),
        "conventional": pf.ssc(k_adj=True, G_adj=True, G_df="conventional"),
        "cluster_only": pf.ssc(k_adj=False, G_adj=True, G_df="min"),
        "none": pf.ssc(k_adj=False, G_adj=False, G_df="min"),
    }[ssc]


def _label(r: int, leads: int, lags: int, binned: bool) -> str:
    plus = binned and (r == -leads or r == lags)
    return f"rel_{r}{'+' if plus else ''}"


def _parse_rel(names: Sequence[str]) -> list[tuple[int, int | None]]:
    """``_rel::-2`` → (-2, None); ``_rel::-2:_cohort::7`` → (-2, 7)."""
    out = []
    for n in names:
        m = re.fullmatch(r"_rel::(-?\d+)(?::_cohort::(-?\d+))?", str(n))
        if m is None:
            raise EstimationError("event_study", f"unexpected coefficient name {n!r}")
        out.append((int(m.group(1)), None if m.group(2) is None else int(m.group(2))))
    return out


def _lincomb(fit: object, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    beta = np.asarray(fit._beta_hat, dtype=float)
    V = np.asarray(fit._vcov, dtype=float)
    return R @ beta, R @ V @ R.T


def _wald(est: np.ndarray, V: np.ndarray, G: int) -> tuple[float, int, float, float]:
    q = est.size
    if q == 0:
        return np.nan, 0, np.nan, np.nan
    w = float(est @ np.linalg.pinv(V) @ est)
    return w, q, float(stats.chi2.sf(w, q)), float(stats.f.sf(w / q, q, G - 1))


def _fit(formula: str, pdf: object, cluster: str, ssc: dict) -> object:
    import pyfixest as pf

    with warnings.catch_warnings():
        # expected: empty cohort × period cells; pyfixest's own pandas-3 deprecations
        warnings.filterwarnings("ignore", message=r"(?s).*dropped due to multicollinearity")
        warnings.filterwarnings("ignore", message=r"(?s).*The inplace keyword")
        return pf.feols(formula, data=pdf, vcov={"CRV1": cluster}, ssc=ssc)


def _twfe(data: pl.DataFrame, window: list[int], omit: int, ssc: dict) -> tuple:
    d = data.with_columns(
        pl.when(pl.col("_cohort") > 0).then(pl.col("_rel")).otherwise(omit).alias("_rel")
    )
    fit = _fit(f"_y ~ i(_rel, ref={omit}) | _id + _t", d.to_pandas(), "_cl", ssc)
    parsed = _parse_rel(fit._coefnames)
    rels = [r for r in window if r != omit and (r, None) in parsed]
    R = np.zeros((len(rels), len(parsed)))
    for i, r in enumerate(rels):
        R[i, parsed.index((r, None))] = 1.0
    return fit, rels, R


def _sun_abraham(data: pl.DataFrame, window: list[int], omit: int, ssc: dict) -> tuple:
    from pyfixest.did.saturated_twfe import compute_period_weights

    if not (data["_cohort"] == 0).any():  # last-treated cohort as control
        last = int(data["_cohort"].max())
        data = data.filter(pl.col("_t") < last).with_columns(
            pl.when(pl.col("_cohort") == last).then(0).otherwise(pl.col("_cohort")).alias("_cohort")
        )
    d = data.with_columns(
        pl.when(pl.col("_cohort") > 0).then(pl.col("_rel")).otherwise(omit).alias("_rel"),
        ((pl.col("_cohort") > 0) & (pl.col("_rel") >= 0)).cast(pl.Int64).alias("_treated"),
    )
    pdf = d.to_pandas()
    fit = _fit(f"_y ~ i(_rel, _cohort, ref={omit}, ref2=0) | _id + _t", pdf, "_cl", ssc)
    parsed = _parse_rel(fit._coefnames)
    w = pl.from_pandas(
        compute_period_weights(pdf, cohort="_cohort", period="_rel", treatment="_treated")
    ).filter(pl.col("weight") > 0)
    rels = [r for r in window if r != omit]
    rows, kept = [], []
    for r in rels:
        row = np.zeros(len(parsed))
        for g, wt in w.filter(pl.col("_rel") == r).select("_cohort", "weight").iter_rows():
            if (r, g) in parsed:
                row[parsed.index((r, g))] = wt
        if row.sum() > 0:
            rows.append(row / row.sum())  # renormalise over estimable cells
            kept.append(r)
    R = np.vstack(rows) if rows else np.zeros((0, len(parsed)))
    return fit, kept, R, d.height


def _prepare(
    df: pl.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str | None,
    event: str | None,
    cluster: str,
) -> tuple[pl.DataFrame, list[tuple[str, int, str]]]:
    for arg, col in (
        ("outcome", outcome),
        ("unit", unit),
        ("time", time),
        ("cohort", cohort),
        ("event", event),
        ("cluster", cluster),
    ):
        if col is not None and col not in df.columns:
            raise InvalidArgumentError(arg, col, expected=f"a column of the data {df.columns}")
    if (cohort is None) == (event is None):
        raise InvalidArgumentError("cohort", cohort, expected="exactly one of cohort and event")
    data = event_time(
        df,
        unit=unit,
        time=time,
        event=event,
        event_date=cohort,
        cohort_name="__cohort",
        name="__rel",
    )
    needed = list(dict.fromkeys([outcome, unit, time, cluster]))
    n0 = data.height
    data = data.drop_nulls(needed)
    steps = [("missing values", n0 - data.height, ", ".join(needed))]
    if data.height == 0:
        raise EstimationError("event_study", "no rows left after dropping missing values")
    data = data.select(
        _y=pl.col(outcome).cast(pl.Float64),
        _id=pl.col(unit).rank("dense").cast(pl.Int64),
        _t=pl.col(time).cast(pl.Int64),
        _cl=pl.col(cluster).rank("dense").cast(pl.Int64),
        _cohort=pl.col("__cohort").fill_null(0),
        _rel=pl.col("__rel"),
    )
    if not (data["_cohort"] > 0).any():
        raise EstimationError("event_study", "no unit is ever treated")
    return data, steps


def event_study(
    df: pl.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str | None = None,
    event: str | None = None,
    leads: int = 4,
    lags: int = 8,
    bin_endpoints: bool = True,
    omit: int = -1,
    estimator: Estimator = "all",
    cluster: str | None = None,
    control: Literal["never_treated", "not_yet_treated"] = "never_treated",
    ssc: Literal["stata", "conventional", "cluster_only", "none"] = "stata",
    alpha: float = 0.05,
) -> EventStudyResult:
    """Event-study coefficients by relative period, TWFE beside robust estimators.

    Parameters
    ----------
    df : polars.DataFrame
        Panel, one row per unit and period.
    outcome, unit, time : str
        Outcome, unit identifier and integer period index.
    cohort : str, optional
        Column with the unit's first event period (null or 0: never treated).
    event : str, optional
        Boolean event column instead: a unit's first true period is its cohort.
    leads, lags : int
        Window ``[-leads, lags]`` of reported relative periods (leads >= 2).
    bin_endpoints : bool
        Bin periods beyond the window into the endpoints (``rel_-4+``, ``rel_8+``);
        otherwise every relative period has its own dummy and only the window is
        reported.
    omit : int
        Reference period of TWFE and Sun–Abraham, ``-leads < omit < 0``.
    estimator : {"twfe", "sun_abraham", "callaway_santanna", "all"}
        Which estimators to run.
    cluster : str, optional
        Cluster variable (default: ``unit``).
    control : {"never_treated", "not_yet_treated"}
        Comparison group of Callaway–Sant'Anna.
    ssc : {"stata", "conventional", "cluster_only", "none"}
        Small-sample convention of the CRV1 standard errors (TWFE, Sun–Abraham).
    alpha : float
        1 - confidence level.

    Returns
    -------
    EventStudyResult
        ``table``, ``estimates``, ``pretrend``, ``funnel`` and ``info``.

    Examples
    --------
    >>> from layofflab.models.simulate import simulate_panel
    >>> df = simulate_panel(n_firms=150, n_periods=10, effect=0.4, seed=1)
    >>> res = event_study(df, outcome="log_intensity", unit="firm", time="period",
    ...                   cohort="announce_period", leads=2, lags=2)
    >>> res.estimates.group_by("estimator", maintain_order=True).len()["len"].to_list()
    [4, 4, 5]
    >>> res.table["term"][0]
    'twfe::rel_-2+'
    """
    if not isinstance(df, pl.DataFrame):
        raise InvalidArgumentError("df", type(df).__name__, expected="a polars DataFrame")
    check_scalar(leads, "leads", int, min_val=2)
    check_scalar(lags, "lags", int, min_val=0)
    check_scalar(omit, "omit", int, min_val=-leads, max_val=0, include_boundaries="neither")
    if estimator not in (*ESTIMATORS, "all"):
        raise InvalidArgumentError(
            "estimator", estimator, expected=f"one of {[*ESTIMATORS, 'all']}"
        )
    if not (isinstance(alpha, float) and 0 < alpha < 1):
        raise InvalidArgumentError("alpha", alpha, expected="a float strictly between 0 and 1")
    ssc_pf = _ssc(ssc)
    cluster = unit if cluster is None else cluster
    data, steps = _prepare(
        df, outcome=outcome, unit=unit, time=time, cohort=cohort, event=event, cluster=cluster
    )
    if bin_endpoints:
        data = data.with_columns(pl.col("_rel").clip(-leads, lags))
    window = list(range(-leads, lags + 1))
    chosen = ESTIMATORS if estimator == "all" else (estimator,)
    G = int(data["_cl"].n_unique())
    df_t = float(G - 1)

    blocks, tests, fits, n_obs = [], [], {}, {}
    for name in chosen:
        if name == "callaway_santanna":
            from layofflab.models.did import callaway_santanna

            cs_df = data.with_columns(pl.when(pl.col("_cohort") > 0).then(pl.col("_cohort")))
            cs = callaway_santanna(
                cs_df,
                outcome="_y",
                unit="_id",
                time="_t",
                group="_cohort",
                control=control,
                aggregate="dynamic",
                min_e=-leads,
                max_e=lags,
                cluster=None if cluster == unit else "_cl",
                alpha=alpha,
            )
            rows = cs.table.filter(pl.col("term") != "ATT")
            rels = [int(t.removeprefix("rel_")) for t in rows["term"]]
            est, se = rows["estimate"].to_numpy(), rows["std_error"].to_numpy()
            pre = cs.pretest.row(0, named=True)
            w, q = pre["statistic"], pre["df"]
            test = (w, q, pre["p_value"], None if w is None else float(stats.f.sf(w / q, q, G - 1)))
            labels = [f"rel_{r}" for r in rels]
            fits[name], n_obs[name] = cs.fit, cs.info.n_obs
        else:
            if name == "twfe":
                fit, rels, R = _twfe(data, window, omit, ssc_pf)
                n_obs[name] = int(fit._N)
            else:
                fit, rels, R, _ = _sun_abraham(data, window, omit, ssc_pf)
                n_obs[name] = int(fit._N)
            est, V = _lincomb(fit, R)
            se = np.sqrt(np.clip(np.diag(V), 0, None))
            lead = [i for i, r in enumerate(rels) if r < 0]
            test = _wald(est[lead], V[np.ix_(lead, lead)], G)
            labels = [_label(r, leads, lags, bin_endpoints) for r in rels]
            fits[name] = fit
        tab = tidy_table(labels, est, se, df=df_t, alpha=alpha)
        blocks.append(
            tab.select(
                pl.lit(name).alias("estimator"),
                "term",
                pl.Series("rel_time", rels, dtype=pl.Int64),
                pl.exclude("term"),
            )
        )
        tests.append((name, *test))

    estimates = pl.concat(blocks).cast(_ESTIMATES_SCHEMA)
    pretrend = pl.DataFrame(tests, schema=_PRETREND_SCHEMA, orient="row")
    table = estimates.drop("estimator", "rel_time")
    if len(chosen) > 1:
        table = table.with_columns(
            (estimates["estimator"] + "::" + estimates["term"]).alias("term")
        )
    n_main = n_obs[chosen[0]]
    if n_main < data.height:
        steps.append(
            (
                "dropped by estimator",
                data.height - n_main,
                f"{chosen[0]}: singletons or the Sun-Abraham control restriction",
            )
        )
    info = ModelInfo(
        estimator="event_study" if len(chosen) > 1 else chosen[0],
        formula=f"{outcome} ~ rel_-{leads}..rel_{lags} (omit {omit}) | {unit} + {time}",
        n_obs=n_main,
        n_clusters={cluster: G},
        fixed_effects=(unit, time),
        cluster=(cluster,),
        se_convention=f"CRV1 by {cluster}, ssc={ssc!r} (TWFE, Sun-Abraham); CS analytic IF",
        df_inference=df_t,
        extra={
            "estimators": chosen,
            "leads": leads,
            "lags": lags,
            "omit": omit,
            "bin_endpoints": bin_endpoints,
            "n_obs_by_estimator": n_obs,
            "control": control,
        },
    )
    return EventStudyResult(
        table=table,
        funnel=funnel_frame(df.height, steps),
        info=info,
        fit=fits,
        estimates=estimates,
        pretrend=pretrend,
    )
