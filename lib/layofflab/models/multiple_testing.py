"""Multiple-testing adjustments across outcomes and horizons.

Holm and Bonferroni control the family-wise error rate (FWER), Benjamini–Hochberg the
false discovery rate; Romano–Wolf's step-down uses the joint bootstrap distribution of
the t-statistics, so it controls the FWER while exploiting their correlation (it is
never more conservative than Bonferroni on the same bootstrap).

Examples
--------
>>> adjust_pvalues([0.01, 0.04, 0.03], method="holm")["p_adjusted"].to_list()
[0.03, 0.06, 0.06]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import polars as pl

from layofflab.checks import check_choice
from layofflab.errors import InvalidArgumentError

__all__ = ["adjust_pvalues", "romano_wolf", "romano_wolf_bootstrap"]

Method = Literal["holm", "bh", "romano_wolf", "bonferroni"]


def _names(names: Sequence[str] | None, m: int) -> list[str]:
    if names is None:
        return [f"H{i + 1}" for i in range(m)]
    names = [str(n) for n in names]
    if len(names) != m:
        raise InvalidArgumentError("names", names, expected=f"{m} names, one per hypothesis")
    return names


def _frame(
    names: list[str], p: np.ndarray, adj: np.ndarray, method: str, alpha: float
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "hypothesis": names,
            "p_value": p.astype(float),
            "p_adjusted": adj.astype(float),
            "reject": adj <= alpha,
            "method": [method] * len(names),
        },
        schema={
            "hypothesis": pl.String,
            "p_value": pl.Float64,
            "p_adjusted": pl.Float64,
            "reject": pl.Boolean,
            "method": pl.String,
        },
    )


def _check_alpha(alpha: float) -> None:
    if not isinstance(alpha, float | int) or not 0 < alpha < 1:
        raise InvalidArgumentError("alpha", alpha, expected="a number strictly between 0 and 1")


def adjust_pvalues(
    pvalues: Sequence[float] | np.ndarray | pl.Series | Mapping[str, float] | None,
    *,
    method: Method,
    alpha: float = 0.05,
    names: Sequence[str] | None = None,
    t_stat: Sequence[float] | np.ndarray | None = None,
    t_boot: np.ndarray | None = None,
) -> pl.DataFrame:
    """Adjust a family of p-values.

    Parameters
    ----------
    pvalues : sequence, numpy array, polars Series or mapping name -> p
        Unadjusted p-values in [0, 1]. May be None for ``"romano_wolf"``.
    method : {"holm", "bh", "romano_wolf", "bonferroni"}
    alpha : float
        Level for the ``reject`` column.
    names : sequence of str, optional
        Hypothesis labels (default ``H1, H2, ...`` or the mapping's keys).
    t_stat, t_boot : arrays, required for ``"romano_wolf"``
        Observed t's (k,) and centered bootstrap t's (reps × k); see :func:`romano_wolf`.

    Returns
    -------
    polars.DataFrame
        ``hypothesis, p_value, p_adjusted, reject, method`` in input order.

    Examples
    --------
    >>> adjust_pvalues({"a": 0.01, "b": 0.02, "c": 0.5}, method="bh")["p_adjusted"].to_list()
    [0.03, 0.03, 0.5]
    """
    check_choice(method, "method", ("holm", "bh", "romano_wolf", "bonferroni"))
    _check_alpha(alpha)
    if method == "romano_wolf":
        if t_stat is None or t_boot is None:
            raise InvalidArgumentError(
                "t_boot", t_boot, expected="t_stat and t_boot for method='romano_wolf'"
            )
        if isinstance(pvalues, Mapping) and names is None:
            names = list(pvalues)
        return romano_wolf(t_stat, t_boot, names=names, alpha=alpha)
    if isinstance(pvalues, Mapping):
        if names is None:
            names = list(pvalues)
        pvalues = list(pvalues.values())
    if pvalues is None:
        raise InvalidArgumentError("pvalues", None, expected="a sequence of p-values")
    p = np.asarray(pvalues.to_numpy() if isinstance(pvalues, pl.Series) else pvalues, float)
    if p.ndim != 1 or p.size == 0 or not np.all((p >= 0) & (p <= 1)):
        raise InvalidArgumentError(
            "pvalues", pvalues, expected="a non-empty 1-d sequence of numbers in [0, 1]"
        )
    m = p.size
    order = np.argsort(p, kind="stable")
    ps = p[order]
    if method == "bonferroni":
        adj_sorted = np.minimum(1.0, m * ps)
    elif method == "holm":
        adj_sorted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * ps))
    else:  # bh
        scaled = m / np.arange(1, m + 1) * ps
        adj_sorted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    adj = np.empty(m)
    adj[order] = adj_sorted
    return _frame(_names(names, m), p, adj, method, alpha)


def romano_wolf(
    t_stat: Sequence[float] | np.ndarray,
    t_boot: np.ndarray,
    *,
    names: Sequence[str] | None = None,
    alpha: float = 0.05,
) -> pl.DataFrame:
    """Romano–Wolf step-down adjusted p-values from bootstrap t-statistics.

    Hypotheses are ordered by |t| (largest first). For the j-th, the adjusted p is the
    share of draws whose largest |t*| among the hypotheses not yet stepped over is at
    least |t_(j)| — ``(1 + #)/(reps + 1)`` as in Stata's ``rwolf`` — made monotone by a
    running maximum. The ``p_value`` column is the single-hypothesis bootstrap p with
    the same convention, so ``p_adjusted >= p_value`` always.

    Parameters
    ----------
    t_stat : array (k,)
        Observed t-statistics.
    t_boot : array (reps, k)
        Bootstrap t's centered at the estimate (e.g. WCU t*, which are (b* − b̂)/se*),
        drawn jointly (same weights) across hypotheses.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> tb = rng.standard_normal((999, 3))
    >>> romano_wolf([4.0, 0.5, -2.2], tb)["p_adjusted"].round(3).to_list()
    [0.001, 0.621, 0.045]
    """
    t = np.asarray(t_stat, dtype=float).ravel()
    tb = np.asarray(t_boot, dtype=float)
    if tb.ndim != 2 or tb.shape[1] != t.size or t.size == 0:
        raise InvalidArgumentError(
            "t_boot", getattr(tb, "shape", None), expected=f"a (reps, {t.size}) array"
        )
    if not (np.isfinite(t).all() and np.isfinite(tb).all()):
        raise InvalidArgumentError("t_boot", "non-finite values", expected="finite t-statistics")
    _check_alpha(alpha)
    reps, k = tb.shape
    at, atb = np.abs(t), np.abs(tb)
    order = np.argsort(-at, kind="stable")
    # running max over the remaining set, from the last (smallest |t|) backwards
    tail_max = np.maximum.accumulate(atb[:, order[::-1]], axis=1)[:, ::-1]  # reps x k
    raw = (1 + (tail_max >= at[order][None, :]).sum(axis=0)) / (reps + 1)
    adj_sorted = np.minimum(1.0, np.maximum.accumulate(raw))
    adj = np.empty(k)
    adj[order] = adj_sorted
    marginal = (1 + (atb >= at[None, :]).sum(axis=0)) / (reps + 1)
    return _frame(_names(names, k), marginal, adj, "romano_wolf", alpha)


def romano_wolf_bootstrap(
    df: Any,
    outcomes: Sequence[str],
    rhs: str,
    *,
    param: str,
    fe: Sequence[str] = (),
    cluster: str,
    reps: int = 999,
    weights: Literal["rademacher", "webb", "mammen", "norm", "auto"] = "auto",
    seed: int = 0,
    ssc: Literal["stata", "conventional", "cluster_only", "none"] = "stata",
    alpha: float = 0.05,
) -> pl.DataFrame:
    """Fit ``outcome ~ rhs`` for each outcome and adjust ``param`` by Romano–Wolf.

    The unrestricted wild cluster bootstrap (WCU11) is run with the *same* cluster
    weights for every outcome (drawn once per cluster label), which keeps the
    cross-outcome dependence that Romano–Wolf exploits.

    Examples
    --------
    >>> import polars as pl
    >>> rng = np.random.default_rng(2)
    >>> df = pl.DataFrame({"g": np.repeat(np.arange(10), 20), "x": rng.normal(size=200)})
    >>> df = df.with_columns(y1=pl.col("x") + pl.Series(rng.normal(size=200)),
    ...                      y2=pl.Series(rng.normal(size=200)))
    >>> out = romano_wolf_bootstrap(df, ["y1", "y2"], "x", param="x", cluster="g", reps=999)
    >>> out["hypothesis"].to_list(), out["reject"].to_list()
    (['y1', 'y2'], [True, False])
    """
    from layofflab.models.inference import joint_wild_t
    from layofflab.models.panel_ols import panel_ols

    if isinstance(outcomes, str) or len(outcomes) < 1:
        raise InvalidArgumentError("outcomes", outcomes, expected="a list of outcome columns")
    results = [panel_ols(df, f"{y} ~ {rhs}", fe=fe, cluster=cluster, ssc=ssc) for y in outcomes]
    t_obs, t_boot = joint_wild_t(
        results, param=param, cluster=cluster, reps=reps, weights=weights, seed=seed
    )
    return romano_wolf(t_obs, t_boot, names=list(outcomes), alpha=alpha)
