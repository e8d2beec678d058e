"""event_study: mpdta against R did and pyfixest, TWFE bias vs robust estimators, options."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models.event_study import EventStudyResult, event_study
from layofflab.models.simulate import simulate_panel
from layofflab.panel.events import capex_spike_events

SEED = 777
HETERO = {
    "n_firms": 600,
    "n_periods": 12,
    "effect": 0.2,
    "effect_ramp": 0.1,
    "cohort_heterogeneity": 0.8,
    "share_treated": 0.7,
    "noise_sd": 0.1,
}


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.filterwarnings("ignore", message=r"(?s).*(small groups|The inplace keyword|beta)")


def _es(df: pl.DataFrame, **kw: object) -> EventStudyResult:
    args = {
        "outcome": "log_intensity",
        "unit": "firm",
        "time": "period",
        "cohort": "announce_period",
    } | kw
    return event_study(df, **args)


# -- mpdta: R did and pyfixest ------------------------------------------------------
@pytest.fixture(scope="module")
def mpdta_dir(shared_data: Path) -> Path:
    return shared_data / "reference" / "mpdta"


@pytest.fixture(scope="module")
def mpdta_res(mpdta_dir: Path) -> EventStudyResult:
    warnings.filterwarnings("ignore", message=r"(?s).*The inplace keyword")
    df = pl.read_csv(mpdta_dir / "mpdta.csv")
    return event_study(
        df,
        outcome="lemp",
        unit="countyreal",
        time="year",
        cohort="first.treat",
        leads=4,
        lags=3,
        bin_endpoints=False,
    )


def _rows(res: EventStudyResult, name: str) -> pl.DataFrame:
    return res.estimates.filter(pl.col("estimator") == name)


@pytest.mark.realdata
def test_mpdta_cs_rows_match_r_did_dynamic(mpdta_res: EventStudyResult, mpdta_dir: Path) -> None:
    ref = pl.read_csv(mpdta_dir / "ref_aggte.csv", null_values="NA").filter(
        (pl.col("scenario") == "mpdta_nev_dr") & (pl.col("type") == "dynamic")
    )
    want = ref.select(
        pl.col("egt").cast(pl.Int64).alias("rel_time"),
        pl.col("att_egt").alias("estimate"),
        pl.col("se_egt").alias("std_error"),
    )
    got = _rows(mpdta_res, "callaway_santanna").select("rel_time", "estimate", "std_error")
    assert_frame_equal(got, want, check_exact=False, rel_tol=0, abs_tol=1e-6)
    cs_test = mpdta_res.pretrend.filter(pl.col("estimator") == "callaway_santanna")
    assert cs_test["statistic"][0] == pytest.approx(7.7912366, abs=1e-6)
    assert cs_test["df"][0] == 5


@pytest.mark.realdata
def test_mpdta_sun_abraham_post_periods_equal_cs(
    mpdta_res: EventStudyResult, mpdta_dir: Path
) -> None:
    ref = pl.read_csv(mpdta_dir / "ref_aggte.csv", null_values="NA").filter(
        (pl.col("scenario") == "mpdta_nev_dr")
        & (pl.col("type") == "dynamic")
        & (pl.col("egt") >= 0)
    )
    sa = _rows(mpdta_res, "sun_abraham").filter(pl.col("rel_time") >= 0)
    assert sa["rel_time"].to_list() == [0, 1, 2, 3]
    np.testing.assert_allclose(
        sa["estimate"].to_numpy(), ref["att_egt"].to_numpy(), rtol=0, atol=1e-8
    )


@pytest.mark.realdata
def test_mpdta_sun_abraham_equals_pyfixest_saturated_aggregate(
    mpdta_res: EventStudyResult, mpdta_dir: Path
) -> None:
    pf = pytest.importorskip("pyfixest")
    pdf = pl.read_csv(mpdta_dir / "mpdta.csv").to_pandas()
    fit = pf.event_study(
        pdf,
        yname="lemp",
        idname="countyreal",
        tname="year",
        gname="first.treat",
        estimator="saturated",
        cluster="countyreal",
    )
    agg = fit.aggregate()
    want = pl.DataFrame(
        {
            "rel_time": [int(p) for p in agg.index],
            "estimate": agg["Estimate"].astype(float).to_numpy(),
            "std_error": agg["Std. Error"].astype(float).to_numpy(),
        }
    )
    got = _rows(mpdta_res, "sun_abraham").select("rel_time", "estimate", "std_error")
    assert_frame_equal(got, want, check_exact=False, rel_tol=0, abs_tol=1e-10)


@pytest.mark.realdata
def test_mpdta_twfe_point_estimates_equal_dummy_least_squares(
    mpdta_res: EventStudyResult, mpdta_dir: Path
) -> None:
    df = pl.read_csv(mpdta_dir / "mpdta.csv").with_columns(
        pl.when(pl.col("first.treat") > 0)
        .then(pl.col("year") - pl.col("first.treat"))
        .otherwise(-1)
        .alias("rel")
    )
    rels = (-4, -3, -2, 0, 1, 2, 3)
    X = pl.concat(
        [
            df.select([(pl.col("rel") == k).cast(pl.Float64).alias(f"d{k}") for k in rels]),
            df.select(pl.col("countyreal").cast(pl.String)).to_dummies(drop_first=True),
            df.select(pl.col("year").cast(pl.String)).to_dummies(drop_first=True),
        ],
        how="horizontal",
    ).with_columns(pl.lit(1.0).alias("const"))
    beta = np.linalg.lstsq(X.to_numpy().astype(float), df["lemp"].to_numpy(), rcond=None)[0]
    got = _rows(mpdta_res, "twfe")["estimate"].to_numpy()
    np.testing.assert_allclose(got, beta[: len(rels)], rtol=0, atol=1e-10)


# -- known answers on simulated panels ------------------------------------------------
@pytest.fixture(scope="module")
def hetero() -> tuple[pl.DataFrame, EventStudyResult]:
    warnings.filterwarnings("ignore", message=r"(?s).*The inplace keyword")
    df = simulate_panel(**HETERO, seed=SEED)
    return df, _es(df, leads=3, lags=3, bin_endpoints=False)


def test_twfe_is_biased_robust_estimators_recover_the_truth(
    hetero: tuple[pl.DataFrame, EventStudyResult],
) -> None:
    df, res = hetero
    truth = (
        df.filter(pl.col("treated") | (pl.col("rel_time") < 0))
        .group_by("rel_time")
        .agg(pl.col("true_effect").mean().alias("truth"))
    )
    out = res.estimates.join(truth, on="rel_time").with_columns(
        bias=pl.col("estimate") - pl.col("truth")
    )
    assert out.height == res.estimates.height
    by = out.group_by("estimator").agg(
        pl.col("bias").abs().max().alias("max_bias"),
        (pl.col("bias") / pl.col("std_error")).abs().max().alias("max_z"),
    )
    stats = {r["estimator"]: r for r in by.iter_rows(named=True)}
    for robust in ("sun_abraham", "callaway_santanna"):
        assert stats[robust]["max_z"] < 4
        assert stats[robust]["max_bias"] < 0.03
    assert stats["twfe"]["max_bias"] > 0.04 and stats["twfe"]["max_z"] > 5
    p = dict(res.pretrend.select("estimator", "p_value").iter_rows())
    assert p["twfe"] < 1e-6  # spurious pre-trend from heterogeneous dynamic effects
    assert p["sun_abraham"] > 0.01 and p["callaway_santanna"] > 0.01
    # with never-treated units and no binning, SA and CS coincide after the event
    sa = _rows(res, "sun_abraham").filter(pl.col("rel_time") >= 0)["estimate"].to_numpy()
    cs = _rows(res, "callaway_santanna").filter(pl.col("rel_time") >= 0)["estimate"].to_numpy()
    np.testing.assert_allclose(sa, cs, rtol=0, atol=1e-8)


def test_homogeneous_effect_all_estimators_agree_with_truth() -> None:
    df = simulate_panel(n_firms=400, n_periods=10, effect=0.25, noise_sd=0.1, seed=SEED)
    res = _es(df, leads=2, lags=2)
    post = res.estimates.filter(pl.col("rel_time") >= 0)
    assert ((post["estimate"] - 0.25).abs() < 4 * post["std_error"]).all()
    assert ((post["estimate"] - 0.25).abs() < 0.04).all()


def test_event_column_and_capex_spikes_give_the_same_answer_as_cohorts() -> None:
    df = simulate_panel(n_firms=150, n_periods=10, effect=0.3, seed=SEED)
    base = _es(df, leads=2, lags=2, estimator="twfe")
    ann = df.with_columns(
        (pl.col("period") == pl.col("announce_period")).fill_null(False).alias("announced")
    )
    by_event = _es(ann, cohort=None, event="announced", leads=2, lags=2, estimator="twfe")
    assert_frame_equal(by_event.estimates, base.estimates)
    # announcements come as early as period 3: two quarters of history must do
    spikes = capex_spike_events(df, unit="firm", time="period", k=2.0, window=4, min_periods=2)
    by_spike = _es(spikes, cohort=None, event="capex_spike", leads=2, lags=2, estimator="twfe")
    assert_frame_equal(by_spike.estimates, base.estimates)


# -- structure and options --------------------------------------------------------------
@pytest.fixture(scope="module")
def small() -> pl.DataFrame:
    return simulate_panel(n_firms=120, n_periods=12, effect=0.3, seed=SEED)


def test_binned_labels_terms_and_metadata(small: pl.DataFrame) -> None:
    res = _es(small, leads=3, lags=4)
    assert res.estimates["estimator"].unique(maintain_order=True).to_list() == [
        "twfe",
        "sun_abraham",
        "callaway_santanna",
    ]
    twfe = _rows(res, "twfe")
    assert twfe["term"].to_list() == [
        "rel_-3+",
        "rel_-2",
        "rel_0",
        "rel_1",
        "rel_2",
        "rel_3",
        "rel_4+",
    ]
    assert twfe["rel_time"].to_list() == [-3, -2, 0, 1, 2, 3, 4]
    cs = _rows(res, "callaway_santanna")
    assert cs["term"].to_list() == [f"rel_{k}" for k in range(-3, 5)]
    assert res.table["term"][0] == "twfe::rel_-3+"
    assert res.table.height == res.estimates.height
    assert res.info.fixed_effects == ("firm", "period")
    assert res.info.n_clusters == {"firm": 120} and res.info.df_inference == 119
    assert res.pretrend["df"].to_list()[:2] == [2, 2]
    # p-values and intervals use t(G-1)
    r = twfe.row(0, named=True)
    from scipy import stats

    assert r["p_value"] == pytest.approx(2 * stats.t(119).sf(abs(r["statistic"])))
    assert "rel_-4" not in res.table["term"].to_list()


def test_unbinned_window_reports_only_the_window(small: pl.DataFrame) -> None:
    binned = _es(small, leads=2, lags=2, estimator="twfe")
    free = _es(small, leads=2, lags=2, estimator="twfe", bin_endpoints=False)
    assert free.table["term"].to_list() == ["rel_-2", "rel_0", "rel_1", "rel_2"]
    assert binned.table["term"].to_list() == ["rel_-2+", "rel_0", "rel_1", "rel_2+"]
    assert not np.allclose(free.table["estimate"].to_numpy(), binned.table["estimate"].to_numpy())


def test_omit_another_reference_period(small: pl.DataFrame) -> None:
    res = _es(small, leads=3, lags=2, omit=-2, estimator="sun_abraham")
    assert res.table["term"].to_list() == ["rel_-3+", "rel_-1", "rel_0", "rel_1", "rel_2+"]
    assert res.info.extra["omit"] == -2


def test_without_never_treated_units_sa_uses_the_last_cohort(small: pl.DataFrame) -> None:
    df = simulate_panel(n_firms=200, n_periods=10, share_treated=1.0, effect=0.3, seed=SEED)
    last = int(df["announce_period"].max())
    res = _es(df, leads=2, lags=2, estimator="sun_abraham")
    assert res.info.n_obs == df.filter(pl.col("period") < last).height
    assert res.funnel["step"].to_list()[-1] == "dropped by estimator"
    assert (
        (_rows(res, "sun_abraham").filter(pl.col("rel_time") == 0)["estimate"] - 0.3).abs() < 0.1
    ).all()
    with pytest.raises(EstimationError):
        _es(df.with_columns(pl.lit(None, pl.Int64).alias("announce_period")), estimator="twfe")


def test_cluster_on_a_coarser_variable(small: pl.DataFrame) -> None:
    df = small.with_columns((pl.col("firm").str.slice(1).cast(pl.Int64) % 15).alias("sector"))
    a = _es(df, leads=2, lags=2, estimator="twfe")
    b = _es(df, leads=2, lags=2, estimator="twfe", cluster="sector")
    np.testing.assert_allclose(a.table["estimate"].to_numpy(), b.table["estimate"].to_numpy())
    assert b.info.n_clusters == {"sector": 15} and b.info.df_inference == 14
    assert not np.allclose(a.table["std_error"].to_numpy(), b.table["std_error"].to_numpy())


def test_funnel_counts_missing_outcomes(small: pl.DataFrame) -> None:
    df = small.with_columns(
        pl.when(pl.col("period") == 1)
        .then(None)
        .otherwise(pl.col("log_intensity"))
        .alias("log_intensity")
    )
    res = _es(df, leads=2, lags=2, estimator="twfe")
    assert res.funnel.row(1) == ("missing values", 120, 1320, "log_intensity, firm, period")
    assert res.info.n_obs == 1320


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"leads": 1}, "leads"),
        ({"lags": -1}, "lags"),
        ({"omit": 0}, "omit"),
        ({"omit": -4, "leads": 4}, "omit"),
        ({"estimator": "did2s"}, "estimator"),
        ({"ssc": "hc1"}, "ssc"),
        ({"alpha": 0}, "alpha"),
        ({"event": "treated"}, "cohort"),
        ({"cluster": "nope"}, "cluster"),
    ],
)
def test_invalid_arguments(small: pl.DataFrame, kwargs: dict, name: str) -> None:
    with pytest.raises(InvalidArgumentError) as err:
        _es(small, **kwargs)
    assert err.value.name == name


def test_a_combination_without_positive_variance_is_not_identified_never_clipped():
    from layofflab.models._event_estimators import _se, _wald

    V = np.array([[4.0, 0.0, 0.0], [0.0, -1e-14, 0.0], [0.0, 0.0, 0.0]])
    se, ok = _se(V)
    assert ok.tolist() == [True, False, False]
    assert se[0] == 2.0 and np.isnan(se[1:]).all()
    # the joint test's df is the covariance's rank, not the number of leads
    w, q, p, pf = _wald(np.array([1.0, 1.0]), np.array([[1.0, 1.0], [1.0, 1.0]]), G=10)
    assert q == 1 and w == pytest.approx(1.0) and 0 < p < 1 and 0 < pf < 1
    assert _wald(np.array([1.0]), np.zeros((1, 1)), G=10) == (None, 0, None, None)


def test_saturated_model_with_more_coefficients_than_clusters_says_so():
    df = simulate_panel(n_firms=8, n_periods=12, effect=0.4, seed=3)
    res = event_study(
        df,
        outcome="log_intensity",
        unit="firm",
        time="period",
        cohort="announce_period",
        leads=3,
        lags=3,
        estimator="sun_abraham",
        bin_endpoints=False,
    )
    rank = res.info.extra["vcov_rank"]["sun_abraham"]
    assert rank["rank"] <= 8 - 1 < rank["coefficients"]
    assert any("has rank" in n for n in res.info.extra["notes"])
    assert res.pretrend["df"][0] <= rank["rank"]
    assert res.estimates["identified"].dtype == pl.Boolean
