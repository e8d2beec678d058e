"""Randomization inference: placebo treatment assignments (event dates) for panel OLS.

The observed coefficient (or t) of ``treatment`` is compared with its distribution
over re-assignments that are exchangeable under the sharp null of no effect:

* ``"shift_within_unit"`` — placebo event dates: each unit's treatment series (ordered
  by ``time``) is shifted circularly by a random offset, keeping how many events each
  firm has and their spacing;
* ``"permute_units"`` — whole treatment paths are reassigned across units (aligned by
  ``time``; a period the donor unit lacks counts as untreated);
* ``"permute"`` — treatment values permuted across all rows.

Several treatment columns (an announcement and its lags, say) are re-assigned *jointly*:
the same donor unit, or the same shift, for every column, so a firm's whole history moves
together and the lags stay the lags of the re-assigned series. ``param`` names the
coefficient compared. The Monte Carlo standard error of the p-value,
``sqrt(p (1 - p) / reps)``, is reported with it (:attr:`RandomizationResult.mc_se`).

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

import re
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
    #: The columns re-assigned jointly in each draw.
    treatments: tuple[str, ...] = ()

    @property
    def mc_se(self) -> float:
        """Monte Carlo standard error of :attr:`p_value` from ``reps`` draws."""
        return float(np.sqrt(self.p_value * (1 - self.p_value) / self.reps))

    def p_text(self) -> str:
        """The p-value to the precision its draws support, with its Monte Carlo error.

        Examples
        --------
        >>> r = RandomizationResult("d", "coef", 1.0, 0.0123, np.zeros(999), 999, "permute", 0)
        >>> r.p_text()
        'p = 0.012 (Monte Carlo s.e. 0.0035, 999 draws)'
        """
        digits = max(1, int(np.ceil(-np.log10(max(self.mc_se, 1e-12)))))
        return (
            f"p = {self.p_value:.{digits}f} (Monte Carlo s.e. {self.mc_se:.2g}, "
            f"{self.reps:,} draws)"
        )


def _draw_assignments(
    frame: pl.DataFrame,
    d: np.ndarray,
    scheme: str,
    unit: str | None,
    time: str | None,
    reps: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """N x reps x K placebo treatments.

    Rows are in ``frame`` order; the K columns of ``d`` are re-assigned jointly.
    """
    n = d.shape[0]
    if scheme == "permute":
        return d[np.argsort(rng.random((n, reps)), axis=0)]
    assert unit is not None and time is not None  # the other schemes need both (checked)
    u = dense_codes(frame[unit])
    t = dense_codes(frame[time])
    n_u, n_t = int(u.max()) + 1, int(t.max()) + 1
    if scheme == "permute_units":
        grid = np.zeros((n_u, n_t, d.shape[1]))
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
    treatment: str | Sequence[str],
    param: str | None = None,
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
    treatment : str or sequence of str
        Column(s) re-assigned in each draw, jointly (same donor unit or shift).
    param : str, optional
        The coefficient compared (default: the first treatment column).
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
    treatments = (treatment,) if isinstance(treatment, str) else tuple(treatment)
    param = treatments[0] if param is None else param
    check_choice(param, "param", treatments)
    res = panel_ols(data, formula, fe=fe, cluster=cluster, ssc=ssc)
    h = res.fit
    for tr in treatments:
        if tr not in h.names or tr not in h.data.columns:
            raise InvalidArgumentError(
                "treatment", tr, expected=f"a column used as a plain term of {formula!r}"
            )
        used = re.compile(rf"(?<![\w.]){re.escape(tr)}(?![\w.])")
        if any(used.search(n) and n != tr for n in h.names):
            raise InvalidArgumentError(
                "treatment", tr, expected="a column not also used inside other terms"
            )
    rows = h.data[ROW_ID].to_numpy()
    frame = data.with_row_index(ROW_ID)[rows]
    idx = [h.names.index(tr) for tr in treatments]
    d = h.X[:, idx]
    Dstar = _draw_assignments(frame, d, scheme, unit, time, reps, np.random.default_rng(seed))
    D = np.concatenate([d[:, None, :], Dstar], axis=1)  # N x (reps + 1) x K
    W = np.delete(h.X, idx, axis=1)
    y = h.y
    n, B, K = D.shape
    if h.fe:
        from pyfixest.estimation import demean

        flist = np.column_stack([dense_codes(h.data[f]) for f in h.fe]).astype(np.uint64)
        stacked = np.column_stack([y, W, D.reshape(n, B * K)])
        dm, _ = demean(stacked, flist, np.ones(y.size), tol=1e-10)
        y, W = dm[:, 0], dm[:, 1 : 1 + W.shape[1]]
        D = dm[:, 1 + W.shape[1] :].reshape(n, B, K)
    if W.shape[1]:
        Q, _ = np.linalg.qr(W)
        y = y - Q @ (Q.T @ y)
        D = D - np.einsum("nq,qbk->nbk", Q, np.einsum("nq,nbk->qbk", Q, D))
    A = np.einsum("nbk,nbl->bkl", D, D)
    Ainv = np.linalg.pinv(A)
    beta = np.einsum("bkl,bl->bk", Ainv, np.einsum("nbk,n->bk", D, y))
    j = treatments.index(param)
    if statistic == "coef":
        stats_ = beta[:, j]
    else:
        E = y[:, None] - np.einsum("nbk,bk->nb", D, beta)
        S = np.einsum("bk,nbk->nb", Ainv[:, j, :], D) * E  # influence of coefficient j
        if cluster is not None:
            codes = dense_codes(h.data[cluster])
            S = cluster_sums(S, codes, int(codes.max()) + 1)
        stats_ = beta[:, j] / np.sqrt(np.einsum("gb,gb->b", S, S))
    obs, dist = float(stats_[0]), stats_[1:]
    p = (1 + np.sum(np.abs(dist) >= abs(obs) * (1 - 1e-12))) / (reps + 1)
    return RandomizationResult(
        param=param,
        statistic=statistic,
        observed=obs,
        p_value=float(p),
        distribution=dist,
        reps=reps,
        scheme=scheme,
        seed=seed,
        treatments=treatments,
    )
