"""The estimators behind :func:`layofflab.models.event_study`, one function each.

Each takes the prepared event-time data (columns ``_y, _id, _t, _cl, _cohort, _rel``) and a
:class:`Context` and returns a :class:`Block`: relative periods, labels, estimates, standard
errors, the pre-trend Wald test and the fit. :data:`RUNNERS` is the dispatch table.

A linear combination of coefficients whose cluster-robust variance is not positive (the
covariance has rank at most G − 1 with G clusters, so a saturated model with more
coefficients than clusters cannot identify every combination) is reported as *not
identified* (``identified = False``, standard error null), never as a clipped zero.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import polars as pl
from scipy import stats

from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.panel.events import event_time

if TYPE_CHECKING:
    from pyfixest.estimation import Feols

    from layofflab.models.did import Control

__all__ = ["RUNNERS", "Block", "Context", "prepare"]

_SSC = ("stata", "conventional", "cluster_only", "none")
#: Relative tolerance below which a variance counts as zero (not identified).
VAR_TOL = 1e-10


@dataclass(frozen=True)
class Context:
    """What every estimator needs besides the data."""

    window: list[int]
    omit: int
    leads: int
    lags: int
    bin_endpoints: bool
    ssc: dict[str, Any]
    control: Control
    cluster_is_unit: bool
    alpha: float
    G: int


@dataclass
class Block:
    """One estimator's results over the window."""

    rels: list[int]
    labels: list[str]
    est: np.ndarray
    se: np.ndarray
    identified: np.ndarray
    test: tuple[float | None, int, float | None, float | None]
    fit: Any
    n_obs: int
    vcov_rank: int | None = None
    n_coef: int | None = None
    notes: list[str] = field(default_factory=list)
    #: Covariance of ``est`` (None where the estimator gives standard errors only).
    vcov: np.ndarray | None = None


def _ssc(ssc: str) -> dict[str, str | bool]:
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


