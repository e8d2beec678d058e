"""Holm / BH / Bonferroni against statsmodels; Romano–Wolf known behaviour."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from layofflab.errors import InvalidArgumentError
from layofflab.models import adjust_pvalues, romano_wolf, romano_wolf_bootstrap

SM_METHOD = {"holm": "holm", "bh": "fdr_bh", "bonferroni": "bonferroni"}


@settings(max_examples=60, deadline=None)
@given(
    p=st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=30),
    method=st.sampled_from(sorted(SM_METHOD)),
    alpha=st.sampled_from([0.01, 0.05, 0.1]),
)
def test_matches_statsmodels_multipletests(p, method, alpha):
    out = adjust_pvalues(p, method=method, alpha=alpha)
    reject, adj, _, _ = multipletests(p, alpha=alpha, method=SM_METHOD[method])
    np.testing.assert_allclose(out["p_adjusted"].to_numpy(), adj, rtol=1e-12, atol=1e-15)
    assert out["p_value"].to_list() == pytest.approx(p)
    assert (out["p_adjusted"].to_numpy() >= np.asarray(p) - 1e-15).all()
    # reject flags agree except at exact ties with alpha
    close = np.isclose(adj, alpha)
    assert (out["reject"].to_numpy()[~close] == reject[~close]).all()


def test_frame_shape_names_and_inputs():
    out = adjust_pvalues({"emp": 0.01, "cuts": 0.2}, method="holm")
    assert out.columns == ["hypothesis", "p_value", "p_adjusted", "reject", "method"]
    assert out["hypothesis"].to_list() == ["emp", "cuts"]
    assert out["method"].unique().to_list() == ["holm"]
    s = adjust_pvalues(pl.Series([0.5, 0.01]), method="bonferroni", names=["a", "b"])
    assert s["p_adjusted"].to_list() == [1.0, 0.02]
    assert adjust_pvalues(np.array([0.03]), method="bh")["hypothesis"].to_list() == ["H1"]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"pvalues": [0.1, 1.2], "method": "holm"}, "pvalues"),
        ({"pvalues": [], "method": "holm"}, "pvalues"),
        ({"pvalues": [0.1, np.nan], "method": "bh"}, "pvalues"),
        ({"pvalues": None, "method": "holm"}, "pvalues"),
        ({"pvalues": [0.1], "method": "sidak"}, "method"),
        ({"pvalues": [0.1], "method": "holm", "alpha": 0}, "alpha"),
        ({"pvalues": [0.1, 0.2], "method": "holm", "names": ["a"]}, "names"),
        ({"pvalues": [0.1], "method": "romano_wolf"}, "t_boot"),
    ],
)
def test_validation(kwargs, name):
    with pytest.raises(InvalidArgumentError) as err:
        adjust_pvalues(**kwargs)
    assert err.value.name == name


def test_romano_wolf_validation():
    with pytest.raises(InvalidArgumentError):
        romano_wolf([1.0, 2.0], np.zeros((10, 3)))
    with pytest.raises(InvalidArgumentError):
        romano_wolf([1.0], np.full((10, 1), np.inf))


# -- Romano–Wolf ------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 6), rho=st.floats(0, 0.95))
def test_romano_wolf_bounds(seed, k, rho):
    """marginal p <= RW p <= Bonferroni-type bound of the same bootstrap; monotone in |t|."""
    rng = np.random.default_rng(seed)
    cov = rho * np.ones((k, k)) + (1 - rho) * np.eye(k)
    tb = rng.multivariate_normal(np.zeros(k), cov, size=499)
    t = rng.normal(scale=2.5, size=k)
    out = romano_wolf(t, tb)
    adj, marg = out["p_adjusted"].to_numpy(), out["p_value"].to_numpy()
    assert (adj >= marg - 1e-12).all()
    order = np.argsort(-np.abs(t))
    assert (np.diff(adj[order]) >= -1e-12).all()
    reps = tb.shape[0]
    at = np.abs(t)
    # union bound: P(max_{l in S_j} |t*_l| >= c) <= sum_l P(|t*_l| >= c), at each step
    for pos, j in enumerate(order):
        rest = order[pos:]
        bound = (1 + (np.abs(tb[:, rest]) >= at[j]).sum()) / (reps + 1)
        prev = adj[order[:pos]].max() if pos else 0.0
        assert adj[j] <= max(prev, min(1.0, bound)) + 1e-12


def test_romano_wolf_perfect_correlation_equals_single_test():
    rng = np.random.default_rng(1)
    z = rng.standard_normal(999)
    tb = np.column_stack([z, z, -z])
    out = romano_wolf([2.1, 2.1, -2.1], tb)
    single = (1 + (np.abs(z) >= 2.1).sum()) / 1000
    np.testing.assert_allclose(out["p_adjusted"].to_numpy(), single)


def test_romano_wolf_independent_close_to_holm_correlated_less_conservative():
    rng = np.random.default_rng(2)
    k = 5
    t = np.array([3.0, 2.5, 2.2, 0.3, -0.1])
    ind = romano_wolf(t, rng.standard_normal((4999, k)))
    z = rng.standard_normal(4999)
    corr = romano_wolf(t, 0.9 * z[:, None] + np.sqrt(1 - 0.81) * rng.standard_normal((4999, k)))
    holm = adjust_pvalues(ind["p_value"].to_numpy(), method="holm")
    # independent draws: within Monte Carlo error of Holm (Sidak-like, slightly below)
    assert (ind["p_adjusted"].to_numpy() <= holm["p_adjusted"].to_numpy() + 0.01).all()
    assert (corr["p_adjusted"].to_numpy()[:3] < ind["p_adjusted"].to_numpy()[:3]).all()


def test_romano_wolf_controls_fwer_under_independent_nulls():
    """300 families of 5 true nulls: FWER at 5% stays near 5% (binomial band)."""
    rng = np.random.default_rng(3)
    n_sim, k, reps = 300, 5, 299
    hits = 0
    for _ in range(n_sim):
        t = rng.standard_normal(k)
        tb = rng.standard_normal((reps, k))
        hits += romano_wolf(t, tb)["reject"].any()
    assert 0.02 <= hits / n_sim <= 0.09


def test_adjust_pvalues_romano_wolf_route():
    rng = np.random.default_rng(4)
    tb = rng.standard_normal((199, 2))
    a = adjust_pvalues({"x": 0.0, "y": 0.0}, method="romano_wolf", t_stat=[3.0, 0.1], t_boot=tb)
    b = romano_wolf([3.0, 0.1], tb, names=["x", "y"])
    assert a.equals(b)


def test_romano_wolf_bootstrap_identical_outcomes():
    """Two copies of one outcome: perfectly correlated, so RW = single-outcome bootstrap p."""
    rng = np.random.default_rng(5)
    g = np.repeat(np.arange(14), 10)
    x = rng.normal(size=140) + rng.normal(size=14)[g]
    y = 0.2 * x + rng.normal(size=14)[g] + rng.normal(size=140)
    df = pl.DataFrame({"g": g, "x": x, "y1": y, "y2": y, "y3": rng.normal(size=140)})
    two = romano_wolf_bootstrap(df, ["y1", "y2"], "x", param="x", cluster="g", reps=999, seed=1)
    assert two["p_adjusted"].to_list() == [two["p_value"][0]] * 2
    assert two["p_value"][0] == two["p_value"][1]
    three = romano_wolf_bootstrap(
        df, ["y1", "y2", "y3"], "x", param="x", cluster="g", reps=999, seed=1
    )
    assert three["hypothesis"].to_list() == ["y1", "y2", "y3"]
    assert three["p_adjusted"][0] >= two["p_adjusted"][0]  # a third outcome can only add
    assert three["p_value"][0] == two["p_value"][0]  # same joint draws
    with pytest.raises(InvalidArgumentError):
        romano_wolf_bootstrap(df, "y1", "x", param="x", cluster="g")
