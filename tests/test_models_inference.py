"""Wild cluster bootstrap (exact enumeration references, engine cross-checks) and RI."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pyfixest as pf
import pytest

from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models import panel_ols, ppml, randomization_inference, wild_bootstrap
from layofflab.models.randomization import _draw_assignments


@pytest.fixture(scope="module")
def ref(shared_data):
    return json.loads((shared_data / "reference" / "reference_values.json").read_text())


@pytest.mark.realdata
@pytest.mark.parametrize("engine", ["numpy", "wildboottest"])
def test_grunfeld_wcr11_full_enumeration(shared_data, ref, engine):
    g = pl.read_csv(shared_data / "reference" / "grunfeld" / "grunfeld.csv").head(200)
    res = panel_ols(g, "invest ~ value + capital", cluster="firm")
    want = ref["grunfeld_stata_cluster"]["wcr11_rademacher_full_enum_pvalue"]
    for param in ("value", "capital"):
        wb = wild_bootstrap(res, param=param, reps=9999, engine=engine)
        assert wb.enumerated and wb.reps == 1024 and wb.t_boot.size == 1024
        assert wb.p_value == want[param]  # exactly 2/1024 and 22/1024
        assert wb.p_value_with_ties == want[param] + 2 / 1024
        assert wb.t_stat == pytest.approx(
            res.table.filter(pl.col("term") == param)["statistic"][0], rel=1e-10
        )


def _fwc_test_df() -> pl.DataFrame:
    """Regenerates wildboottest's data/test_df.csv (PROVENANCE §6)."""
    rs = np.random.RandomState(12312)  # same stream as np.random.seed(12312)
    N, k, G = 10000, 3, 5
    X = rs.normal(0, 1, N * k).reshape((N, k))
    X[:, 0] = 1
    beta = rs.normal(0, 1, k)
    beta[1] = 0.005
    u = rs.normal(0, 1, N)
    Y = X @ beta + u
    cluster = rs.choice(list(range(0, G)), N)
    return pl.DataFrame({"Y": Y, "X1": X[:, 1], "X2": X[:, 2], "cluster": cluster})


@pytest.mark.realdata
def test_full_enumeration_matches_fwildclusterboot(shared_data):
    tab = pd.read_csv(shared_data / "reference" / "wildboot" / "test_df_fwc_res.csv")
    # column labels are wrong: data were appended as (11,R), (11,U), (31,R), (31,U)
    labels = list(tab.columns[1:])
    assert labels == ["WCR11", "WCR31", "WCU11", "WCU31"]
    true_cols = dict(zip(["WCR11", "WCU11", "WCR31", "WCU31"], labels, strict=True))
    df = _fwc_test_df()
    N, k, G = 10000, 3, 5
    raw = panel_ols(df, "Y ~ X1 + X2", cluster="cluster", ssc="none")  # R: adj=FALSE both
    stata = panel_ols(df, "Y ~ X1 + X2", cluster="cluster")
    rescale = np.sqrt((G - 1) / G * (N - k) / (N - 1))
    for kind, col in true_cols.items():
        ref_t = np.sort(tab[col].to_numpy())
        kw = {
            "param": "X1",
            "reps": 99999,
            "bootstrap_type": kind[3:],
            "impose_null": kind.startswith("WCR"),
        }
        wb = wild_bootstrap(raw, **kw)
        assert wb.enumerated and wb.reps == 32
        np.testing.assert_allclose(np.sort(wb.t_boot), ref_t, atol=1e-12)
        wb2 = wild_bootstrap(stata, **kw)  # small-sample factors rescale t* only
        np.testing.assert_allclose(np.sort(wb2.t_boot), ref_t * rescale, atol=1e-12)
        assert wb2.p_value == wb.p_value
    wcr = wild_bootstrap(stata, param="X1", reps=99999)
    assert wcr.t_stat == pytest.approx(1.5366, abs=1e-4)
    # PROVENANCE's p = 0.25 (8/32) counts the two exact ties t* = ±t (weights ±1) as
    # exceeding; without them 6/32 (the rule that gives Grunfeld's published 2/1024).
    assert wcr.p_value_with_ties == 0.25
    assert wcr.p_value == 6 / 32


def _clustered(seed=0, G=14, n=15, effect=0.0, fe=False):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(G), n)
    q = np.tile(np.arange(n), G)
    x = rng.normal(size=G * n) + rng.normal(size=G)[g]
    y = effect * x + rng.normal(size=G)[g] + rng.normal(size=G * n) + (0.1 * q if fe else 0)
    return pl.DataFrame({"g": g, "q": q, "x": x, "w": rng.normal(size=G * n), "y": y})


