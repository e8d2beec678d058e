"""CRV3 (leave-one-cluster-out jackknife) standard errors, the few-cluster method of the count model.

Reference: MacKinnon, Nielsen & Webb (2023), "Fast and reliable jackknife and bootstrap methods
for cluster-robust inference", Journal of Applied Econometrics 38(5), eq. (9):
CV3 = (G-1)/G · Σ_g (b_(g) - b)(b_(g) - b)', b_(g) the estimate without cluster g, inference
from t(G-1). The library value (pyfixest's CRV3 refits, scaled to that convention) is checked
against an independent implementation: statsmodels GLM/OLS refits with the fixed effects as
dummies, one per left-out cluster.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
import statsmodels.api as sm
from scipy import stats

from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models import panel_ols, ppml


def _data(seed: int = 0, G: int = 11, T: int = 14) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"firm": np.repeat(np.arange(G), T), "t": np.tile(np.arange(T), G)})
    df["x"] = rng.normal(size=len(df))
    df["d"] = rng.binomial(1, 0.3, len(df)).astype(float)
    firm_fe = rng.normal(0, 0.4, G)[df["firm"]]
    time_fe = rng.normal(0, 0.2, T)[df["t"]]
    df["y"] = rng.poisson(np.exp(1 + 0.3 * df["x"] + 0.2 * df["d"] + firm_fe + time_fe))
    df["w"] = 0.5 * df["x"] + firm_fe + rng.normal(size=len(df))
    return df


def _dummies(d: pd.DataFrame, fe: list[str]) -> pd.DataFrame:
    X = d[["x", "d"]].copy()
    for f in fe:
        X = pd.concat([X, pd.get_dummies(d[f].astype(str), prefix=f, drop_first=True)], axis=1)
    return sm.add_constant(X.astype(float))


def _reference(
    df: pd.DataFrame, outcome: str, fe: list[str], family
) -> tuple[np.ndarray, np.ndarray]:
    def fit(d: pd.DataFrame) -> np.ndarray:
        X = _dummies(d, fe)
        if family is None:
            return sm.OLS(d[outcome], X).fit().params[["x", "d"]].to_numpy()
        return sm.GLM(d[outcome], X, family=family).fit(tol=1e-13).params[["x", "d"]].to_numpy()

    b = fit(df)
    firms = sorted(df["firm"].unique())
    jack = np.array([fit(df[df["firm"] != g]) for g in firms])
    G = len(firms)
    V = (G - 1) / G * (jack - b).T @ (jack - b)
    return b, np.sqrt(np.diag(V))


@pytest.mark.parametrize("fe", [["firm", "t"], ["t"], []])
def test_ppml_crv3_equals_an_independent_leave_one_cluster_out_implementation(fe):
    df = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b, se = _reference(df, "y", fe, sm.families.Poisson())
    res = ppml(pl.from_pandas(df), "y ~ x + d", fe=fe, cluster="firm", vcov="jackknife")
    tab = res.table.filter(pl.col("term").is_in(["x", "d"]))
    np.testing.assert_allclose(tab["estimate"].to_numpy(), b, rtol=0, atol=1e-6)
    np.testing.assert_allclose(tab["std_error"].to_numpy(), se, rtol=1e-6)
    G = df["firm"].nunique()
    assert res.info.df_inference == G - 1
    t = tab["estimate"].to_numpy() / se
    np.testing.assert_allclose(
        tab["p_value"].to_numpy(), 2 * stats.t(G - 1).sf(np.abs(t)), rtol=1e-6
    )
    assert "CRV3" in res.info.se_convention and f"G = {G}" in res.info.se_convention


def test_ols_crv3_equals_an_independent_leave_one_cluster_out_implementation():
    df = _data(seed=3)
    b, se = _reference(df, "w", ["firm", "t"], None)
    res = panel_ols(
        pl.from_pandas(df), "w ~ x + d", fe=["firm", "t"], cluster="firm", vcov="jackknife"
    )
    tab = res.table.filter(pl.col("term").is_in(["x", "d"]))
    np.testing.assert_allclose(tab["estimate"].to_numpy(), b, atol=1e-8)
    np.testing.assert_allclose(tab["std_error"].to_numpy(), se, rtol=1e-6)


def test_crv3_is_larger_than_crv1_with_few_clusters_and_needs_one_cluster_variable():
    d = pl.from_pandas(_data(G=8))
    crv1 = ppml(d, "y ~ x + d", fe=["firm", "t"], cluster="firm")
    crv3 = ppml(d, "y ~ x + d", fe=["firm", "t"], cluster="firm", vcov="jackknife")
    assert (crv3.table["std_error"] > crv1.table["std_error"]).all()
    with pytest.raises(InvalidArgumentError, match="jackknife"):
        ppml(d, "y ~ x + d", fe=["firm"], vcov="jackknife")
    with pytest.raises(InvalidArgumentError, match="one column"):
        ppml(d, "y ~ x + d", fe=["firm"], cluster=["firm", "t"], vcov="jackknife")


def test_ppml_crv3_is_undefined_when_a_left_out_cluster_held_all_variation_of_a_term():
    # d moves only in firm 0: without firm 0 it is constant, so b_(0) does not exist and the
    # jackknife is undefined. The fit says so, naming the firm, instead of a variance from
    # fewer refits (or the process dying in pyfixest's demeaner on a degenerate subsample).
    df = _data(seed=3, G=6)
    df["d"] = np.where(df["firm"] == 0, df["t"] % 2, 0).astype(float)
    with pytest.raises(EstimationError, match=r"without firm = 0, d cannot be estimated"):
        ppml(pl.from_pandas(df), "y ~ x + d", fe=["firm", "t"], cluster="firm", vcov="jackknife")
    # the cluster-robust (CRV1) fit of the same model exists
    assert np.isfinite(
        ppml(pl.from_pandas(df), "y ~ x + d", fe=["firm", "t"], cluster="firm").coef("d")
    )
