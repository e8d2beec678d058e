"""simulate_panel: schema, determinism, the documented DGP and known answers."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from layofflab.errors import InvalidArgumentError
from layofflab.models.simulate import simulate_panel
from layofflab.panel.events import capex_spike_events

SEED = 20240601


def _pyfixest():
    pf = pytest.importorskip("pyfixest")
    warnings.filterwarnings("ignore", message=r"(?s).*The inplace keyword")
    return pf


def test_schema_shape_and_order() -> None:
    df = simulate_panel(n_firms=30, n_periods=10, seed=SEED)
    assert df.shape == (300, 13)
    assert df.schema == pl.Schema(
        {
            "firm": pl.String,
            "period": pl.Int64,
            "quarter": pl.Date,
            "headcount": pl.Int64,
            "capex": pl.Float64,
            "announce_period": pl.Int64,
            "cohort": pl.Int64,
            "rel_time": pl.Int64,
            "treated": pl.Boolean,
            "true_effect": pl.Float64,
            "log_intensity": pl.Float64,
            "cuts_mean": pl.Float64,
            "cuts": pl.Int64,
        }
    )
    assert df.equals(df.sort("firm", "period"))
    assert df.select(pl.struct("firm", "period").is_unique().all()).item()
    q = df.filter(pl.col("firm") == "F01")["quarter"].to_list()
    assert [str(d) for d in q[:3]] == ["2018-01-01", "2018-04-01", "2018-07-01"]
    assert (df["headcount"] >= 50).all() and (df["capex"] > 0).all() and (df["cuts"] >= 0).all()


def test_same_seed_same_panel_other_seed_differs() -> None:
    a = simulate_panel(n_firms=20, n_periods=6, seed=1)
    assert_frame_equal(a, simulate_panel(n_firms=20, n_periods=6, seed=1))
    assert not a.equals(simulate_panel(n_firms=20, n_periods=6, seed=2))


@pytest.mark.parametrize("share", [0.0, 0.25, 1.0])
def test_share_treated_is_exact(share: float) -> None:
    df = simulate_panel(n_firms=40, n_periods=8, share_treated=share, seed=SEED)
    firms = df.group_by("firm").agg(pl.col("announce_period").first())
    assert firms["announce_period"].is_not_null().sum() == round(share * 40)


def test_staggered_cohorts_within_range_and_common_timing() -> None:
    df = simulate_panel(n_firms=300, n_periods=12, cohort_range=(3, 9), seed=SEED)
    g = df["announce_period"].drop_nulls()
    assert g.min() == 3 and g.max() == 9 and g.n_unique() == 7
    flat = simulate_panel(n_firms=50, n_periods=12, cohort_range=(3, 9), staggered=False, seed=1)
    assert flat["announce_period"].drop_nulls().unique().to_list() == [6]


def test_event_columns_are_consistent() -> None:
    df = simulate_panel(n_firms=60, n_periods=10, seed=SEED)
    treated = df.filter(pl.col("announce_period").is_not_null())
    assert (treated["rel_time"] == treated["period"] - treated["announce_period"]).all()
    assert (treated["cohort"] == treated["announce_period"]).all()
    never = df.filter(pl.col("announce_period").is_null())
    assert never["rel_time"].is_null().all() and (never["cohort"] == 0).all()
    assert (df["treated"] == (df["rel_time"].fill_null(-1) >= 0)).all()


def test_true_effect_follows_the_formula() -> None:
    df = simulate_panel(
        n_firms=80,
        n_periods=12,
        effect=0.2,
        effect_ramp=0.05,
        cohort_heterogeneity=0.5,
        cohort_range=(4, 8),
        seed=SEED,
    )
    z = (pl.col("announce_period") - 6) / 2
    expected = (
        pl.when(pl.col("treated"))
        .then((0.2 + 0.05 * pl.col("rel_time")) * (1 + 0.5 * z))
        .otherwise(0.0)
    )
    got = df.select((pl.col("true_effect") - expected).abs().max()).item()
    assert got < 1e-12
    homogeneous = simulate_panel(n_firms=40, n_periods=8, effect=0.3, seed=3)
    assert homogeneous.filter("treated")["true_effect"].unique().to_list() == [0.3]


@pytest.mark.parametrize("zi", [0.0, 0.3, 0.6])
def test_zero_share_matches_the_configured_zero_inflation(zi: float) -> None:
    k = 1.0
    df = simulate_panel(n_firms=1500, n_periods=20, zero_inflation=zi, dispersion=k, seed=7)
    m = df["cuts_mean"].to_numpy() / (1 - zi)
    expected = zi + (1 - zi) * np.mean((k / (k + m)) ** k)
    observed = float((df["cuts"] == 0).mean())
    # 30,000 cells: the binomial standard error is below 0.003
    assert abs(observed - expected) < 0.01
    assert observed >= zi - 0.01
    # the zero inflation does not change the mean: E[cuts] = cuts_mean
    assert abs(df["cuts"].sum() / df["cuts_mean"].sum() - 1) < 0.03


def test_log_intensity_has_the_documented_mean() -> None:
    df = simulate_panel(n_firms=500, n_periods=8, noise_sd=0.2, seed=SEED)
    eta = (df["cuts_mean"] / df["headcount"]).log()
    resid = df["log_intensity"] - eta
    assert abs(resid.mean()) < 0.01
    assert abs(resid.std() - 0.2) < 0.01


def test_twfe_on_log_intensity_recovers_a_homogeneous_effect() -> None:
    pf = _pyfixest()
    df = simulate_panel(n_firms=400, n_periods=12, effect=0.3, noise_sd=0.2, seed=SEED)
    pdf = df.with_columns(d=pl.col("treated").cast(pl.Int64)).to_pandas()
    fit = pf.feols("log_intensity ~ d | firm + period", data=pdf, vcov={"CRV1": "firm"})
    assert abs(fit.coef()["d"] - 0.3) < 0.03


def test_ppml_with_headcount_offset_recovers_the_log_rate_ratio() -> None:
    pf = _pyfixest()
    df = simulate_panel(
        n_firms=600, n_periods=12, effect=0.3, zero_inflation=0.0, dispersion=50.0, seed=3
    )
    pdf = df.with_columns(
        lh=pl.col("headcount").log(), d=pl.col("treated").cast(pl.Int64)
    ).to_pandas()
    fit = pf.fepois("cuts ~ d | firm + period", data=pdf, offset="lh", vcov={"CRV1": "firm"})
    assert abs(fit.coef()["d"] - 0.3) < 0.05


def test_capex_spikes_recover_the_announcement_dates() -> None:
    df = simulate_panel(n_firms=300, n_periods=16, seed=SEED)
    ev = capex_spike_events(df, unit="firm", time="period", k=2.0, window=4)
    first = (
        ev.filter(pl.col("capex_spike").fill_null(False))
        .group_by("firm")
        .agg(pl.col("period").min().alias("first"), pl.col("announce_period").first())
    )
    n_treated = df.filter(pl.col("announce_period").is_not_null())["firm"].n_unique()
    assert first.height == n_treated  # no never-treated firm has a spike
    assert (first["first"] == first["announce_period"]).all()


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_firms": 0}, "n_firms"),
        ({"n_periods": 1}, "n_periods"),
        ({"share_treated": 1.5}, "share_treated"),
        ({"zero_inflation": 1.0}, "zero_inflation"),
        ({"dispersion": 0}, "dispersion"),
        ({"noise_sd": -1.0}, "noise_sd"),
        ({"n_periods": 8, "cohort_range": (5, 9)}, "cohort_range"),
    ],
)
def test_invalid_arguments_are_named(kwargs: dict, name: str) -> None:
    with pytest.raises(InvalidArgumentError) as err:
        simulate_panel(**kwargs)
    assert err.value.name == name