@pytest.mark.parametrize("weights", ["rademacher", "webb", "mammen", "norm"])
@pytest.mark.parametrize(
    ("btype", "null"), [("11", True), ("11", False), ("31", True), ("31", False)]
)
def test_numpy_kernel_equals_wildboottest(weights, btype, null):
    res = panel_ols(_clustered(1, effect=0.2), "y ~ x + w", cluster="g")
    kw = {
        "param": "x",
        "reps": 199,
        "weights": weights,
        "seed": 7,
        "bootstrap_type": btype,
        "impose_null": null,
    }
    a = wild_bootstrap(res, engine="numpy", **kw)
    b = wild_bootstrap(res, engine="wildboottest", **kw)
    assert not a.enumerated and a.reps == 199
    np.testing.assert_allclose(a.t_boot, b.t_boot, rtol=1e-9, atol=1e-12)
    assert a.p_value == b.p_value and a.t_stat == pytest.approx(b.t_stat, rel=1e-10)


@pytest.mark.parametrize("fe", [["g"], ["g", "q"], ["q"]])
def test_fixed_effects_match_pyfixest_wildboottest(fe):
    """FE nested in the cluster are partialled out, others enter as dummies: same as
    pyfixest's Feols.wildboottest (which uses the full one-hot design)."""
    df = _clustered(2, G=10, fe=True, effect=0.15)
    res = panel_ols(df, "y ~ x + w", fe=fe, cluster="g")
    fit = pf.feols("y ~ x + w | " + " + ".join(fe), df.to_pandas(), vcov={"CRV1": "g"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pf_out, pf_t = fit.wildboottest(
            reps=999, param="x", seed=3, return_bootstrapped_t_stats=True
        )
    ours = wild_bootstrap(res, param="x", reps=999, seed=3)
    assert not ours.enumerated  # 2^10 > 999
    # same seeded draws; pyfixest counts exact ties (weights ±1) by floating-point luck
    assert float(pf_out["Pr(>|t|)"]) in (ours.p_value, ours.p_value_with_ties)
    # t* equal up to the (N-1)/(N-k) factor: pyfixest's k counts the FE dummies
    ratio = ours.t_boot / np.asarray(pf_t).ravel()
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-7)
    assert ours.t_stat / float(pf_out["t value"]) == pytest.approx(ratio[0], rel=1e-7)


def test_fixed_effects_exact_t_star_vs_dummy_regression():
    """Bootstrap on the FE design equals the bootstrap on the explicit dummy regression."""
    df = _clustered(3, G=9, fe=True)
    res_fe = panel_ols(df, "y ~ x + w", fe=["g", "q"], cluster="g", ssc="none")
    res_dum = panel_ols(df, "y ~ x + w + C(g) + C(q)", cluster="g", ssc="none")
    a = wild_bootstrap(res_fe, param="x", reps=600, weights="webb", seed=1)
    b = wild_bootstrap(res_dum, param="x", reps=600, weights="webb", seed=1)
    np.testing.assert_allclose(a.t_boot, b.t_boot, rtol=1e-7)
    assert a.t_stat == pytest.approx(b.t_stat, rel=1e-8)


def test_auto_weights_and_enumeration_rule():
    res = panel_ols(_clustered(4, G=8), "y ~ x", cluster="g")
    auto = wild_bootstrap(res, param="x", weights="auto", reps=500)
    assert auto.weights == "webb" and not auto.enumerated and auto.reps == 500
    enum = wild_bootstrap(res, param="x", reps=256)
    assert enum.enumerated and enum.reps == 256
    assert np.unique(np.round(np.abs(enum.t_boot), 10)).size <= 128  # ± pairs
    not_enum = wild_bootstrap(res, param="x", reps=255)
    assert not not_enum.enumerated
    big = panel_ols(_clustered(4, G=13), "y ~ x", cluster="g")
    assert wild_bootstrap(big, param="x", weights="auto", reps=99).weights == "rademacher"
    assert isinstance(auto.distribution, pl.Series) and auto.distribution.len() == 500


def test_huge_effect_rejects_and_null_mostly_does_not():
    strong = panel_ols(_clustered(5, effect=3.0), "y ~ x", cluster="g")
    assert wild_bootstrap(strong, param="x", reps=999, seed=1).p_value < 0.01
    ps = [
        wild_bootstrap(
            panel_ols(_clustered(s), "y ~ x", cluster="g"), param="x", reps=199, seed=s
        ).p_value
        for s in range(40)
    ]
    assert 0.3 < np.mean(ps) < 0.7


def test_two_way_result_requires_cluster_choice():
    res = panel_ols(_clustered(6), "y ~ x", cluster=["g", "q"])
    with pytest.raises(InvalidArgumentError) as err:
        wild_bootstrap(res, param="x")
    assert err.value.name == "cluster"
    wb = wild_bootstrap(res, param="x", cluster="g", reps=99)
    assert wb.cluster == "g" and wb.n_clusters == 14


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"param": "zzz"}, "param"),
        ({"weights": "gauss"}, "weights"),
        ({"bootstrap_type": "22"}, "bootstrap_type"),
        ({"reps": 0}, "reps"),
        ({"seed": 1.5}, "seed"),
        ({"impose_null": "yes"}, "impose_null"),
        ({"bootstrap_type": "13"}, "bootstrap_type"),
        ({"engine": "rust"}, "engine"),
        ({"cluster": "nocol"}, "cluster"),
    ],
)
def test_wild_bootstrap_validation(kwargs, name):
    res = panel_ols(_clustered(7), "y ~ x", cluster="g")
    with pytest.raises(InvalidArgumentError) as err:
        wild_bootstrap(res, **({"param": "x"} | kwargs))
    assert err.value.name == name


