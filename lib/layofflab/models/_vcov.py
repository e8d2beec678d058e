"""Variance conventions shared by the estimators (not public API).

A small-sample convention (``ssc=``) is a :class:`SSCRule` of three switches — the same
switches as pyfixest's ``ssc()`` — and the estimator decides what ``"stata"`` means:

- ``"stata"`` (default). OLS (``regress``, ``reghdfe``, ``ivreg2 ..., small``):
  (G/(G-1))·((N-1)/(N-K)); two-way: min(G1, G2) for every term. PPML (``poisson``,
  ``ppmlhdfe``): G/(G-1) only; two-way: min G.
- ``"conventional"``: each two-way term with its own G_i/(G_i-1), times (N-1)/(N-K)
  (Cameron-Gelbach-Miller, statsmodels, Petersen's published two-way SEs).
- ``"cluster_only"``: G/(G-1) only (min G when two-way).
- ``"none"``: no factor (CRV0 / HC0).

Heteroskedasticity-robust: with the (N-1)/(N-K) switch on, the factor is N/(N-K)
(Stata's ``robust``/HC1); with only the G switch, N/(N-1) (Stata's ML ``robust``).

Examples
--------
>>> ssc_rule("stata", "ppml")
SSCRule(k_adj=False, G_adj=True, G_df='min')
>>> round(cluster_factor(ssc_rule("stata", "ols"), G=10, N=200, K=3), 6)
1.122391
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import statsmodels.stats.sandwich_covariance as sw

from layofflab.checks import check_choice
from layofflab.models._design import SSC_VALUES

VcovType = Literal["cluster", "jackknife", "hetero", "iid"]


@dataclass(frozen=True)
class SSCRule:
    """The three small-sample switches (as in pyfixest's ``ssc``)."""

    k_adj: bool
    G_adj: bool
    G_df: Literal["min", "conventional"]

    def pyfixest(self) -> dict[str, object]:
        import pyfixest as pf

        return pf.ssc(k_adj=self.k_adj, G_adj=self.G_adj, G_df=self.G_df)


def ssc_rule(ssc: str, estimator: Literal["ols", "ppml"]) -> SSCRule:
    """Map a ``ssc=`` value to its switches for ``estimator``."""
    check_choice(ssc, "ssc", SSC_VALUES)
    if ssc == "stata":
        return SSCRule(k_adj=estimator == "ols", G_adj=True, G_df="min")
    if ssc == "conventional":
        return SSCRule(k_adj=True, G_adj=True, G_df="conventional")
    if ssc == "cluster_only":
        return SSCRule(k_adj=False, G_adj=True, G_df="min")
    return SSCRule(k_adj=False, G_adj=False, G_df="min")


def cluster_factor(rule: SSCRule, *, G: int, N: int, K: int) -> float:
    """Multiplier of one cluster-robust sandwich with ``G`` clusters."""
    f = G / (G - 1) if rule.G_adj else 1.0
    return f * ((N - 1) / (N - K) if rule.k_adj else 1.0)


def hetero_factor(rule: SSCRule, *, N: int, K: int) -> float:
    """Multiplier of the HC0 sandwich (N/(N-K), N/(N-1) or 1)."""
    if rule.k_adj:
        return N / (N - K)
    return N / (N - 1) if rule.G_adj else 1.0


def describe(
    rule: SSCRule,
    vcov: str,
    ssc: str,
    n_clusters: dict[str, int],
    df: float | None,
) -> str:
    """Human-readable statement of the variance estimator, its factors and the p-value law."""
    law = "normal" if df is None else f"t({int(df) if float(df).is_integer() else df})"
    if vcov == "jackknife":
        ((name, G),) = n_clusters.items()
        return (
            f"CRV3 leave-one-cluster-out jackknife by {name} (G = {G}): "
            "(G-1)/G · Σ_g (b_(g) - b)(b_(g) - b)' (MacKinnon, Nielsen & Webb 2023); "
            f"p from {law}"
        )
    if vcov == "iid":
        return f"iid (model-based); p from {law}"
    if vcov == "hetero":
        fac = "N/(N-K)" if rule.k_adj else "N/(N-1)" if rule.G_adj else "none"
        return f"heteroskedasticity-robust HC0 × {fac} (ssc={ssc!r}); p from {law}"
    parts = []
    if rule.G_adj:
        parts.append("(G/(G-1))")
    if rule.k_adj:
        parts.append("((N-1)/(N-K))")
    fac = "·".join(parts) or "none"
    kind = "CRV1" if rule.G_adj or rule.k_adj else "CRV0"
    if len(n_clusters) == 2:
        how = (
            "each of V1, V2, V12 with its own G"
            if rule.G_df == "conventional"
            else "G = min(G1, G2) for V1 + V2 - V12"
        )
        return f"two-way {kind} (Cameron-Gelbach-Miller), {fac}, {how} (ssc={ssc!r}); p from {law}"
    return f"{kind}, small-sample {fac} (ssc={ssc!r}); p from {law}"


def statsmodels_vcov(
    results: object,
    *,
    vcov: str,
    rule: SSCRule,
    codes: tuple[np.ndarray, ...],
    K: int,
) -> np.ndarray:
    """Sandwich variance of a statsmodels OLS/GLM fit via ``statsmodels.stats.sandwich_covariance``.

    Raw (uncorrected) pieces come from statsmodels; the convention's factors are applied
    here so that every ``ssc`` value is available for both engines.
    """
    N = int(results.nobs)  # type: ignore[attr-defined]
    if vcov == "iid":
        V = np.asarray(results.cov_params())  # type: ignore[attr-defined]
        return V
    if vcov == "hetero":
        V0 = sw.cov_cluster(results, np.arange(N), use_correction=False)
        return V0 * hetero_factor(rule, N=N, K=K)
    if len(codes) == 1:
        G = int(codes[0].max()) + 1
        return sw.cov_cluster(results, codes[0], use_correction=False) * cluster_factor(
            rule, G=G, N=N, K=K
        )
    c1, c2 = codes
    inter = np.unique(np.column_stack([c1, c2]), axis=0, return_inverse=True)[1].ravel()
    pieces = [(c1, 1.0), (c2, 1.0), (inter, -1.0)]
    Gs = [int(c.max()) + 1 for c, _ in pieces]
    Gmin = min(Gs[:2])
    V = np.zeros((K, K))
    for (c, sign), G in zip(pieces, Gs, strict=True):
        G_used = G if rule.G_df == "conventional" else Gmin
        V += (
            sign
            * sw.cov_cluster(results, c, use_correction=False)
            * cluster_factor(rule, G=G_used, N=N, K=K)
        )
    return V
