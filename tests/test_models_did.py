"""callaway_santanna: R `did` reference values on mpdta, pandas-3 inputs, known answers."""

from __future__ import annotations

import warnings
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models.did import DiDResult, callaway_santanna
from layofflab.models.simulate import simulate_panel

SEED = 4242
#: reference scenario -> callaway_santanna options (csdid/test_csdid/r_ref/generate_reference.R)
SCENARIOS = {
    "mpdta_nev_dr": {"control": "never_treated", "method": "dr"},
    "mpdta_nyt_dr": {"control": "not_yet_treated", "method": "dr"},
    "mpdta_nev_reg_cov": {"control": "never_treated", "method": "reg", "covariates": ["lpop"]},
    "mpdta_nev_ipw": {"control": "never_treated", "method": "ipw"},
}
AGG_PREFIX = {"dynamic": "rel_", "group": "group_", "calendar": "time_"}


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.filterwarnings("ignore", message=r"(?s).*small groups")


@pytest.fixture(scope="module")
def mpdta_dir(shared_data: Path) -> Path:
    return shared_data / "reference" / "mpdta"


@pytest.fixture(scope="module")
def mpdta(mpdta_dir: Path) -> pl.DataFrame:
    return pl.read_csv(mpdta_dir / "mpdta.csv")


def _fit(mpdta: pl.DataFrame, scenario: str, aggregate: str = "dynamic") -> DiDResult:
    return callaway_santanna(
        mpdta,
        outcome="lemp",
        unit="countyreal",
        time="year",
        group="first.treat",
        aggregate=aggregate,
        **SCENARIOS[scenario],
    )


@pytest.mark.realdata
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_att_gt_and_se_match_r_did(mpdta: pl.DataFrame, mpdta_dir: Path, scenario: str) -> None:
    ref = (
        pl.read_csv(mpdta_dir / "ref_attgt.csv")
        .filter(pl.col("scenario") == scenario)
        .select(
            pl.col("group").cast(pl.Int64),
            pl.col("t").cast(pl.Int64).alias("time"),
            pl.col("att").alias("estimate"),
            pl.col("se").alias("std_error"),
        )
        .sort("group", "time")
    )
    assert ref.height == 12
    got = _fit(mpdta, scenario).att_gt.select("group", "time", "estimate", "std_error")
    assert_frame_equal(got.sort("group", "time"), ref, check_exact=False, rel_tol=0, abs_tol=1e-6)


@pytest.mark.realdata
@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("aggregate", ["simple", "dynamic", "group", "calendar"])
def test_aggregates_match_r_did(
    mpdta: pl.DataFrame, mpdta_dir: Path, scenario: str, aggregate: str
) -> None:
    ref = pl.read_csv(mpdta_dir / "ref_aggte.csv", null_values="NA").filter(
        (pl.col("scenario") == scenario) & (pl.col("type") == aggregate)
    )
    overall = ref.select(
        pl.lit("ATT").alias("term"),
        pl.col("overall_att").alias("estimate"),
        pl.col("overall_se").alias("std_error"),
    ).head(1)
    parts = [overall]
    if aggregate != "simple":
        parts.append(
            ref.select(
                (
                    pl.lit(AGG_PREFIX[aggregate]) + pl.col("egt").cast(pl.Int64).cast(pl.String)
                ).alias("term"),
                pl.col("att_egt").alias("estimate"),
                pl.col("se_egt").alias("std_error"),
            )
        )
    want = pl.concat(parts)
    got = _fit(mpdta, scenario, aggregate).table.select("term", "estimate", "std_error")
    assert_frame_equal(got, want, check_exact=False, rel_tol=0, abs_tol=1e-6)


@pytest.mark.realdata
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_pretest_matches_r_did(mpdta: pl.DataFrame, mpdta_dir: Path, scenario: str) -> None:
    ref = pl.read_csv(mpdta_dir / "ref_pretest.csv").filter(pl.col("scenario") == scenario)
    pre = _fit(mpdta, scenario).pretest.row(0, named=True)
    assert pre["statistic"] == pytest.approx(ref["W"][0], abs=1e-6)
    assert pre["p_value"] == pytest.approx(ref["Wpval"][0], abs=5e-6)  # R rounds to 5 digits
    assert pre["df"] == 5  # pre cells: (2006: 2004, 2005), (2007: 2004, 2005, 2006)