def test_wild_bootstrap_rejects_ppml_and_foreign_objects():
    df = _clustered(8).with_columns(pl.col("y").abs().round())
    with pytest.raises(EstimationError):
        wild_bootstrap(ppml(df, "y ~ x", cluster="g"), param="x")
    with pytest.raises(InvalidArgumentError):
        wild_bootstrap("not a result", param="x")  # type: ignore[arg-type]


def test_score_type_3_enumerated_and_bounded():
    res = panel_ols(_clustered(9, G=6), "y ~ x", cluster="g")
    wb = wild_bootstrap(res, param="x", bootstrap_type="31", reps=64)
    assert wb.engine == "numpy" and wb.enumerated and wb.reps == 64
    assert 0 <= wb.p_value <= wb.p_value_with_ties <= 1


# -- randomization inference -------------------------------------------------------------
def _ri_panel(seed, effect):
    rng = np.random.default_rng(seed)
    n_f, n_q = 16, 12
    firm = np.repeat(np.arange(n_f), n_q)
    q = np.tile(np.arange(n_q), n_f)
    event = rng.integers(2, 10, size=n_f)
    d = (q >= event[firm]).astype(float) * (firm % 2)
    y = effect * d + rng.normal(size=n_f)[firm] + 0.1 * q + rng.normal(size=n_f * n_q)
    return pl.DataFrame({"firm": firm, "q": q, "d": d, "y": y, "w": rng.normal(size=n_f * n_q)})


@pytest.mark.parametrize("scheme", ["shift_within_unit", "permute_units", "permute"])
@pytest.mark.parametrize("statistic", ["coef", "t"])
def test_ri_huge_effect_gives_minimum_p(scheme, statistic):
    df = _ri_panel(0, effect=25.0)
    ri = randomization_inference(
        df,
        "y ~ d + w",
        treatment="d",
        unit="firm",
        time="q",
        fe=["firm", "q"],
        cluster="firm",
        reps=199,
        seed=1,
        scheme=scheme,
        statistic=statistic,
    )
    assert ri.p_value == pytest.approx(1 / 200)
    assert ri.distribution.shape == (199,)
    if statistic == "coef":
        fit = panel_ols(df, "y ~ d + w", fe=["firm", "q"], cluster="firm")
        assert ri.observed == pytest.approx(fit.coef("d"), rel=1e-8)


def test_ri_t_statistic_equals_clustered_t_without_ssc():
    df = _ri_panel(1, effect=0.3)
    ri = randomization_inference(
        df,
        "y ~ d",
        treatment="d",
        unit="firm",
        time="q",
        fe=["firm"],
        cluster="firm",
        statistic="t",
        reps=9,
    )
    fit = panel_ols(df, "y ~ d", fe=["firm"], cluster="firm", ssc="none")
    assert ri.observed == pytest.approx(fit.table["statistic"][0], rel=1e-8)


def test_ri_null_p_values_roughly_uniform():
    ps = np.array(
        [
            randomization_inference(
                _ri_panel(s, 0.0),
                "y ~ d",
                treatment="d",
                unit="firm",
                time="q",
                fe=["firm", "q"],
                reps=99,
                seed=s,
                scheme="shift_within_unit",
            ).p_value
            for s in range(60)
        ]
    )
    assert 0.35 < ps.mean() < 0.65
    assert 0.0 <= np.mean(ps <= 0.1) <= 0.2


