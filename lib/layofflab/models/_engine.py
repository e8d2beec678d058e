"""Engine glue shared by :func:`panel_ols` and :func:`ppml` (not public API).

Without fixed effects the model is fitted by statsmodels (OLS or GLM Poisson) and the
sandwich comes from ``statsmodels.stats.sandwich_covariance``; with absorbed fixed
effects by pyfixest (``feols`` / ``fepois``) with the same small-sample switches.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from layofflab.checks import check_choice, check_scalar
from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models._design import (
    ROW_ID,
    Design,
    Sample,
    as_names,
    cluster_codes,
    collinear_columns,
    dense_codes,
)
from layofflab.models._vcov import SSCRule, describe, hetero_factor, statsmodels_vcov
from layofflab.models.result import EstimationResult, ModelInfo, tidy_table


@dataclass(frozen=True)
class FitHandle:
    """What a refit (wild bootstrap, randomization inference) needs; kept in ``result.fit``."""

    estimator: Literal["ols", "ppml"]
    engine: Literal["statsmodels", "pyfixest"]
    model: Any
    data: pl.DataFrame  # estimation sample: ROW_ID, FE, cluster and formula columns
    y: np.ndarray
    X: np.ndarray  # regressors actually estimated (collinear ones removed)
    names: tuple[str, ...]
    fe: tuple[str, ...]
    cluster: tuple[str, ...]
    ssc: str
    rule: SSCRule
    vcov: str
    inference: str
    offset: np.ndarray | None = None


#: A caller's leave-one-cluster-out refits: (kept term names, full-sample coefficients) →
#: Σ_g (b_(g) - b)(b_(g) - b)' (not yet scaled by (G-1)/G).
JackknifeRefits = Callable[[list[str], np.ndarray], np.ndarray]

#: The engine's estimator keys → the public estimators' names (used in errors).
NAMES = {"ols": "panel_ols", "ppml": "ppml"}


def resolve_vcov(vcov: Any, cluster: tuple[str, ...]) -> str:
    """``None`` → ``"cluster"`` when clustered, else ``"hetero"``; check consistency."""
    if vcov is None:
        return "cluster" if cluster else "hetero"
    check_choice(vcov, "vcov", ("cluster", "jackknife", "hetero", "iid"))
    if (vcov in ("cluster", "jackknife")) != bool(cluster):
        raise InvalidArgumentError(
            "vcov",
            vcov,
            expected="'cluster' or 'jackknife' exactly when cluster= names one or two columns",
        )
    if vcov == "jackknife" and len(cluster) != 1:
        raise InvalidArgumentError("cluster", cluster, expected="one column for vcov='jackknife'")
    return vcov


def names_and_checks(
    df: pl.DataFrame, fe: Any, cluster: Any, inference: Any, alpha: Any
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    fe_t = as_names(fe, "fe", df)
    cl_t = as_names(cluster, "cluster", df, max_len=2)
    check_choice(inference, "inference", ("t", "normal"))
    check_scalar(alpha, "alpha", float, min_val=0, max_val=1, include_boundaries="neither")
    return fe_t, cl_t


def _raw_or_codes(series: pl.Series) -> np.ndarray:
    """Integer columns as they are (pyfixest factorises them); others as dense codes."""
    if series.dtype.is_integer():
        return series.to_numpy()
    return dense_codes(series)


def _pandas_frame(
    sample: Sample,
    design: Design,
    fe: tuple[str, ...],
    cluster: tuple[str, ...],
    offset: np.ndarray | None,
) -> tuple[Any, list[str]]:
    """Frame of generated column names for pyfixest (``y_``, ``x_0``…, ``fe_0``…, ``cl_0``…)."""
    import pandas as pd

    cols: dict[str, Any] = {"y_": design.y}
    xn = [f"x_{j}" for j in range(design.X.shape[1])]
    for j, n in enumerate(xn):
        cols[n] = design.X[:, j]
    for i, f in enumerate(fe):
        cols[f"fe_{i}"] = _raw_or_codes(sample.data[f])
    for i, c in enumerate(cluster):
        cols[f"cl_{i}"] = cols[f"fe_{fe.index(c)}"] if c in fe else _raw_or_codes(sample.data[c])
    if offset is not None:
        cols["off_"] = offset
    return pd.DataFrame(cols), xn


#: Above this many fixed-effect dummy columns the OLS jackknife uses pyfixest's refits.
DENSE_JACKKNIFE_MAX = 600


def _ols_jackknife_dense(pdf: Any, xn: list[str], n_fe: int, kept: list[str]) -> np.ndarray | None:
    """Σ_g (b_(g) - b)(b_(g) - b)' for OLS by refitting without each cluster.

    The fixed effects enter as dummy columns (exact, as pyfixest's CRV3 refits, but ~100×
    faster on panels of a few hundred rows); None when there are too many dummies for a dense
    solve.
    """
    codes = [pdf[f"fe_{i}"].astype("category").cat.codes.to_numpy() for i in range(n_fe)]
    levels = [int(c.max()) + 1 for c in codes]
    if sum(levels) > DENSE_JACKKNIFE_MAX:
        return None
    cols = [pdf[n].to_numpy(dtype=float) for n in kept]
    for c, L in zip(codes, levels, strict=True):
        cols += [(c == k).astype(float) for k in range(1, L)]
    cols.append(np.ones(len(pdf)))  # the dummies above drop each fixed effect's first level
    X = np.column_stack(cols)
    y = pdf["y_"].to_numpy(dtype=float)
    k = len(kept)
    b = np.linalg.lstsq(X, y, rcond=None)[0][:k]
    cl = pdf["cl_0"].to_numpy()
    jack = np.array(
        [np.linalg.lstsq(X[cl != g], y[cl != g], rcond=None)[0][:k] for g in np.unique(cl)]
    )
    dev = jack - b
    return dev.T @ dev


def _pyfixest_call(
    pf: Any,
    estimator: str,
    fml: str,
    pdf: Any,
    vc: Any,
    ssc: Any,
    offset: np.ndarray | None,
    iwls_tol: float,
    iwls_maxiter: int,
) -> Any:
    if estimator == "ols":
        return pf.feols(
            fml,
            pdf,
            vcov=vc,
            ssc=ssc,
            fixef_rm="none",
            copy_data=False,
            store_data=True,
            lean=False,
        )
    return pf.fepois(
        fml,
        pdf,
        vcov=vc,
        ssc=ssc,
        fixef_rm="none",
        offset="off_" if offset is not None else None,
        iwls_tol=iwls_tol,
        iwls_maxiter=iwls_maxiter,
        separation_check=None,
        copy_data=False,
    )


def fit_pyfixest(
    estimator: Literal["ols", "ppml"],
    sample: Sample,
    design: Design,
    *,
    fe: tuple[str, ...],
    cluster: tuple[str, ...],
    vcov: str,
    rule: SSCRule,
    offset: np.ndarray | None = None,
    iwls_tol: float = 1e-8,
    iwls_maxiter: int = 50,
    refits: JackknifeRefits | None = None,
) -> tuple[Any, list[str], np.ndarray, np.ndarray, int]:
    """Fit with pyfixest; return (fit, kept names, coef, vcov, K used in factors).

    With ``refits`` and ``vcov="jackknife"`` the model is fitted once and ``refits`` returns
    Σ_g (b_(g) - b)(b_(g) - b)' from the caller's own leave-one-cluster-out fits (PPML: each
    refit runs the separation checks again, so no degenerate subsample reaches pyfixest).
    """
    import pyfixest as pf

    pdf, xn = _pandas_frame(sample, design, fe, cluster, offset)
    # without fixed effects the design already holds the intercept column
    fml = "y_ ~ " + ("" if fe else "0 + ") + " + ".join(xn)
    if fe:
        fml += " | " + " + ".join(f"fe_{i}" for i in range(len(fe)))
    dense = estimator == "ols" and vcov == "jackknife" and bool(fe)
    own = vcov == "jackknife" and refits is not None and not dense
    vc: Any  # pyfixest's vcov argument: a name or {"CRV1" | "CRV3": cluster}
    if own:
        vc, ssc = "iid", pf.ssc(k_adj=False, G_adj=False)  # V replaced by the caller's refits
    elif vcov == "jackknife" and not dense:
        # pyfixest's CRV3 refits the model without each cluster; with no small-sample factor it
        # returns Σ_g (b_(g) - b)(b_(g) - b)', scaled below to MNW's (G-1)/G convention
        vc = {"CRV3": "cl_0"}
        ssc = pf.ssc(k_adj=False, G_adj=False)
    elif dense:
        vc, ssc = "iid", pf.ssc(k_adj=False, G_adj=False)  # V replaced by the dense jackknife
    elif vcov == "cluster":
        vc = {"CRV1": "+".join(f"cl_{i}" for i in range(len(cluster)))}
        ssc = rule.pyfixest()
    else:
        vc = vcov
        # iid: OLS s² uses N-K; Poisson's inverse information has no factor
        ssc = pf.ssc(k_adj=vcov == "iid" and estimator == "ols", G_adj=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = _pyfixest_call(pf, estimator, fml, pdf, vc, ssc, offset, iwls_tol, iwls_maxiter)
        except ValueError as exc:
            if "collinear" in str(exc):
                raise EstimationError(
                    NAMES[estimator], "every regressor is collinear with the fixed effects"
                ) from exc
            raise EstimationError(NAMES[estimator], f"pyfixest failed: {exc}") from exc
    if fit._N != design.y.size:
        raise EstimationError(
            NAMES[estimator], f"pyfixest used {fit._N} of {design.y.size} rows unexpectedly"
        )
    kept = list(fit._coefnames)
    V = np.asarray(fit._vcov, dtype=float)
    if dense:
        Vd = _ols_jackknife_dense(pdf, xn, len(fe), kept)
        if Vd is None:  # too many dummies: pyfixest's refits
            fit = _pyfixest_call(
                pf, estimator, fml, pdf, {"CRV3": "cl_0"}, ssc, offset, iwls_tol, iwls_maxiter
            )
            Vd = np.asarray(fit._vcov, dtype=float)
        V = Vd
    if own:
        assert refits is not None
        names = [design.names[int(k.split("_")[1])] for k in kept]
        V = refits(names, np.asarray(fit._beta_hat, dtype=float))
    if vcov == "jackknife":
        G = int(pdf["cl_0"].nunique())
        V = V * (G - 1) / G
    K = int(fit._df_k)
    if vcov == "hetero":
        V = V * hetero_factor(rule, N=int(fit._N), K=K)
    return fit, kept, np.asarray(fit._beta_hat, dtype=float), V, K


def fit_statsmodels(
    estimator: Literal["ols", "ppml"],
    design: Design,
    *,
    codes: tuple[np.ndarray, ...],
    vcov: str,
    rule: SSCRule,
    offset: np.ndarray | None = None,
    iwls_tol: float = 1e-8,
    iwls_maxiter: int = 50,
) -> tuple[Any, np.ndarray, np.ndarray]:
    """Fit with statsmodels; return (fit, coef, vcov)."""
    import statsmodels.api as sm

    if estimator == "ols":
        fit = sm.OLS(design.y, design.X).fit()
    else:
        fit = sm.GLM(design.y, design.X, family=sm.families.Poisson(), offset=offset).fit(
            tol=iwls_tol, maxiter=iwls_maxiter
        )
        if not fit.converged:
            raise EstimationError("ppml", "Poisson IRLS did not converge; raise iwls_maxiter")
    V = statsmodels_vcov(fit, vcov=vcov, rule=rule, codes=codes, K=design.X.shape[1])
    return fit, np.asarray(fit.params, dtype=float), V


def estimate(
    estimator: Literal["ols", "ppml"],
    sample: Sample,
    design: Design,
    *,
    formula: str,
    fe: tuple[str, ...],
    cluster: tuple[str, ...],
    vcov: str,
    ssc: str,
    rule: SSCRule,
    inference: str,
    alpha: float,
    offset: np.ndarray | None = None,
    extra: dict[str, Any] | None = None,
    iwls_tol: float = 1e-8,
    iwls_maxiter: int = 50,
    refits: JackknifeRefits | None = None,
) -> EstimationResult:
    """Fit, compute the variance, and assemble the :class:`EstimationResult`."""
    extra = dict(extra or {})
    if fe or vcov == "jackknife":  # pyfixest needs only the counts
        n_clusters = {c: int(sample.data[c].n_unique()) for c in cluster}
        for c, g in n_clusters.items():
            if g < 2:
                raise InvalidArgumentError(
                    "cluster", c, expected="a cluster variable with at least two groups"
                )
        codes: tuple[np.ndarray, ...] = ()
    else:
        codes = cluster_codes(sample.data, cluster)
        n_clusters = {c: int(code.max()) + 1 for c, code in zip(cluster, codes, strict=True)}
    engine: Literal["statsmodels", "pyfixest"]
    if fe or vcov == "jackknife":
        fit, kept, beta, V, _ = fit_pyfixest(
            estimator,
            sample,
            design,
            fe=fe,
            cluster=cluster,
            vcov=vcov,
            rule=rule,
            offset=offset,
            iwls_tol=iwls_tol,
            iwls_maxiter=iwls_maxiter,
            refits=refits,
        )
        keep_idx = [int(k.split("_")[1]) for k in kept]
        engine = "pyfixest"
    else:
        bad = set(collinear_columns(design.X))
        keep_idx = [j for j in range(design.X.shape[1]) if j not in bad]
        if not keep_idx:
            raise EstimationError(NAMES[estimator], "every regressor is collinear or constant zero")
        fit, beta, V = fit_statsmodels(
            estimator,
            Design(design.y, design.X[:, keep_idx], (), design.rows),
            codes=codes,
            vcov=vcov,
            rule=rule,
            offset=offset,
            iwls_tol=iwls_tol,
            iwls_maxiter=iwls_maxiter,
        )
        engine = "statsmodels"
    names = tuple(design.names[j] for j in keep_idx)
    X_used = design.X[:, keep_idx]
    dropped = tuple(n for n in design.names if n not in names)
    if dropped:
        extra["dropped_collinear"] = dropped
    N = design.y.size
    if inference == "normal":
        df: float | None = None
    elif cluster:
        df = float(min(n_clusters.values()) - 1)
    else:
        df = float(N - (fit._df_k if fe else X_used.shape[1]))
    var = np.diag(V)
    positive = var > 1e-14 * max(1.0, float(np.abs(var).max()))
    se = np.where(positive, np.sqrt(np.where(positive, var, 1.0)), np.nan)
    if not positive.all():  # never a clipped zero: the term is reported as not identified
        extra["not_identified"] = tuple(n for n, ok in zip(names, positive, strict=True) if not ok)
    table = tidy_table(names, beta, se, df=df, alpha=alpha)
    info = ModelInfo(
        estimator=estimator,
        formula=formula,
        n_obs=N,
        n_clusters=n_clusters,
        fixed_effects=fe,
        cluster=cluster,
        se_convention=describe(rule, vcov, ssc, n_clusters, df),
        df_inference=df,
        extra={"engine": engine, "vcov": vcov, "ssc": ssc, **extra},
    )
    handle = FitHandle(
        estimator=estimator,
        engine=engine,
        model=fit,
        data=sample.data,
        y=design.y,
        X=X_used,
        names=names,
        fe=fe,
        cluster=cluster,
        ssc=ssc,
        rule=rule,
        vcov=vcov,
        inference=inference,
        offset=offset,
    )
    return EstimationResult(table=table, funnel=sample.funnel, info=info, fit=handle)


def row_ids(sample: Sample) -> np.ndarray:
    return sample.data[ROW_ID].to_numpy()
