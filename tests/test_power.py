"""The power study: options, determinism (serial = parallel), the tables against the draws,
MDE interpolation, the conclusion's numbers and the power figure. The Monte Carlo checks of the
designs themselves are in test_designs_montecarlo.py (slow tier)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from types import SimpleNamespace

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from scipy import stats

from layofflab.errors import InvalidArgumentError
from layofflab.models.design_sim import simulate_design_panel
from layofflab.plots import plot_power
from layofflab.studies import PowerOptions, run_power
from layofflab.studies._power_summary import conclusion, mde_table

mpl.use("Agg")


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def small() -> object:
    """Two designs, both tests, a grid that reaches 80% for one design and not the other."""
    opts = PowerOptions(
        design=["announcement", "dose"],
        effects={"announcement": [0.6], "dose": [0.01]},
        reps=12,
        test=["crv3", "wild"],
        wild_reps=199,
        seed=7,
    )
    return run_power(opts, n_jobs=1)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"design": "capex"}, "design"),
        ({"design": ["spike", "spike"]}, "design"),
        ({"design": []}, "design"),
        ({"outcome": "cuts"}, "outcome"),
        ({"test": "crv1"}, "test"),
        ({"effects": [-0.1, 0.2]}, "effects"),
        ({"effects": [0.1, 0.1]}, "effects"),
        ({"effects": [float("nan")]}, "effects"),
        ({"effects": {"pledge": [0.1]}}, "effects"),
        ({"effects": {"dose": "0.1"}}, "effects['dose']"),
        ({"reps": True}, "reps"),
        ({"reps": 1}, "reps"),
        ({"n_firms": 2}, "n_firms"),
        ({"base_rate": 1.0}, "base_rate"),
        ({"alpha": 0}, "alpha"),
        ({"seed": -1}, "seed"),
        ({"wild_reps": 10}, "wild_reps"),
    ],
)
def test_bad_options_name_the_argument(kwargs, name):
    with pytest.raises(InvalidArgumentError) as err:
        PowerOptions(**kwargs)
    assert err.value.name == name


def test_options_from_papermill_lists_become_tuples_and_grids_include_zero():
    o = PowerOptions(design=["dose", "spike"], test=["wild", "crv3"], effects=[0.3, 0.1])
    assert o.design == ("dose", "spike") and o.designs == ("spike", "dose")
    assert o.tests == ("crv3", "wild")
    assert o.grid("spike") == (0.0, 0.1, 0.3) == o.grid("dose")
    per = PowerOptions(effects={"dose": [0.05]})
    assert per.grid("dose") == (0.0, 0.05)
    assert per.grid("announcement") == (0.0, 0.1, 0.2, 0.3, 0.45, 0.6)  # the default grid
    assert PowerOptions().designs == ("announcement", "spike", "dose")
    hash(o)  # frozen and hashable once normalised


def test_power_and_coverage_tables_agree_with_the_draws(small):
    d = small.draws
    assert d.height == 2 * 2 * 12 and d["p_wild"].null_count() == 0
    # p-values and intervals recomputed here from estimate and SE with t(G - 1), G = 13
    t = stats.t(12)
    p = 2 * t.sf(np.abs(d["estimate"] / d["std_error"]))
    np.testing.assert_allclose(d["p_crv3"].to_numpy(), p, rtol=1e-10)
    half = t.ppf(0.975) * d["std_error"]
    covered = (d["estimate"] - half <= d["effect"]) & (d["effect"] <= d["estimate"] + half)
    assert covered.to_list() == d["covered"].to_list()
    for (design, test, effect), g in d.group_by("design", pl.lit("crv3"), "effect"):
        row = small.power.filter(
            (pl.col("design") == design) & (pl.col("test") == test) & (pl.col("effect") == effect)
        ).row(0, named=True)
        rate = float((g["p_crv3"] < 0.05).mean())
        assert row["power"] == pytest.approx(rate)
        assert row["mc_se"] == pytest.approx(np.sqrt(rate * (1 - rate) / 12))
        assert row["mean_estimate"] == pytest.approx(g["estimate"].mean())
        cov = small.coverage.filter((pl.col("design") == design) & (pl.col("effect") == effect))
        assert cov["coverage"][0] == pytest.approx(g["covered"].mean())
    wild = small.power.filter(pl.col("test") == "wild")
    assert wild.height == 4 and set(small.size["test"]) == {"crv3", "wild"}
    assert small.size.height == 4 and small.size["reps"].to_list() == [12] * 4


def test_mde_reached_and_not_reached(small):
    m = small.mde.filter(pl.col("test") == "crv3")
    ann = m.filter(pl.col("design") == "announcement").row(0, named=True)
    dose = m.filter(pl.col("design") == "dose").row(0, named=True)
    assert ann["reached"] and ann["bracket_low"] == 0.0 and ann["bracket_high"] == 0.6
    p0, p1 = ann["power_low"], ann["power_high"]
    assert ann["mde"] == pytest.approx((0.8 - p0) / (p1 - p0) * 0.6, abs=1e-4)
    assert not dose["reached"] and dose["mde"] is None
    assert dose["note"].startswith("not reached on the grid")


def test_mde_interpolation_known_answers():
    power = pl.DataFrame(
        {
            "design": ["spike"] * 5,
            "outcome": ["any_cut"] * 5,
            "test": ["crv3"] * 5,
            "effect": [0.0, 0.1, 0.2, 0.3, 0.4],
            "power": [0.05, 0.3, 0.7, 0.9, 0.79],  # non-monotone tail: the first crossing counts
        }
    )
    row = mde_table(power, 0.8).row(0, named=True)
    assert (row["bracket_low"], row["bracket_high"]) == (0.2, 0.3)
    assert row["mde"] == pytest.approx(0.25)
    assert mde_table(power.with_columns(power=pl.lit(0.5)), 0.8)["reached"].to_list() == [False]


def test_conclusion_is_built_from_the_numbers(small):
    text = small.conclusion()
    ann = small.mde.filter((pl.col("design") == "announcement") & (pl.col("test") == "crv3"))
    assert f"{100 * ann['mde'][0]:.2g} percentage points for an announcement" in text
    assert "more than 1 percentage points per percentage point of capex intensity" in text
    assert "not reached on the grid" in text
    sizes = small.size.filter(pl.col("test") == "crv3")["size"].to_list()
    assert f"{100 * sizes[0]:.1f}% and {100 * sizes[1]:.1f}% of 12 replications" in text
    assert "13 firms × 28 quarters" in text and "31% base rate" in text and "t(12)" in text
    assert (
        "On the same panels the wild cluster restricted bootstrap (Rademacher weights, 199 draws)"
        in text
    )
    assert "at 5% (two-sided)" in text


def test_serial_and_parallel_runs_give_the_same_answer():
    opts = PowerOptions(design="spike", effects=[0.4], reps=6, test=["crv3", "wild"], seed=3)
    serial = run_power(opts, n_jobs=1)
    parallel = run_power(opts, n_jobs=2)
    assert_frame_equal(serial.draws, parallel.draws)
    assert_frame_equal(serial.power, parallel.power)
    other = run_power(PowerOptions(design="spike", effects=[0.4], reps=6, seed=4), n_jobs=1)
    assert not np.allclose(other.draws["estimate"], serial.draws["estimate"])


def test_common_random_numbers_across_effects():
    """cut_share is linear in the planted effect: with the same panel draws for every effect on
    the grid, estimate − effect and the standard error are the same at every effect."""
    opts = PowerOptions(design="dose", outcome="cut_share", effects=[0.05, 0.2], reps=3)
    d = run_power(opts, n_jobs=1).draws.with_columns(bias=pl.col("estimate") - pl.col("effect"))
    spread = d.group_by("rep").agg(
        (pl.col("bias").max() - pl.col("bias").min()).alias("b"),
        (pl.col("std_error").max() - pl.col("std_error").min()).alias("s"),
    )
    assert spread["b"].max() < 1e-9 and spread["s"].max() < 1e-9
    assert d.filter(pl.col("effect") == 0)["bias"].abs().min() > 1e-6  # not trivially zero


def test_the_dose_design_keeps_the_base_rate_at_a_large_effect():
    """The dose moves P(any cut) by the firm's deviation from its own mean intensity, so the
    rate stays at the base (it drifted to 0.31 + 0.1 · 5 before) and nothing is clipped."""
    df = simulate_design_panel("dose", n_firms=300, n_periods=40, effect=0.1, seed=5)
    assert abs(df["any_cut"].mean() - 0.3) < 0.02
    assert df["treat_lag1"].mean() > 4  # intensity levels are in percent of assets, 2–8


def test_plot_power_panels_lines_and_mde_markers(small):
    fig = plot_power(small)
    assert [a.get_title() for a in fig.axes] == ["Event designs", "Dose design"]
    ev, dose = fig.axes
    labels = [ln.get_label() for ln in ev.get_lines()]
    assert "announcement — CRV3 jackknife, t(G−1)" in labels
    assert "announcement — wild cluster bootstrap (WCR)" in labels
    assert "80% power" in labels
    reached = small.mde.filter(pl.col("design") == "announcement")["reached"].sum()
    diamonds = [ln for ln in ev.get_lines() if ln.get_marker() == "D"]
    assert len(diamonds) == reached
    assert not [ln for ln in dose.get_lines() if ln.get_marker() == "D"]  # dose MDE not reached
    assert ev.get_ylim() == (0, 1.02)
    assert "percentage points" in ev.get_xlabel() and "capex intensity" in dose.get_xlabel()


def test_plot_power_into_given_axes_and_wrong_number_of_axes(small):
    fig, axes = plt.subplots(1, 2)
    assert plot_power(small, ax=axes) is fig
    with pytest.raises(InvalidArgumentError, match="2 axes"):
        plot_power(small, ax=axes[0])
    one = SimpleNamespace(
        power=small.power.filter(pl.col("design") == "dose"),
        mde=small.mde.filter(pl.col("design") == "dose"),
    )
    fig1, ax1 = plt.subplots()
    assert plot_power(one, ax=ax1) is fig1 and ax1.get_title() == "Dose design"


def test_conclusion_of_a_dose_only_wild_only_run():
    opts = PowerOptions(design="dose", test="wild", reps=50, n_firms=12, outcome="cut_share")
    mde = pl.DataFrame(
        {"design": ["dose"], "test": ["wild"], "mde": [0.0512], "reached": [True]},
    ).with_columns(bracket_low=pl.lit(0.04), power_low=pl.lit(0.7))
    size = pl.DataFrame({"design": ["dose"], "test": ["wild"], "size": [0.06], "reps": [50]})
    text = conclusion(SimpleNamespace(options=opts, mde=mde, size=size))
    assert text == (
        "With 12 firms × 28 quarters and a mean cut of 0.3% of headcount per firm-quarter, the "
        "wild cluster restricted bootstrap (Webb weights, 999 draws) at 5% (two-sided) has 80% "
        "power against an effect of 0.051 percentage points of headcount per percentage point of "
        "capex intensity. With no effect it rejects in 6.0% of 50 replications (Monte Carlo s.e. "
        "of a 5% rate: 3.1 points)."
    )


def test_wide_table_has_one_power_column_per_test(small):
    wide = small.table()
    assert wide.columns == [
        "design",
        "outcome",
        "effect",
        "mean_estimate",
        "coverage_crv3",
        "power_crv3",
        "mc_se_crv3",
        "power_wild",
        "mc_se_wild",
        "reps",
    ]
    assert wide.height == 4
    long = small.power.filter(pl.col("test") == "wild").sort("design", "effect")
    assert wide.sort("design", "effect")["power_wild"].to_list() == long["power"].to_list()
    one = run_power(PowerOptions(design="spike", effects=[0.3], reps=2), n_jobs=1)
    assert "power_crv3" in one.table().columns and "power_wild" not in one.table().columns
    assert one.table(decimals=2)["mean_estimate"].to_list() == [
        round(v, 2) for v in one.power["mean_estimate"].to_list()
    ]


def test_rounded_reader_table_shows_no_negative_zero(small):
    tiny = dataclasses.replace(small, power=small.power.with_columns(mean_estimate=pl.lit(-1e-4)))
    shown = tiny.table(decimals=3)["mean_estimate"].to_numpy()
    assert (shown == 0).all() and not np.signbit(shown).any()
