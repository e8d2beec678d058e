"""Few-cluster inference: the wild cluster bootstrap of a fitted :func:`panel_ols` result.

The examples are in the functions' docstrings; :func:`wild_bootstrap` is the one most callers need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl

from layofflab.checks import check_choice, check_scalar
from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models._design import dense_codes
from layofflab.models._engine import FitHandle
from layofflab.models._wild import wild_kernel
from layofflab.models.result import EstimationResult

__all__ = [
    "BootstrapResult",
    "RandomizationResult",
    "bootstrap_design",
    "bootstrap_pvalue",
    "joint_wild_t",
    "randomization_inference",
    "wild_bootstrap",
]

Weights = Literal["rademacher", "webb", "mammen", "norm", "auto"]
_MAX_DUMMIES = 5_000


@dataclass(frozen=True)
class BootstrapResult:
    """Outcome of :func:`wild_bootstrap`.

    Attributes
    ----------
    param : str
        Tested coefficient (H0: = 0).
    t_stat : float
        Cluster-robust t of the original fit in the bootstrap design (CRV1 with the
        result's small-sample switches; the p-value does not depend on the factor).
    p_value : float
        Two-sided bootstrap p-value, ``mean(|t| < |t*|)`` (ties not counted, see
        :func:`bootstrap_pvalue`).
    p_value_with_ties : float
        ``mean(|t*| >= |t|)``: the exact ties from the weight vectors ±(1, ..., 1) under
        WCR count as exceeding (conservative; differs from ``p_value`` by 2/2^G under
        full enumeration).
    t_boot : numpy.ndarray
        The bootstrap t* distribution (length ``reps``).
    reps : int
        Draws actually used (2^G under full enumeration).
    enumerated : bool
        Whether all 2^G Rademacher sign vectors were used.
    """

    param: str
    t_stat: float
    p_value: float
    p_value_with_ties: float
    t_boot: np.ndarray = field(repr=False, compare=False)
    reps: int
    enumerated: bool
    weights: str
    bootstrap_type: str
    impose_null: bool
    cluster: str
    n_clusters: int
    seed: int
    engine: str

    @property
    def distribution(self) -> pl.Series:
        """``t_boot`` as a polars Series named ``t_boot``."""
        return pl.Series("t_boot", self.t_boot)


def _handle(result: EstimationResult) -> FitHandle:
    if not isinstance(result, EstimationResult) or not isinstance(result.fit, FitHandle):
        raise InvalidArgumentError(
            "result", type(result).__name__, expected="a result of panel_ols (or ppml)"
        )
    if result.fit.estimator != "ols":
        raise EstimationError(
            "wild_bootstrap", "the wild cluster bootstrap is implemented for panel_ols only"
        )
    return result.fit


def bootstrap_design(
    h: FitHandle, cluster: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    """(X, y, cluster codes, names) on which the bootstrap is exact.

    Fixed effects nested in the bootstrap cluster are partialled out (exact: the
    restricted residuals sum to zero within each such group and the weights are constant
    there); other fixed effects enter as dummy columns (first level dropped).

    Examples
    --------
    >>> import numpy as np, polars as pl
    >>> from layofflab.models import panel_ols
    >>> from layofflab.models.inference import _handle
    >>> rng = np.random.default_rng(0)
    >>> df = pl.DataFrame({"g": np.repeat(np.arange(6), 20), "x": rng.normal(size=120)})
    >>> df = df.with_columns(y=2 * pl.col("x") + rng.normal(size=120))
    >>> X, y, codes, names = bootstrap_design(_handle(panel_ols(df, "y ~ x", fe=["g"])), "g")
    >>> X.shape, names  # g is nested in the clusters: partialled out
    ((120, 1), ('x',))
    """
    from pyfixest.estimation import demean

    data = h.data
    codes = dense_codes(data[cluster])
    X, y, names = h.X, h.y, h.names
    if not h.fe:
        return X, y, codes, names
    nested: list[str] = []  # fixed effects nested in the clusters: demeaned
    other: list[str] = []  # the others: dummy columns
    for f in h.fe:
        n_pairs = data.select(
            pl.struct(pl.col(f).alias("a"), pl.col(cluster).alias("b")).n_unique()
        ).item()
        (nested if n_pairs == data[f].n_unique() else other).append(f)
    dummies: list[np.ndarray] = []
    for f in other:
        c = dense_codes(data[f])
        L = int(c.max()) + 1
        if L - 1 + len(dummies) > _MAX_DUMMIES:
            raise EstimationError(
                "wild_bootstrap",
                f"fixed effect {f!r} is not nested in cluster {cluster!r} and has {L} levels; "
                "too many dummy columns for the bootstrap",
            )
        D = np.zeros((c.size, L))
        D[np.arange(c.size), c] = 1.0
        dummies.append(D[:, 1:])
    M = np.column_stack([X, *dummies]) if dummies else X
    if nested:
        flist = np.column_stack([dense_codes(data[f]) for f in nested]).astype(np.uint64)
        both, ok = demean(np.column_stack([y, M]), flist, np.ones(y.size), tol=1e-10)
        if not ok:
            raise EstimationError("wild_bootstrap", "fixed-effect demeaning did not converge")
        return both[:, 1:], both[:, 0], codes, names
    return np.column_stack([M, np.ones(y.size)]), y, codes, names


def wild_bootstrap(
    result: EstimationResult,
    *,
    param: str,
    reps: int = 9999,
    weights: Weights = "rademacher",
    seed: int = 0,
    impose_null: bool = True,
    bootstrap_type: Literal["11", "31"] = "11",
    cluster: str | None = None,
    engine: Literal["auto", "numpy", "wildboottest"] = "auto",
) -> BootstrapResult:
    """Wild cluster bootstrap p-value for H0: ``param`` = 0 (WCR by default).

    Parameters
    ----------
    result : EstimationResult
        A :func:`panel_ols` result (fixed effects allowed).
    param : str
        Coefficient to test.
    reps : int
        Bootstrap draws. With Rademacher weights and 2^G ≤ ``reps`` all 2^G sign
        vectors are enumerated instead (deterministic).
    weights : {"rademacher", "webb", "mammen", "norm", "auto"}
        ``"auto"``: Webb's six-point weights when G ≤ 12, else Rademacher.
    seed : int
        Seed of the weight draws.
    impose_null : bool
        WCR (True, recommended) or WCU.
    bootstrap_type : {"11", "31"}
        Score type (1: plain, 3: leave-one-cluster-out scores); the variance is CRV1.
        (The CRV3 variants "13"/"33" are not offered: wildboottest 0.3.2 fails on them
        under numpy 2.)
    cluster : str, optional
        Bootstrap cluster; default the result's (required when it is two-way).
    engine : {"auto", "numpy", "wildboottest"}
        ``"auto"``/``"numpy"``: the vectorised kernel of :mod:`layofflab.models._wild`;
        ``"wildboottest"``: the wildboottest package (same draws, same numbers, slower).

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> import numpy as np, polars as pl
    >>> from layofflab.models import panel_ols
    >>> rng = np.random.default_rng(0)
    >>> df = pl.DataFrame({"g": np.repeat(np.arange(6), 20), "x": rng.normal(size=120)})
    >>> df = df.with_columns(y=2 * pl.col("x") + rng.normal(size=120))
    >>> wb = wild_bootstrap(panel_ols(df, "y ~ x", cluster="g"), param="x", reps=999)
    >>> wb.enumerated, wb.reps, wb.p_value  # 2^6 Rademacher draws, all enumerated
    (True, 64, 0.0)
    """
    h = _handle(result)
    check_choice(weights, "weights", ("rademacher", "webb", "mammen", "norm", "auto"))
    check_choice(bootstrap_type, "bootstrap_type", ("11", "31"))
    check_choice(engine, "engine", ("auto", "numpy", "wildboottest"))
    check_scalar(impose_null, "impose_null", bool)
    check_scalar(reps, "reps", int, min_val=1)
    check_scalar(seed, "seed", int)
    if param not in h.names:
        raise InvalidArgumentError("param", param, expected=f"one of {list(h.names)}")
    if cluster is None:
        if len(h.cluster) != 1:
            raise InvalidArgumentError(
                "cluster",
                None,
                expected="a bootstrap cluster variable (the result is not one-way clustered)",
            )
        cluster = h.cluster[0]
    if cluster not in h.data.columns:
        raise InvalidArgumentError("cluster", cluster, expected="a column of the estimation data")
    X, y, codes, names = bootstrap_design(h, cluster)
    G = int(codes.max()) + 1
    if G < 2:
        raise InvalidArgumentError("cluster", cluster, expected="at least two clusters")
    w = ("webb" if G <= 12 else "rademacher") if weights == "auto" else weights
    enumerate_all = w == "rademacher" and G < 63 and 2**G <= reps
    if not enumerate_all and G * reps > 400_000_000:
        raise InvalidArgumentError("reps", reps, expected=f"fewer draws for G={G} clusters")
    j = names.index(param)
    adj, cluster_adj = h.rule.k_adj, h.rule.G_adj
    use_numpy = engine != "wildboottest"
    if use_numpy:
        from wildboottest.weights import draw_weights

        v, _ = draw_weights(w, enumerate_all, G, reps, np.random.default_rng(seed))
        t_stat, t_boot = wild_kernel(
            X,
            y,
            codes,
            j,
            np.asarray(v, dtype=float),
            impose_null=impose_null,
            score_type=bootstrap_type[0],
            adj=adj,
            cluster_adj=cluster_adj,
        )
    else:
        t_stat, t_boot = _via_wildboottest(
            X,
            y,
            codes,
            j,
            reps=2**G + 1 if enumerate_all else reps,
            weights=w,
            seed=seed,
            impose_null=impose_null,
            bootstrap_type=bootstrap_type,
            adj=adj,
            cluster_adj=cluster_adj,
        )
    t_boot = np.asarray(t_boot, dtype=float).ravel()
    p = bootstrap_pvalue(t_stat, t_boot)
    p_ties = bootstrap_pvalue(t_stat, t_boot, ties=True)
    return BootstrapResult(
        param=param,
        t_stat=float(t_stat),
        p_value=p,
        p_value_with_ties=p_ties,
        t_boot=t_boot,
        reps=int(t_boot.size),
        enumerated=enumerate_all,
        weights=w,
        bootstrap_type=bootstrap_type,
        impose_null=impose_null,
        cluster=cluster,
        n_clusters=G,
        seed=seed,
        engine="numpy" if use_numpy else "wildboottest",
    )


def bootstrap_pvalue(t_stat: float, t_boot: np.ndarray, *, ties: bool = False) -> float:
    """Two-sided p = share of draws with |t*| > |t| (``ties=True``: |t*| >= |t|).

    Under WCR the weight vectors ±(1, ..., 1) reproduce ±t exactly, so |t*| = |t| up to
    floating-point noise. wildboottest's ``mean(|t| < |t*|)`` then counts or skips these
    ties depending on the last bit (it skips them for Grunfeld, p = 2/1024, and counts
    them for its G = 5 test file, p = 8/32). Here ties are decided with a relative
    tolerance of 1e-9: not counted by default (the exact-arithmetic value of
    ``mean(|t| < |t*|)``), counted with ``ties=True``.

    Examples
    --------
    >>> tb = np.array([1.0, -2.0 - 1e-14, 3.0, -0.5])
    >>> bootstrap_pvalue(2.0, tb), bootstrap_pvalue(2.0, tb, ties=True)
    (0.25, 0.5)
    """
    a = np.abs(np.asarray(t_boot, dtype=float))
    tol = abs(t_stat) * 1e-9 + 1e-12
    if ties:
        return float(np.mean(a >= abs(t_stat) - tol))
    return float(np.mean(a > abs(t_stat) + tol))


def _via_wildboottest(
    X: np.ndarray,
    y: np.ndarray,
    codes: np.ndarray,
    j: int,
    *,
    reps: int,
    weights: str,
    seed: int,
    impose_null: bool,
    bootstrap_type: str,
    adj: bool,
    cluster_adj: bool,
) -> tuple[float, np.ndarray]:
    import warnings

    from wildboottest.wildboottest import WildboottestCL

    R = np.zeros(X.shape[1])
    R[j] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = WildboottestCL(X=X, Y=y, cluster=codes, R=R, B=reps, seed=seed, parallel=False)
        wb.get_scores(
            bootstrap_type=bootstrap_type, impose_null=impose_null, adj=adj, cluster_adj=cluster_adj
        )
        wb.get_weights(weights_type=weights)
        wb.get_numer()
        wb.get_denom()
        wb.get_tboot()
        wb.get_vcov()
        wb.get_tstat()
    return float(np.ravel(wb.t_stat)[0]), np.asarray(wb.t_boot)


def joint_wild_t(
    results: list[EstimationResult],
    *,
    param: str | Sequence[str],
    cluster: str,
    reps: int,
    weights: Weights = "auto",
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Observed t's (k,) and centered WCU11 t* (reps × k) with shared cluster weights.

    One weight is drawn per cluster *label* (union over the results' samples), so the
    draws are joint across results — what Romano–Wolf needs. ``param`` is one coefficient
    name for every result, or one per result.

    Examples
    --------
    >>> import numpy as np, polars as pl
    >>> from layofflab.models import panel_ols
    >>> rng = np.random.default_rng(0)
    >>> df = pl.DataFrame({"g": np.repeat(np.arange(6), 20), "x": rng.normal(size=120)})
    >>> df = df.with_columns(y=2 * pl.col("x") + rng.normal(size=120), z=rng.normal(size=120))
    >>> fits = [panel_ols(df, "y ~ x", cluster="g"), panel_ols(df, "z ~ x", cluster="g")]
    >>> t, t_star = joint_wild_t(fits, param="x", cluster="g", reps=99, seed=1)
    >>> t.shape, t_star.shape, t.round(1).tolist()
    ((2,), (99, 2), [15.5, 0.2])
    """
    from wildboottest.weights import draw_weights

    check_choice(weights, "weights", ("rademacher", "webb", "mammen", "norm", "auto"))
    check_scalar(reps, "reps", int, min_val=1)
    handles = [_handle(r) for r in results]
    params = [param] * len(handles) if isinstance(param, str) else list(param)
    if len(params) != len(handles):
        raise InvalidArgumentError("param", param, expected="one name, or one per result")
    for h, par in zip(handles, params, strict=True):
        if par not in h.names:
            raise InvalidArgumentError("param", par, expected=f"one of {list(h.names)}")
        if cluster not in h.data.columns:
            raise InvalidArgumentError("cluster", cluster, expected="a column of every result")
    labels = [np.sort(h.data[cluster].unique().to_numpy()) for h in handles]
    universe = np.unique(np.concatenate(labels))
    G = universe.size
    w = ("webb" if G <= 12 else "rademacher") if weights == "auto" else weights
    enumerate_all = w == "rademacher" and G < 63 and 2**G <= reps
    v, _ = draw_weights(w, enumerate_all, G, reps, np.random.default_rng(seed))
    v = np.asarray(v, dtype=float)
    t_obs, t_boot = [], []
    for h, lab, par in zip(handles, labels, params, strict=True):
        X, y, codes, names = bootstrap_design(h, cluster)
        rows = np.searchsorted(universe, lab)
        t, tb = wild_kernel(
            X,
            y,
            codes,
            names.index(par),
            v[rows],
            impose_null=False,
            score_type="1",
            adj=h.rule.k_adj,
            cluster_adj=h.rule.G_adj,
        )
        t_obs.append(t)
        t_boot.append(tb)
    return np.asarray(t_obs), np.column_stack(t_boot)


from layofflab.models.randomization import (  # noqa: E402  (re-export; avoids an import cycle)
    RandomizationResult,
    randomization_inference,
)