def test_placebo_assignments_preserve_structure():
    df = _ri_panel(2, 0.0).with_row_index("__row_id__")
    d = df["d"].to_numpy()
    rng = np.random.default_rng(0)
    shift = _draw_assignments(df, d[:, None], "shift_within_unit", "firm", "q", 50, rng)[..., 0]
    firm = df["firm"].to_numpy()
    for f in np.unique(firm):  # each firm keeps its number of treated quarters
        assert np.all(shift[firm == f].sum(axis=0) == d[firm == f].sum())
    perm = _draw_assignments(df, d[:, None], "permute_units", "firm", "q", 50, rng)[..., 0]
    paths = {tuple(d[firm == f]) for f in np.unique(firm)}
    assert all(tuple(perm[firm == f, b]) in paths for f in np.unique(firm) for b in range(50))
    flat = _draw_assignments(df, d[:, None], "permute", None, None, 20, rng)[..., 0]
    assert np.all(np.sort(flat, axis=0) == np.sort(d)[:, None])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"treatment": "w2"}, "treatment"),
        ({"scheme": "bootstrap"}, "scheme"),
        ({"unit": None}, "unit"),
        ({"statistic": "z"}, "statistic"),
        ({"reps": -1}, "reps"),
        ({"cluster": ["firm", "q"]}, "cluster"),
    ],
)
def test_ri_validation(kwargs, name):
    df = _ri_panel(3, 0.0).with_columns(w2=pl.col("w"))
    call = {"treatment": "d", "unit": "firm", "time": "q"} | kwargs
    with pytest.raises(InvalidArgumentError) as err:
        randomization_inference(df, "y ~ d", **call)
    assert err.value.name == name


@pytest.mark.parametrize("statistic", ["coef", "t"])
def test_ri_draws_equal_refits_with_panel_ols(statistic):
    """The vectorised FWL statistics equal panel_ols refits on the same placebo data."""
    df = _ri_panel(4, effect=0.4)
    ri = randomization_inference(
        df,
        "y ~ d + w",
        treatment="d",
        unit="firm",
        time="q",
        fe=["firm", "q"],
        cluster="firm",
        reps=12,
        seed=9,
        scheme="shift_within_unit",
        statistic=statistic,
        ssc="none",
    )
    frame = df.with_row_index("__row_id__")
    draws = _draw_assignments(
        frame,
        df["d"].to_numpy()[:, None],
        "shift_within_unit",
        "firm",
        "q",
        12,
        np.random.default_rng(9),
    )[..., 0]
    col = "estimate" if statistic == "coef" else "statistic"
    for b in range(12):
        fit = panel_ols(
            df.with_columns(d=pl.Series(draws[:, b])),
            "y ~ d + w",
            fe=["firm", "q"],
            cluster="firm",
            ssc="none",
        )
        assert ri.distribution[b] == pytest.approx(fit.table[col][0], rel=1e-7, abs=1e-12)


@pytest.mark.parametrize("statistic", ["coef", "t"])
def test_ri_reassigns_a_whole_history_jointly_and_each_draw_equals_a_refit(statistic):
    """Announcement and its lag move together (same donor firm); param's statistic equals a
    panel_ols refit of the model with both placebo columns."""
    df = _ri_panel(5, effect=0.4).sort("firm", "q")
    df = df.with_columns(d_lag1=pl.col("d").shift(1).over("firm").fill_null(0.0))
    ri = randomization_inference(
        df,
        "y ~ d + d_lag1 + w",
        treatment=["d", "d_lag1"],
        param="d_lag1",
        unit="firm",
        time="q",
        fe=["firm", "q"],
        cluster="firm",
        reps=10,
        seed=3,
        scheme="permute_units",
        statistic=statistic,
        ssc="none",
    )
    assert ri.param == "d_lag1" and ri.treatments == ("d", "d_lag1")
    frame = df.with_row_index("__row_id__")
    draws = _draw_assignments(
        frame,
        df.select("d", "d_lag1").to_numpy(),
        "permute_units",
        "firm",
        "q",
        10,
        np.random.default_rng(3),
    )
    col = "estimate" if statistic == "coef" else "statistic"
    for b in range(10):
        placebo = df.with_columns(d=pl.Series(draws[:, b, 0]), d_lag1=pl.Series(draws[:, b, 1]))
        # the lag column is still the lag of the re-assigned announcement column
        lagged = placebo.select(pl.col("d").shift(1).over("firm").fill_null(0.0))["d"]
        assert (lagged == placebo["d_lag1"]).all()
        fit = panel_ols(placebo, "y ~ d + d_lag1 + w", fe=["firm", "q"], cluster="firm", ssc="none")
        row = fit.table.filter(pl.col("term") == "d_lag1")
        assert ri.distribution[b] == pytest.approx(row[col][0], rel=1e-7, abs=1e-12)
    assert 0 < ri.mc_se < 0.2 and "Monte Carlo s.e." in ri.p_text()
