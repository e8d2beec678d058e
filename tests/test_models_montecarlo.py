"""Monte Carlo checks of the inference (slow): CI coverage and wild-bootstrap size.

All panels of one experiment are drawn at once (numpy, fixed seeds below); the
estimator is then called on each. Bands are wide enough for Monte Carlo error
(1,000 replications: binomial s.e. of a 5% rate ≈ 0.7 points).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from layofflab.models import panel_ols, wild_bootstrap

COVERAGE_SEED = 20251101
WILD_SEED = 20251102
N_SIM = 1000


def _panels(seed: int, n_sim: int, n_clusters: int, n_per: int, beta: float) -> np.ndarray:
    """(n_sim, n_clusters * n_per, 2) array of (x, y) with cluster-correlated x and errors,
    heteroskedastic within cluster, plus quarter effects."""
    rng = np.random.default_rng(seed)
    shape = (n_sim, n_clusters, n_per)
    q_eff = 0.3 * np.arange(n_per)[None, None, :]
    x = rng.normal(size=(n_sim, n_clusters, 1)) + rng.normal(size=shape)
    u = rng.normal(size=(n_sim, n_clusters, 1)) + rng.normal(size=shape) * (0.5 + np.abs(x) / 2)
    a = rng.normal(size=(n_sim, n_clusters, 1))
    y = beta * x + a + q_eff + u
    return np.stack([x.reshape(n_sim, -1), y.reshape(n_sim, -1)], axis=-1)


@pytest.mark.slow
def test_clustered_ci_coverage_50_clusters():
    n_clusters, n_per, beta = 50, 8, 1.0
    sims = _panels(COVERAGE_SEED, N_SIM, n_clusters, n_per, beta)
    firm = np.repeat(np.arange(n_clusters), n_per)
    quarter = np.tile(np.arange(n_per), n_clusters)
    covered = np.empty(N_SIM, dtype=bool)
    for i in range(N_SIM):
        df = pl.DataFrame({"firm": firm, "q": quarter, "x": sims[i, :, 0], "y": sims[i, :, 1]})
        row = panel_ols(df, "y ~ x", fe=["firm", "q"], cluster="firm").table.row(0, named=True)
        covered[i] = row["ci_low"] <= beta <= row["ci_high"]
    rate = covered.mean()
    print(f"coverage of 95% CI (CRV1, t(49)), {N_SIM} panels: {rate:.3f}")
    assert 0.93 <= rate <= 0.97, rate


@pytest.mark.slow
def test_wild_bootstrap_size_8_clusters():
    n_clusters, n_per = 8, 25
    sims = _panels(WILD_SEED, N_SIM, n_clusters, n_per, beta=0.0)
    firm = np.repeat(np.arange(n_clusters), n_per)
    quarter = np.tile(np.arange(n_per), n_clusters)
    reject = np.empty(N_SIM, dtype=bool)
    naive = np.empty(N_SIM, dtype=bool)
    for i in range(N_SIM):
        df = pl.DataFrame({"firm": firm, "q": quarter, "x": sims[i, :, 0], "y": sims[i, :, 1]})
        res = panel_ols(df, "y ~ x", fe=["q"], cluster="firm")
        wb = wild_bootstrap(res, param="x", reps=399, weights="auto", seed=i)
        reject[i] = wb.p_value < 0.05
        naive[i] = res.pvalue("x") < 0.05
    rate = reject.mean()
    print(
        f"WCR11 Webb rejection at 5%, G=8, {N_SIM} null panels: {rate:.3f}; "
        f"CRV1 t(7): {naive.mean():.3f}"
    )
    assert wb.weights == "webb"
    assert 0.03 <= rate <= 0.07, rate
    # sanity: the experiment is informative (CRV1 t(G-1) is not far off here either)
    assert naive.mean() < 0.15
