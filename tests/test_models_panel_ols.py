"""panel_ols: published reference values, engine agreement, funnel, validation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import polars as pl
import pyfixest as pf
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models import OLSOptions, panel_ols


# -- reference data --------------------------------------------------------------------
@pytest.fixture(scope="module")
def ref(shared_data):
    return json.loads((shared_data / "reference" / "reference_values.json").read_text())


@pytest.fixture(scope="module")
def petersen(shared_data):
    return pd.read_csv(
        shared_data / "reference" / "petersen" / "test_data.txt",
        sep=r"\s+",
        header=None,
        names=["firmid", "year", "x", "y"],
    )


@pytest.fixture(scope="module")
def grunfeld(shared_data):
    return pl.read_csv(shared_data / "reference" / "grunfeld" / "grunfeld.csv").head(200)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("cluster", "ssc", "key"),
    [
        ("firmid", "stata", "se_cluster_firm"),
        ("year", "stata", "se_cluster_year"),
        (["firmid", "year"], "conventional", "se_cluster_firm_year"),
    ],
)
def test_petersen_published(petersen, ref, cluster, ssc, key):
    r = ref["petersen"]
    res = panel_ols(petersen, "y ~ x", cluster=cluster, ssc=ssc)
    assert res.coef("x") == pytest.approx(r["coef"]["x"], abs=r["tolerance"])
    assert res.coef("Intercept") == pytest.approx(r["coef"]["const"], abs=r["tolerance"])
    assert res.se("x") == pytest.approx(r[key]["x"], abs=r["tolerance"])
    assert res.se("Intercept") == pytest.approx(r[key]["const"], abs=r["tolerance"])
    assert res.info.n_obs == 5000


@pytest.mark.realdata
def test_petersen_statsmodels_digits(petersen):
    """PROVENANCE re-computations to 6 digits (statsmodels / pyfixest agree)."""
    one = panel_ols(petersen, "y ~ x", cluster="firmid")
    assert one.se("Intercept") == pytest.approx(0.067013, abs=1e-6)
    assert one.se("x") == pytest.approx(0.050596, abs=1e-6)
    two = panel_ols(petersen, "y ~ x", cluster=["firmid", "year"], ssc="conventional")
    assert (two.se("Intercept"), two.se("x")) == pytest.approx((0.065064, 0.053558), abs=1e-6)
    # Stata/ivreg2 convention (min G) is what pyfixest gives by default
    stata = panel_ols(petersen, "y ~ x", cluster=["firmid", "year"])
    assert (stata.se("Intercept"), stata.se("x")) == pytest.approx((0.068067, 0.055297), abs=1e-6)
    assert stata.info.df_inference == 9  # min(500, 10) - 1
    iid = panel_ols(petersen, "y ~ x", vcov="iid")
    assert iid.se("x") == pytest.approx(0.028583, abs=1e-6)
    fe = panel_ols(petersen, "y ~ x", fe=["firmid"], cluster="firmid")
    assert (fe.coef("x"), fe.se("x")) == pytest.approx((0.969875, 0.030145), abs=1e-6)


@pytest.mark.realdata
def test_grunfeld_stata_cluster_1e6(grunfeld, ref):
    r = ref["grunfeld_stata_cluster"]
    res = panel_ols(grunfeld, "invest ~ value + capital", cluster="firm")
    assert res.info.n_clusters == {"firm": 10} and res.info.df_inference == 9
    for term, key in (("value", "value"), ("capital", "capital"), ("Intercept", "const")):
        assert res.coef(term) == pytest.approx(r["coef"][key], rel=1e-6, abs=1e-6)
        assert res.se(term) == pytest.approx(r["se"][key], rel=1e-6, abs=1e-6)
        assert res.pvalue(term) == pytest.approx(r["pvalue_t9"][key], rel=1e-6, abs=1e-9)
    assert "t(9)" in res.info.se_convention


@pytest.mark.realdata
def test_grunfeld_twoway_ivreg2_small(grunfeld, ref):
    """ivreg2 ..., cluster(company time) small == our default 'stata' (min G for all terms)."""
    r = ref["grunfeld_stata_cluster"]["se_twoway_firm_year_small"]
    res = panel_ols(grunfeld, "invest ~ value + capital", cluster=["firm", "year"])
    assert res.info.n_clusters == {"firm": 10, "year": 20}
    for term, key in (("value", "value"), ("capital", "capital"), ("Intercept", "const")):
        assert res.se(term) == pytest.approx(r[key], rel=1e-6)
    other = panel_ols(
        grunfeld, "invest ~ value + capital", cluster=["firm", "year"], ssc="conventional"
    )
    assert abs(other.se("capital") - r["capital"]) > 1e-4  # the convention matters


# -- engine agreement on simulated panels ------------------------------------------------
def _panel(seed=0, n_firms=30, n_q=12):
    rng = np.random.default_rng(seed)
    n = n_firms * n_q
    firm = np.repeat(np.arange(n_firms), n_q)
    q = np.tile(np.arange(n_q), n_firms)
    a = rng.normal(size=n_firms)[firm]
    x1 = rng.normal(size=n) + 0.5 * a
    x2 = rng.normal(size=n)
    y = 1 + 0.5 * x1 - 0.3 * x2 + a + 0.2 * q + rng.normal(size=n) * (1 + 0.5 * (firm % 3))
    return pl.DataFrame({"firm": firm, "q": q, "x1": x1, "x2": x2, "y": y, "region": firm % 4})


PF_SSC = {
    "stata": pf.ssc(k_adj=True, G_adj=True, G_df="min"),
    "conventional": pf.ssc(k_adj=True, G_adj=True, G_df="conventional"),
    "cluster_only": pf.ssc(k_adj=False, G_adj=True, G_df="min"),
    "none": pf.ssc(k_adj=False, G_adj=False),
}


@pytest.mark.parametrize("ssc", list(PF_SSC))
@pytest.mark.parametrize("cluster", ["firm", ["firm", "q"]])
def test_statsmodels_path_matches_pyfixest(ssc, cluster):
    df = _panel()
    res = panel_ols(df, "y ~ x1 + x2", cluster=cluster, ssc=ssc)
    assert res.info.extra["engine"] == "statsmodels"
    cl = cluster if isinstance(cluster, str) else "+".join(cluster)
    fit = pf.feols("y ~ x1 + x2", df.to_pandas(), vcov={"CRV1": cl}, ssc=PF_SSC[ssc])
    np.testing.assert_allclose(res.table["estimate"].to_numpy(), fit.coef().to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(res.table["std_error"].to_numpy(), fit.se().to_numpy(), rtol=1e-10)


def test_fe_path_matches_statsmodels_dummies():
    df = _panel(1)
    pdf = df.to_pandas()
    dummies = smf.ols("y ~ x1 + x2 + C(firm) + C(q)", pdf).fit()
    g = pdf["firm"].to_numpy()
    for vcov, ssc, sm_cov in [
        ("cluster", "cluster_only", ("cluster", {"groups": g, "use_correction": False})),
        ("hetero", "stata", ("HC1", {})),
        ("iid", "stata", ("nonrobust", {})),
    ]:
        res = panel_ols(
            df,
            "y ~ x1 + x2",
            fe=["firm", "q"],
            vcov=vcov,
            ssc=ssc,
            cluster="firm" if vcov == "cluster" else None,
        )
        assert res.info.extra["engine"] == "pyfixest"
        ref = smf.ols("y ~ x1 + x2 + C(firm) + C(q)", pdf).fit(
            cov_type=sm_cov[0], cov_kwds=sm_cov[1] or None
        )
        for t in ("x1", "x2"):
            assert res.coef(t) == pytest.approx(dummies.params[t], rel=1e-9)
            fac = 30 / 29 if vcov == "cluster" else 1.0  # G/(G-1), statsmodels uncorrected
            assert res.se(t) == pytest.approx(ref.bse[t] * np.sqrt(fac), rel=1e-8)


def test_fe_path_matches_pyfixest_directly_stata_default():
    df = _panel(2)
    res = panel_ols(df, "y ~ x1 + x2", fe=["firm", "q"], cluster="firm")
    fit = pf.feols("y ~ x1 + x2 | firm + q", df.to_pandas(), vcov={"CRV1": "firm"})
    np.testing.assert_allclose(res.table["std_error"].to_numpy(), fit.se().to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(res.table["p_value"].to_numpy(), fit.pvalue().to_numpy(), rtol=1e-8)
    assert res.info.df_inference == 29


def test_normal_inference_and_alpha():
    df = _panel(3)
    res = panel_ols(df, "y ~ x1", cluster="firm", inference="normal", alpha=0.1)
    row = res.table.row(1, named=True)
    assert res.info.df_inference is None
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(row["statistic"])))
    assert row["ci_high"] - row["estimate"] == pytest.approx(1.6448536 * row["std_error"])


def test_options_bundle_equivalent():
    df = _panel(4)
    a = panel_ols(df, "y ~ x1", fe=["firm"], cluster="firm", ssc="none")
    b = panel_ols(df, "y ~ x1", options=OLSOptions(fe=("firm",), cluster="firm", ssc="none"))
    assert a.table.equals(b.table)


def test_pandas_input_and_formula_terms():
    df = _panel(5)
    res = panel_ols(df.to_pandas(), "y ~ x1 + C(region) + x1:x2", cluster="firm")
    assert res.table["term"].to_list() == [
        "Intercept",
        "x1",
        "C(region)[T.1]",
        "C(region)[T.2]",
        "C(region)[T.3]",
        "x1:x2",
    ]


# -- funnel ---------------------------------------------------------------------------------
def test_funnel_missing_singletons_nonfinite():
    df = _panel(6).with_columns(
        pl.when(pl.int_range(pl.len()) < 3).then(None).otherwise(pl.col("x1")).alias("x1"),
        pl.when(pl.int_range(pl.len()) == 5).then(float("nan")).otherwise(pl.col("y")).alias("y"),
        pl.col("y").abs().alias("ypos"),
    )
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(0.0).otherwise(pl.col("ypos")).alias("ypos")
    )
    # a firm with a single row is a singleton
    extra = df.head(1).with_columns(
        pl.lit(999, dtype=df.schema["firm"]).alias("firm"), pl.lit(1.0).alias("x1")
    )
    df = pl.concat([df, extra])
    res = panel_ols(df, "np.log(ypos) ~ x1", fe=["firm"], cluster="firm")
    f = res.funnel
    assert f["step"].to_list() == [
        "input",
        "missing values",
        "non-finite transformed values",
        "singletons",
    ]
    assert f["rows_dropped"].to_list() == [0, 3, 1, 1]
    assert f["detail"][1] == "column 'x1'"
    assert f["rows_remaining"][-1] == res.info.n_obs == df.height - 5
    res_y = panel_ols(df, "y ~ x1", fe=["firm"], cluster="firm")
    assert res_y.funnel.filter(pl.col("step") == "missing values")["rows_dropped"].sum() == 4


def test_collinear_regressors_dropped_and_reported():
    df = _panel(7).with_columns((2 * pl.col("x1")).alias("x1b"), pl.col("firm").alias("fconst"))
    res = panel_ols(df, "y ~ x1 + x1b", cluster="firm")
    assert res.table["term"].to_list() == ["Intercept", "x1"]
    assert res.info.extra["dropped_collinear"] == ("x1b",)
    fe = panel_ols(df, "y ~ x1 + fconst", fe=["firm"], cluster="firm")
    assert fe.table["term"].to_list() == ["x1"]
    assert fe.info.extra["dropped_collinear"] == ("fconst",)


# -- validation -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"formula": "y ~ nope"}, "formula"),
        ({"formula": "y ~ x1 | firm"}, "formula"),
        ({"formula": "y x1"}, "formula"),
        ({"fe": ["nofe"]}, "fe"),
        ({"cluster": ["firm", "q", "region"]}, "cluster"),
        ({"cluster": "missing"}, "cluster"),
        ({"ssc": "sas"}, "ssc"),
        ({"vcov": "iid", "cluster": "firm"}, "vcov"),
        ({"vcov": "cluster"}, "vcov"),
        ({"inference": "z"}, "inference"),
        ({"cluster": "one"}, "cluster"),
        ({"options": {"fe": []}}, "options"),
    ],
)
def test_invalid_arguments(kwargs, name):
    df = _panel(8).with_columns(pl.lit(1).alias("one"))
    call = {"formula": "y ~ x1"} | kwargs
    with pytest.raises(InvalidArgumentError) as err:
        panel_ols(df, **call)
    assert err.value.name == name


def test_bad_input_types():
    with pytest.raises(InvalidArgumentError):
        panel_ols({"y": [1, 2]}, "y ~ 1")
    with pytest.raises(EstimationError):
        panel_ols(pl.DataFrame({"y": [None, None], "x": [1.0, 2.0]}), "y ~ x")


# -- properties -----------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(scale=st.floats(0.01, 100), shift=st.floats(-50, 50), seed=st.integers(0, 1000))
def test_affine_response_property(scale, shift, seed):
    """y → a·y + b scales estimates and SEs of slopes by a; t-statistics are unchanged."""
    df = _panel(seed, n_firms=8, n_q=5)
    base = panel_ols(df, "y ~ x1 + x2", cluster="firm")
    moved = panel_ols(df.with_columns(pl.col("y") * scale + shift), "y ~ x1 + x2", cluster="firm")
    for t in ("x1", "x2"):
        assert moved.coef(t) == pytest.approx(scale * base.coef(t), rel=1e-7, abs=1e-9)
        assert moved.se(t) == pytest.approx(scale * base.se(t), rel=1e-7)
    np.testing.assert_allclose(
        moved.table["statistic"][1:].to_numpy(), base.table["statistic"][1:].to_numpy(), rtol=1e-6
    )


def test_no_fe_equals_statsmodels_ols_cluster():
    df = _panel(9)
    pdf = df.to_pandas()
    X = sm.add_constant(pdf[["x1", "x2"]])
    ref = sm.OLS(pdf["y"], X).fit(cov_type="cluster", cov_kwds={"groups": pdf["firm"]}, use_t=True)
    res = panel_ols(df, "y ~ x1 + x2", cluster="firm")
    np.testing.assert_allclose(res.table["std_error"].to_numpy(), ref.bse.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(res.table["p_value"].to_numpy(), ref.pvalues.to_numpy(), rtol=1e-8)


def test_everything_absorbed_raises_estimation_error():
    rng = np.random.default_rng(0)
    df = pl.DataFrame(
        {
            "firm": np.repeat(np.arange(10), 5),
            "x": np.repeat(rng.normal(size=10), 5),
            "y": rng.normal(size=50),
        }
    )
    with pytest.raises(EstimationError, match="collinear"):
        panel_ols(df, "y ~ x", fe=["firm"], cluster="firm")
    with pytest.raises(InvalidArgumentError) as err:
        panel_ols(df, "y ~ x", alpha=2.0)
    assert err.value.name == "alpha"