@pytest.mark.realdata
def test_key_published_numbers(mpdta: pl.DataFrame) -> None:
    res = _fit(mpdta, "mpdta_nev_dr", "simple")
    assert res.coef("ATT") == pytest.approx(-0.0399512751551763, abs=1e-10)
    assert res.se("ATT") == pytest.approx(0.0120340127701854, abs=1e-10)
    cell = res.att_gt.filter((pl.col("group") == 2004) & (pl.col("time") == 2004))
    assert cell["estimate"][0] == pytest.approx(-0.0105032, abs=1e-7)
    assert res.info.n_obs == 2500 and res.info.n_clusters == {"countyreal": 500}
    assert res.info.df_inference is None


@pytest.mark.realdata
def test_string_ids_null_groups_and_row_order_do_not_matter(mpdta: pl.DataFrame) -> None:
    """pandas 3: string ids (new default str dtype) and nullable groups used to break csdid."""
    base = _fit(mpdta, "mpdta_nev_dr")
    messy = mpdta.with_columns(
        ("c" + pl.col("countyreal").cast(pl.String)).alias("countyreal"),
        pl.when(pl.col("first.treat") > 0).then(pl.col("first.treat")).alias("first.treat"),
    ).sample(fraction=1.0, shuffle=True, seed=SEED)
    assert messy["first.treat"].null_count() == 1545
    got = _fit(messy, "mpdta_nev_dr")
    assert_frame_equal(got.table, base.table, check_exact=False, abs_tol=1e-12)
    assert_frame_equal(got.att_gt, base.att_gt, check_exact=False, abs_tol=1e-12)


def test_string_ids_synthetic() -> None:
    df = simulate_panel(n_firms=200, n_periods=6, seed=SEED)
    a = callaway_santanna(
        df,
        outcome="log_intensity",
        unit="firm",
        time="period",
        group="announce_period",
        aggregate="group",
    )
    b = callaway_santanna(
        df.with_columns(pl.col("firm").str.slice(1).cast(pl.Int64), pl.col("cohort")),
        outcome="log_intensity",
        unit="firm",
        time="period",
        group="cohort",
        aggregate="group",
    )
    assert_frame_equal(a.table, b.table, check_exact=False, abs_tol=1e-12)


def test_recovers_a_known_att_on_simulated_data() -> None:
    df = simulate_panel(
        n_firms=600,
        n_periods=10,
        effect=0.2,
        effect_ramp=0.05,
        cohort_heterogeneity=0.5,
        share_treated=0.6,
        noise_sd=0.1,
        seed=SEED,
    )
    res = callaway_santanna(
        df,
        outcome="log_intensity",
        unit="firm",
        time="period",
        group="announce_period",
        aggregate="dynamic",
    )
    truth = df.filter("treated").group_by("rel_time").agg(pl.col("true_effect").mean())
    rows = res.table.filter(pl.col("term").str.starts_with("rel_")).with_columns(
        pl.col("term").str.strip_prefix("rel_").cast(pl.Int64).alias("rel_time")
    )
    post = rows.join(truth, on="rel_time")
    assert post.height >= 5
    z = ((post["estimate"] - post["true_effect"]) / post["std_error"]).abs()
    assert z.max() < 4
    pre = rows.filter(pl.col("rel_time") < 0)
    assert (pre["estimate"].abs() < 4 * pre["std_error"]).all()
    # ci columns: normal intervals
    r = res.table.row(0, named=True)
    assert r["ci_high"] - r["estimate"] == pytest.approx(1.959963985 * r["std_error"])


def test_funnel_counts_missing_rows_and_unbalanced_units() -> None:
    df = simulate_panel(n_firms=200, n_periods=6, seed=SEED)
    holes = df.with_columns(
        pl.when((pl.col("firm") == "F001") & (pl.col("period") == 2))
        .then(None)
        .otherwise(pl.col("log_intensity"))
        .alias("log_intensity")
    ).filter(~((pl.col("firm") == "F002") & (pl.col("period") == 3)))
    res = callaway_santanna(
        holes,
        outcome="log_intensity",
        unit="firm",
        time="period",
        group="announce_period",
        aggregate="simple",
    )
    f = res.funnel
    assert f["step"].to_list() == ["input", "missing values", "unbalanced units"]
    assert f["rows_dropped"].to_list() == [0, 1, 10]  # F001 keeps 5 rows, F002 has 5
    assert res.info.n_obs == f["rows_remaining"][-1] == 198 * 6


