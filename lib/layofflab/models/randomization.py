"""Randomization inference: placebo treatment assignments (event dates) for panel OLS.

The observed coefficient (or t) of ``treatment`` is compared with its distribution
over re-assignments that are exchangeable under the sharp null of no effect:

* ``"shift_within_unit"`` — placebo event dates: each unit's treatment series (ordered
  by ``time``) is shifted circularly by a random offset, keeping how many events each
  firm has and their spacing;
* ``"permute_units"`` — whole treatment paths are reassigned across units (aligned by
  ``time``; a period the donor unit lacks counts as untreated);
* ``"permute"`` — treatment values permuted across all rows.

pyfixest's ``ritest`` permutes across rows or clusters only; placebo dates within a
firm are not available there, hence this implementation. Every draw re-estimates the
coefficient by Frisch–Waugh–Lovell on fixed-effect-demeaned data (pyfixest ``demean``),
all draws at once as matrix products.

Examples
--------
>>> import numpy as np, polars as pl
>>> rng = np.random.default_rng(1)
>>> df = pl.DataFrame({"firm": np.repeat(np.arange(20), 10), "q": np.tile(np.arange(10), 20),
...                    "d": (rng.random(200) < 0.3).astype(float)})
>>> df = df.with_columns(y=5 * pl.col("d") + pl.Series(rng.normal(size=200)))
>>> ri = randomization_inference(df, "y ~ d", treatment="d", unit="firm", time="q",
...                              fe=["firm", "q"], reps=199, seed=0)
>>> ri.p_value == 1 / 200
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from layofflab.checks import check_choice, check_scalar
from layofflab.errors import InvalidArgumentError
from layofflab.models._design import ROW_ID, SSC, dense_codes, to_polars
from layofflab.models._wild import cluster_sums
from layofflab.models.panel_ols import panel_ols

__all__ = ["RandomizationResult", "randomization_inference"]

Scheme = Literal["shift_within_unit", "permute_units", "permute"]


@dataclass(frozen=True)
class RandomizationResult:
    """Outcome of :func:`randomization_inference`.

    ``p_value = (1 + #{|s*| ≥ |s|}) / (reps + 1)``; ``distribution`` holds the ``reps``
    placebo statistics s*.
    """

    param: str
    statistic: str
    observed: float
    p_value: float
    distribution: np.ndarray = field(repr=False, compare=False)
    reps: int
    scheme: str
    seed: int


def _draw_assignments(
    frame: pl.DataFrame,
    d: np.ndarray,
    scheme: str,
    unit: str | None,
    time: str | None,
    reps: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """N x reps matrix of placebo treatments (rows in ``frame`` order)."""
    n = d.size
    if scheme == "permute":
        return d[np.argsort(rng.random((n, reps)), axis=0)]
    u = dense_codes(frame[unit])
    t = dense_codes(frame[time])
    n_u, n_t = int(u.max()) + 1, int(t.max()) + 1
    if scheme == "permute_units":
        grid = np.zeros((n_u, n_t))
        grid[u, t] = d
        perm = np.argsort(rng.random((n_u, reps)), axis=0)  # unit -> donor unit
        return grid[perm[u], t[:, None]]
    # shift_within_unit: position of each row within its unit, ordered by time
    order = np.lexsort((t, u))
    sizes = np.bincount(u, minlength=n_u)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n) - starts[u[order]]
    shift = (rng.random((n_u, reps)) * sizes[:, None]).astype(np.int64)
    new_pos = (pos[:, None] + shift[u]) % sizes[u][:, None]
    return d[order][starts[u][:, None] + new_pos]


def randomization_inference(
    df: Any,
    formula: str,
    *,
    treatment: str,
    scheme: Scheme = "shift_within_unit",
    unit: str | None = None,
    time: str | None = None,
    reps: int = 999,
    seed: int = 0,
    fe: Sequence[str] = (),
    cluster: str | None = None,
    statistic: Literal["coef", "t"] = "coef",
    ssc: SSC = "stata",
) -> RandomizationResult:
    """Randomization-inference p-value for the coefficient of ``treatment``.

    Parameters
    ----------
    df : polars.DataFrame or pandas.DataFrame
    formula : str
        ``"y ~ treat + controls"``; ``treatment`` must appear as a plain term.
    treatment : str
        Column re-assigned in each draw.
    scheme : {"shift_within_unit", "permute_units", "permute"}
        See the module docstring. The first two need ``unit`` and ``time``.
    reps : int
        Placebo draws.
    seed : int
        Seed of the draws.
    fe, cluster, ssc
        As in :func:`panel_ols` (``cluster`` one-way, used by ``statistic="t"``).
    statistic : {"coef", "t"}
        Compare coefficients ("randomization-c") or cluster-robust t's
        ("randomization-t"; CRV0 scale, i.e. without the constant small-sample factor,
        which cancels in the comparison; heteroskedasticity-robust when unclustered).

    Returns
    -------
    RandomizationResult
    """
    data = to_polars(df)
    check_choice(scheme, "scheme", ("shift_within_unit", "permute_units", "permute"))
    check_choice(statistic, "statistic", ("coef", "t"))
    check_scalar(reps, "reps", int, min_val=1)
    check_scalar(seed, "seed", int)
    if cluster is not None and not isinstance(cluster, str):
        raise InvalidArgumentError("cluster", cluster, expected="None or one column name")
    if scheme != "permute":
        for arg, val in (("unit", unit), ("time", time)):
            if not isinstance(val, str) or val not in data.columns:
                raise InvalidArgumentError(
                    arg, val, expected=f"a column of df (needed by scheme={scheme!r})"
                )
    res = panel_ols(data, formula, fe=fe, cluster=cluster, ssc=ssc)
    h = res.fit
    if treatment not in h.names or treatment not in h.data.columns:
        raise InvalidArgumentError(
            "treatment", treatment, expected=f"a column used as a plain term of {formula!r}"
        )
    if any(treatment in n and n != treatment for n in h.names):
        raise InvalidArgumentError(
            "treatment", treatment, expected="a column not also used inside other terms"
        )
    rows = h.data[ROW_ID].to_numpy()
    frame = data.with_row_index(ROW_ID)[rows]
    d = h.X[:, h.names.index(treatment)]
    Dstar = _draw_assignments(frame, d, scheme, unit, time, reps, np.random.default_rng(seed))
    D = np.column_stack([d, Dstar])
    W = np.delete(h.X, h.names.index(treatment), axis=1)
    y = h.y
    if h.fe:
        from pyfixest.estimation import demean

        flist = np.column_stack([dense_codes(h.data[f]) for f in h.fe]).astype(np.uint64)
        dm, _ = demean(np.column_stack([y, W, D]), flist, np.ones(y.size), tol=1e-10)
        y, W, D = dm[:, 0], dm[:, 1 : 1 + W.shape[1]], dm[:, 1 + W.shape[1] :]
    if W.shape[1]:
        Q, _ = np.linalg.qr(W)
        y = y - Q @ (Q.T @ y)
        D = D - Q @ (Q.T @ D)
    dd = np.einsum("nb,nb->b", D, D)
    beta = (D.T @ y) / dd
    if statistic == "coef":
        stats_ = beta
    else:
        E = y[:, None] - D * beta[None, :]
        S = D * E
        if cluster is not None:
            codes = dense_codes(h.data[cluster])
            S = cluster_sums(S, codes, int(codes.max()) + 1)
        stats_ = beta / (np.sqrt(np.einsum("gb,gb->b", S, S)) / dd)
    obs, dist = float(stats_[0]), stats_[1:]
    p = (1 + np.sum(np.abs(dist) >= abs(obs) * (1 - 1e-12))) / (reps + 1)
    return RandomizationResult(
        param=treatment,
        statistic=statistic,
        observed=obs,
        p_value=float(p),
        distribution=dist,
        reps=reps,
        scheme=scheme,
        seed=seed,
    )
