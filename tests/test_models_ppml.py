"""ppml: Stata's Poisson cluster SEs, separation (ppmlhdfe examples), offset, funnel."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import polars as pl
import pyfixest as pf
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models import PPMLOptions, ppml


@pytest.fixture(scope="module")
def ref(shared_data):
    return json.loads((shared_data / "reference" / "reference_values.json").read_text())


@pytest.fixture(scope="module")
def ships(shared_data):
    return pl.read_csv(shared_data / "reference" / "ships" / "ships.csv")


@pytest.mark.realdata
def test_ships_stata_cluster_1e6(ships, ref):
    r = ref["ships_stata_poisson_cluster"]
    res = ppml(ships, "accident ~ yr_con + op_75_79", cluster="ship")
    assert res.info.n_obs == 34 and res.info.n_clusters == {"ship": 5}
    for term, key in (("yr_con", "yr_con"), ("op_75_79", "op_75_79"), ("Intercept", "const")):
        assert res.coef(term) == pytest.approx(r["coef"][key], rel=1e-6, abs=1e-9)
        assert res.se(term) == pytest.approx(r["se_stata_G_over_Gminus1_only"][key], rel=1e-6)
    assert res.info.extra["engine"] == "statsmodels"
    assert res.fit.model.llf == pytest.approx(r["llf"], rel=1e-9)
    assert res.funnel["rows_dropped"].to_list() == [0, 6]
    assert "G/(G-1)" in res.info.se_convention and "N-K" not in res.info.se_convention


@pytest.mark.realdata
def test_ships_conventional_is_statsmodels_default(ships):
    pdf = ships.to_pandas().dropna()
    X = sm.add_constant(pdf[["yr_con", "op_75_79"]])
    sm_fit = sm.GLM(pdf["accident"], X, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": pdf["ship"].to_numpy()}
    )
    res = ppml(ships, "accident ~ yr_con + op_75_79", cluster="ship", ssc="conventional")
    np.testing.assert_allclose(res.table["std_error"].to_numpy(), sm_fit.bse.to_numpy(), rtol=1e-6)
    # PROVENANCE: 1.13994 / 0.205667 / 0.114459
    assert res.se("Intercept") == pytest.approx(1.13994, abs=1e-5)


@pytest.mark.realdata
def test_ppml_separation_01(shared_data, ref):
    df = pl.read_csv(shared_data / "reference" / "ppml_separation" / "01.csv")
    res = ppml(df, "y ~ x1 + x2", fe=["id1", "id2"])
    truth = tuple(int(i) for i in np.flatnonzero(df["separated"].to_numpy() == 1))
    assert len(truth) == ref["ppml_separation_01"]["n_separated"]
    assert res.info.extra["separated_rows"] == truth
    assert res.info.n_obs == 98
    assert res.coef("x1") == pytest.approx(ref["ppml_separation_01"]["x1"], abs=5e-6)
    assert res.info.extra["dropped_collinear"] == ("x2",)
    assert res.table["term"].to_list() == ["x1"]
    sep = res.funnel.filter(pl.col("step") == "separation")
    assert sep["rows_dropped"].to_list() == [2]
    assert sep["detail"][0] == "rows " + ", ".join(map(str, truth))


def test_primer_toy_known_answer():
    """ppmlhdfe primer: y=(0,0,0,1,2,3), x=(1,1,0,0,0,0) → x separated, const = log(1.5)."""
    df = pl.DataFrame({"y": [0, 0, 0, 1, 2, 3], "x": [1, 1, 0, 0, 0, 0]})
    res = ppml(df, "y ~ x")
    assert res.coef("Intercept") == pytest.approx(np.log(1.5), abs=1e-9)
    assert res.table["term"].to_list() == ["Intercept"]
    assert res.info.extra["separated_rows"] == (0, 1)
    assert res.info.extra["dropped_collinear"] == ("x",)
    assert res.info.n_obs == 4
    # without the check the estimate runs off towards -infinity (statsmodels "converges")
    bad = ppml(df, "y ~ x", options=PPMLOptions(separation=()))
    assert bad.coef("x") < -10


def _counts(seed=0, n_firms=25, n_q=8):
    rng = np.random.default_rng(seed)
    n = n_firms * n_q
    firm = np.repeat(np.arange(n_firms), n_q)
    q = np.tile(np.arange(n_q), n_firms)
    x = rng.normal(size=n)
    z = rng.normal(size=n)
    head = rng.integers(50, 500, size=n_firms)[firm].astype(float)
    mu = np.exp(-3 + 0.4 * x - 0.2 * z + 0.3 * rng.normal(size=n_firms)[firm]) * head
    y = rng.poisson(mu).astype(float)
    return pl.DataFrame({"firm": firm, "q": q, "x": x, "z": z, "y": y, "log_head": np.log(head)})


def test_fe_ppml_matches_statsmodels_dummies_and_pyfixest():
    df = _counts(1)
    res = ppml(df, "y ~ x + z", fe=["firm", "q"], cluster="firm", ssc="cluster_only")
    pdf = df.to_pandas()
    glm = smf.glm("y ~ x + z + C(firm) + C(q)", pdf, family=sm.families.Poisson()).fit(
        tol=1e-12,
        cov_type="cluster",
        cov_kwds={"groups": pdf["firm"].to_numpy(), "use_correction": False},
    )
    for t in ("x", "z"):
        assert res.coef(t) == pytest.approx(glm.params[t], rel=1e-6)
        assert res.se(t) == pytest.approx(glm.bse[t] * np.sqrt(25 / 24), rel=1e-5)
    fit = pf.fepois("y ~ x + z | firm + q", pdf, vcov={"CRV1": "firm"}, ssc=pf.ssc(k_adj=False))
    np.testing.assert_allclose(res.table["std_error"].to_numpy(), fit.se().to_numpy(), rtol=1e-6)


def test_offset_is_exposure():
    df = _counts(2)
    res = ppml(df, "y ~ x + z", offset="log_head", cluster="firm")
    pdf = df.to_pandas()
    glm = smf.glm("y ~ x + z", pdf, family=sm.families.Poisson(), offset=pdf["log_head"]).fit()
    assert res.coef("x") == pytest.approx(glm.params["x"], rel=1e-7)
    shifted = ppml(
        df.with_columns(pl.col("log_head") + 2.0), "y ~ x + z", offset="log_head", cluster="firm"
    )
    assert shifted.coef("Intercept") == pytest.approx(res.coef("Intercept") - 2.0, abs=1e-7)
    assert shifted.coef("x") == pytest.approx(res.coef("x"), abs=1e-8)
    fe = ppml(df, "y ~ x + z", fe=["firm"], offset="log_head", cluster="firm")
    fit = pf.fepois("y ~ x + z | firm", pdf, offset="log_head", vcov={"CRV1": "firm"})
    assert fe.coef("x") == pytest.approx(float(fit.coef()["x"]), rel=1e-6)
    # a firm-constant exposure is absorbed by the firm effect
    assert fe.coef("x") == pytest.approx(ppml(df, "y ~ x + z", fe=["firm"]).coef("x"), rel=1e-6)


def test_zero_groups_and_separation_with_fe_in_funnel():
    df = _counts(3).with_columns(
        pl.when(pl.col("firm") == 0).then(0.0).otherwise(pl.col("y")).alias("y")
    )
    # a dummy that is 1 only on some zero-outcome rows of firm 1 separates them
    df = df.with_columns(
        pl.when(pl.col("firm") == 1).then(0.0).otherwise(pl.col("y")).alias("y")
    ).with_columns(
        ((pl.col("firm") == 1) & (pl.col("q") < 3)).cast(pl.Float64).alias("d"),
        pl.when((pl.col("firm") == 1) & (pl.col("q") >= 3))
        .then(1.0)
        .otherwise(pl.col("y"))
        .alias("y"),
    )
    res = ppml(df, "y ~ x + d", fe=["firm", "q"], cluster="firm")
    steps = res.funnel["step"].to_list()
    assert steps[:2] == ["input", "all-zero outcome groups"]
    assert res.funnel["rows_dropped"][1] == 8  # firm 0, all 8 quarters
    assert "separation" in steps
    firm = df["firm"].to_numpy()
    q = df["q"].to_numpy()
    expected = tuple(int(i) for i in np.flatnonzero((firm == 1) & (q < 3)))
    assert res.info.extra["separated_rows"] == expected
    assert "d" in res.info.extra["dropped_collinear"]
    assert res.info.n_obs == df.height - 8 - 3


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"offset": "nope"}, "offset"),
        ({"offset": ["log_head", "x"]}, "offset"),
        ({"ssc": "exact"}, "ssc"),
        ({"options": "fast"}, "options"),
        ({"formula": "z ~ x"}, "formula"),  # negative outcome
    ],
)
def test_invalid_arguments(kwargs, name):
    call = {"formula": "y ~ x"} | kwargs
    with pytest.raises(InvalidArgumentError) as err:
        ppml(_counts(4), **call)
    assert err.value.name == name


def test_options_validation_and_all_zero():
    with pytest.raises(InvalidArgumentError):
        PPMLOptions(separation=("magic",))
    with pytest.raises(InvalidArgumentError):
        PPMLOptions(iwls_maxiter=0)
    with pytest.raises(EstimationError):
        ppml(pd.DataFrame({"y": [0.0, 0.0, 0.0], "x": [1.0, 2.0, 3.0]}), "y ~ x")


def test_vcov_variants_match_statsmodels_and_pyfixest():
    df = _counts(5)
    pdf = df.to_pandas()
    n = len(pdf)
    dummies = "y ~ x + z + C(firm) + C(q)"
    iid = smf.glm(dummies, pdf, family=sm.families.Poisson()).fit(tol=1e-12)
    hc0 = smf.glm(dummies, pdf, family=sm.families.Poisson()).fit(tol=1e-12, cov_type="HC0")
    r_iid = ppml(df, "y ~ x + z", fe=["firm", "q"], vcov="iid")
    r_het = ppml(df, "y ~ x + z", fe=["firm", "q"])  # default: hetero, Stata N/(N-1)
    assert r_het.info.extra["vcov"] == "hetero"
    for t in ("x", "z"):
        assert r_iid.se(t) == pytest.approx(iid.bse[t], rel=1e-6)
        assert r_het.se(t) == pytest.approx(hc0.bse[t] * np.sqrt(n / (n - 1)), rel=1e-6)
    two = ppml(df, "y ~ x + z", fe=["firm"], cluster=["firm", "q"])
    fit = pf.fepois("y ~ x + z | firm", pdf, vcov={"CRV1": "firm+q"}, ssc=pf.ssc(k_adj=False))
    np.testing.assert_allclose(two.table["std_error"].to_numpy(), fit.se().to_numpy(), rtol=1e-6)
    assert two.info.n_clusters == {"firm": 25, "q": 8} and two.info.df_inference == 7


def test_nonfinite_offset_counts_as_missing():
    df = _counts(6).with_columns(
        pl.when(pl.int_range(pl.len()) < 2)
        .then(float("-inf"))
        .otherwise(pl.col("log_head"))
        .alias("log_head")
    )
    res = ppml(df, "y ~ x", offset="log_head")
    row = res.funnel.row(1, named=True)
    assert (row["step"], row["rows_dropped"], row["detail"]) == (
        "missing values",
        2,
        "column 'log_head'",
    )
    assert res.info.extra["offset"] == "log_head"