def test_clustered_by_a_coarser_variable() -> None:
    df = simulate_panel(n_firms=200, n_periods=6, seed=SEED).with_columns(
        (pl.col("firm").str.slice(1).cast(pl.Int64) % 20).alias("industry")
    )
    a = callaway_santanna(
        df,
        outcome="log_intensity",
        unit="firm",
        time="period",
        group="announce_period",
        aggregate="simple",
    )
    b = callaway_santanna(
        df,
        outcome="log_intensity",
        unit="firm",
        time="period",
        group="announce_period",
        aggregate="simple",
        cluster="industry",
    )
    assert b.coef("ATT") == pytest.approx(a.coef("ATT"), abs=1e-12)
    assert b.se("ATT") != pytest.approx(a.se("ATT"), rel=1e-6)
    assert b.info.n_clusters["industry"] == 20


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"control": "never"}, "control"),
        ({"method": "ols"}, "method"),
        ({"aggregate": "event"}, "aggregate"),
        ({"outcome": "nope"}, "outcome"),
        ({"covariates": ["nope"]}, "covariates"),
        ({"anticipation": -1}, "anticipation"),
        ({"alpha": 1.5}, "alpha"),
        ({"time": "quarter"}, "time"),
    ],
)
def test_invalid_arguments(kwargs: dict, name: str) -> None:
    df = simulate_panel(n_firms=20, n_periods=4, seed=1)
    args = {
        "outcome": "log_intensity",
        "unit": "firm",
        "time": "period",
        "group": "announce_period",
    } | kwargs
    with pytest.raises(InvalidArgumentError) as err:
        callaway_santanna(df, **args)
    assert err.value.name == name


def test_group_must_be_constant_within_unit_and_rows_unique() -> None:
    df = simulate_panel(n_firms=20, n_periods=4, seed=1)
    bad = df.with_columns(
        pl.when(pl.col("period") == 1)
        .then(3)
        .otherwise(pl.col("announce_period"))
        .alias("announce_period")
    )
    with pytest.raises(InvalidArgumentError, match="constant within each unit"):
        callaway_santanna(
            bad, outcome="log_intensity", unit="firm", time="period", group="announce_period"
        )
    with pytest.raises(InvalidArgumentError, match="duplicates"):
        callaway_santanna(
            pl.concat([df, df.head(1)]),
            outcome="log_intensity",
            unit="firm",
            time="period",
            group="announce_period",
        )


def test_without_never_treated_units_the_last_cohort_is_the_control() -> None:
    df = simulate_panel(n_firms=60, n_periods=6, share_treated=1.0, seed=1)
    assert df["announce_period"].max() == 5
    with pytest.warns(UserWarning, match="last treated cohort"):
        res = callaway_santanna(
            df, outcome="log_intensity", unit="firm", time="period", group="announce_period"
        )
    # periods 5 and 6 (from the last cohort's adoption on) are dropped, as in R did
    assert res.funnel["step"][-1] == "dropped by csdid"
    assert res.funnel["rows_dropped"][-1] == 120
    assert res.info.n_obs == 240
    assert res.att_gt["time"].max() == 4
    nyt = callaway_santanna(
        df,
        outcome="log_intensity",
        unit="firm",
        time="period",
        group="announce_period",
        control="not_yet_treated",
    )
    assert nyt.table["estimate"].is_finite().all()


def test_csdid_failure_becomes_an_estimation_error() -> None:
    df = simulate_panel(n_firms=30, n_periods=4, share_treated=0.5, seed=1)
    constant = df.with_columns(pl.lit(1.0).alias("flat"))
    with pytest.raises(EstimationError, match="csdid failed"):
        callaway_santanna(
            constant,
            outcome="log_intensity",
            unit="firm",
            time="period",
            group="announce_period",
            covariates=["flat"],
            method="ipw",
            aggregate="simple",
        )