def _lincomb(fit: Feols, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    beta = np.asarray(fit._beta_hat, dtype=float)
    V = np.asarray(fit._vcov, dtype=float)
    return R @ beta, R @ V @ R.T


def _wald(
    est: np.ndarray, V: np.ndarray, G: int
) -> tuple[float | None, int, float | None, float | None]:
    """Wald test that ``est`` = 0 with covariance ``V``.

    Its df is the rank of ``V`` (a cluster-robust covariance has rank ≤ G − 1), and there is no
    test when nothing is identified.
    """
    if est.size == 0:
        return None, 0, None, None
    q = int(np.linalg.matrix_rank(V, tol=VAR_TOL * max(1.0, float(np.abs(V).max()))))
    if q == 0:
        return None, 0, None, None
    w = float(est @ np.linalg.pinv(V) @ est)
    return w, q, float(stats.chi2.sf(w, q)), float(stats.f.sf(w / q, q, G - 1))


def _se(V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Standard errors and whether each combination is identified (positive variance)."""
    var = np.diag(V).astype(float)
    scale = max(1.0, float(np.abs(var).max())) if var.size else 1.0
    ok = var > VAR_TOL * scale
    return np.where(ok, np.sqrt(np.where(ok, var, 1.0)), np.nan), ok


def _fit(formula: str, pdf: Any, cluster: str, ssc: dict[str, Any]) -> Feols:
    import pyfixest as pf

    with warnings.catch_warnings():
        # expected: empty cohort × period cells; pyfixest's own pandas-3 deprecations
        warnings.filterwarnings("ignore", message=r"(?s).*dropped due to multicollinearity")
        warnings.filterwarnings("ignore", message=r"(?s).*The inplace keyword")
        # pyfixest takes sqrt of its own vcov diagonal, negative where a coefficient is not
        # identified; we report identification from the variances ourselves (see _se)
        warnings.filterwarnings("ignore", message="invalid value encountered in sqrt")
        fit = pf.feols(formula, data=pdf, vcov={"CRV1": cluster}, ssc=ssc)
    # pyfixest types feols() as Feols | FixestMulti; one formula without multiple-estimation
    # syntax always gives a Feols
    return cast("Feols", fit)


def _twfe(
    data: pl.DataFrame, window: list[int], omit: int, ssc: dict[str, Any]
) -> tuple[Feols, list[int], np.ndarray]:
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


def _sun_abraham(
    data: pl.DataFrame, window: list[int], omit: int, ssc: dict[str, Any]
) -> tuple[Feols, list[int], np.ndarray, int]:
    from pyfixest.did.saturated_twfe import compute_period_weights

    if not (data["_cohort"] == 0).any():  # last-treated cohort as control
        # polars types Series.max() as any literal; _cohort is an integer column
        last = int(cast(int, data["_cohort"].max()))
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


def prepare(
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


def _linear(ctx: Context, fit: Any, rels: list[int], R: np.ndarray, n_obs: int) -> Block:
    est, V = _lincomb(fit, R)
    se, ok = _se(V)
    lead = [i for i, r in enumerate(rels) if r < 0 and ok[i]]
    V_all = np.asarray(fit._vcov, dtype=float)
    rank = int(np.linalg.matrix_rank(V_all, tol=VAR_TOL * max(1.0, float(np.abs(V_all).max()))))
    block = Block(
        rels=rels,
        labels=[_label(r, ctx.leads, ctx.lags, ctx.bin_endpoints) for r in rels],
        est=est,
        se=se,
        identified=ok,
        test=_wald(est[lead], V[np.ix_(lead, lead)], ctx.G),
        fit=fit,
        n_obs=n_obs,
        vcov_rank=rank,
        n_coef=int(V_all.shape[0]),
        vcov=V,
    )
    if rank < V_all.shape[0]:
        block.notes.append(
            f"the cluster-robust covariance of {V_all.shape[0]} coefficients has rank {rank} "
            f"({ctx.G} clusters): joint tests use at most {rank} df, and per-period standard "
            "errors rest on fewer independent clusters than coefficients"
        )
    if not ok.all():
        block.notes.append(
            f"{int((~ok).sum())} of {ok.size} periods not identified: the cluster-robust "
            f"covariance of {V_all.shape[0]} coefficients has rank {rank} with {ctx.G} clusters"
        )
    return block


def run_twfe(data: pl.DataFrame, ctx: Context) -> Block:
    """Two-way fixed effects on relative-time dummies (pyfixest ``feols``)."""
    fit, rels, R = _twfe(data, ctx.window, ctx.omit, ctx.ssc)
    return _linear(ctx, fit, rels, R, int(fit._N))


def run_sun_abraham(data: pl.DataFrame, ctx: Context) -> Block:
    """Interaction-weighted estimator (Sun & Abraham 2021) from the saturated regression."""
    fit, rels, R, _ = _sun_abraham(data, ctx.window, ctx.omit, ctx.ssc)
    return _linear(ctx, fit, rels, R, int(fit._N))


def run_callaway_santanna(data: pl.DataFrame, ctx: Context) -> Block:
    """Dynamic aggregate of Callaway–Sant'Anna ATT(g, t) (csdid)."""
    from layofflab.models.did import callaway_santanna

    cs_df = data.with_columns(pl.when(pl.col("_cohort") > 0).then(pl.col("_cohort")))
    cs = callaway_santanna(
        cs_df,
        outcome="_y",
        unit="_id",
        time="_t",
        group="_cohort",
        control=ctx.control,
        aggregate="dynamic",
        min_e=-ctx.leads,
        max_e=ctx.lags,
        cluster=None if ctx.cluster_is_unit else "_cl",
        alpha=ctx.alpha,
    )
    rows = cs.table.filter(pl.col("term") != "ATT")
    rels = [int(t.removeprefix("rel_")) for t in rows["term"]]
    est, se = rows["estimate"].to_numpy(), rows["std_error"].to_numpy()
    ok = np.isfinite(se) & (se > 0)
    pre = cs.pretest.row(0, named=True)
    w, q = pre["statistic"], pre["df"]
    has_test = w is not None and np.isfinite(w) and q
    test = (
        (w, q, pre["p_value"], float(stats.f.sf(w / q, q, ctx.G - 1)))
        if has_test
        else (None, int(q or 0), None, None)
    )
    block = Block(
        rels=rels,
        labels=[f"rel_{r}" for r in rels],
        est=est,
        se=np.where(ok, se, np.nan),
        identified=ok,
        test=test,
        fit=cs.fit,
        n_obs=cs.info.n_obs,
    )
    if not has_test:
        block.notes.append("callaway_santanna: the ATT(g, t) pre-test could not be computed")
    return block


#: Estimator name → its runner.
RUNNERS: dict[str, Callable[[pl.DataFrame, Context], Block]] = {
    "twfe": run_twfe,
    "sun_abraham": run_sun_abraham,
    "callaway_santanna": run_callaway_santanna,
}
