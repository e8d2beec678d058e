"""spec_curve / SpecGrid: grid bookkeeping, lags, agreement with single fits, parallel runs."""

from __future__ import annotations

import warnings

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from layofflab.errors import InvalidArgumentError
from layofflab.models.panel_ols import panel_ols
from layofflab.models.ppml import ppml
from layofflab.models.simulate import simulate_panel
from layofflab.models.spec_curve import SPEC_COLUMNS, SpecGrid, spec_curve

SEED = 99
#: Serial, loky and dask runs agree to the demeaning tolerance of pyfixest (MAP, 1e-6): the
#: estimates to ~1e-13, the standard errors to ~1e-7 relative (not bit for bit: the
#: alternating projections stop at a tolerance and worker processes may take another path).
SAME = {"check_exact": False, "rel_tol": 1e-6, "abs_tol": 1e-12}


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.filterwarnings("ignore", message=r"(?s).*The inplace keyword")


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    return simulate_panel(
        n_firms=80, n_periods=12, effect=0.3, noise_sd=0.1, seed=SEED
    ).with_columns(
        pl.col("treated").cast(pl.Float64),
        pl.col("capex").log().alias("log_capex"),
        pl.col("headcount").log().alias("log_headcount"),
    )


@pytest.fixture(scope="module")
def grid() -> SpecGrid:
    return SpecGrid(
        outcomes=["log_intensity"],
        treatments=["treated", "log_capex"],
        lags=[0, 2],
        fixed_effects=[["firm"], ["firm", "period"]],
        samples={"all": None, "large": pl.col("headcount") > 15_000},
    )


@pytest.fixture(scope="module")
def serial(panel: pl.DataFrame, grid: SpecGrid) -> pl.DataFrame:
    warnings.filterwarnings("ignore", message=r"(?s).*The inplace keyword")
    return spec_curve(panel, grid=grid, unit="firm", time="period", cluster="firm", n_jobs=1)


def test_grid_bookkeeping(grid: SpecGrid) -> None:
    assert len(grid) == 16
    specs = grid.specs()
    assert specs["spec_id"].to_list() == list(range(16))
    assert specs.row(0) == (0, "log_intensity", "treated", 0, "firm", "all")
    assert specs.row(15) == (15, "log_intensity", "log_capex", 2, "firm + period", "large")
    assert specs.select(pl.exclude("spec_id")).is_unique().all()
    assert grid.columns() == {
        "log_intensity",
        "treated",
        "log_capex",
        "firm",
        "period",
        "headcount",
    }


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"outcomes": []}, "outcomes"),
        ({"treatments": [1]}, "treatments"),
        ({"lags": [-1]}, "lags"),
        ({"lags": [1, 1]}, "lags"),
        ({"fixed_effects": []}, "fixed_effects"),
        ({"samples": {"a": "headcount > 3"}}, "samples"),
    ],
)
def test_grid_validation(kwargs: dict, name: str) -> None:
    args = {"outcomes": ["y"], "treatments": ["x"]} | kwargs
    with pytest.raises(InvalidArgumentError) as err:
        SpecGrid(**args)
    assert err.value.name == name


def test_result_shape_and_known_effect(serial: pl.DataFrame) -> None:
    assert serial.columns == list(SPEC_COLUMNS)
    assert serial.height == 16 and serial["error"].is_null().all()
    main = serial.filter(
        (pl.col("treatment") == "treated")
        & (pl.col("lag") == 0)
        & (pl.col("fixed_effects") == "firm + period")
        & (pl.col("sample") == "all")
    )
    assert abs(main["estimate"][0] - 0.3) < 0.05
    assert main["n_obs"][0] == 960 and main["n_clusters"][0] == 80
    lagged = serial.filter((pl.col("lag") == 2) & (pl.col("sample") == "all"))
    assert (lagged["n_obs"] == 80 * 10).all()  # two quarters lost per firm


def test_each_row_equals_a_direct_fit(panel: pl.DataFrame, serial: pl.DataFrame) -> None:
    lagged = panel.sort("firm", "period").with_columns(
        pl.col("log_capex").shift(2).over("firm").alias("lc2")
    )
    direct = panel_ols(
        lagged.filter(pl.col("headcount") > 15_000),
        "log_intensity ~ lc2",
        fe=["firm", "period"],
        cluster="firm",
    )
    row = serial.filter(pl.col("spec_id") == 15)
    want = direct.table.drop("term")
    assert_frame_equal(row.select(want.columns), want)
    assert row["n_obs"][0] == direct.info.n_obs


def test_lags_match_on_the_period_not_the_row() -> None:
    df = pl.DataFrame(
        {
            "u": ["a"] * 5 + ["b"] * 4,
            "t": [1, 2, 3, 5, 6, 1, 2, 3, 4],
            "x": [1.0, 2, 3, 5, 6, 10, 20, 30, 40],
            "y": [0.5, 1.9, 3.2, 4.8, 6.1, 9.7, 20.4, 29.9, 40.2],
        }
    )
    out = spec_curve(df, outcomes=["y"], treatments=["x"], lags=[1], unit="u", time="t", n_jobs=1)
    # rows with a lag: a@2, a@3, a@6 (a@5 has no period 4), b@2, b@3, b@4
    assert out["n_obs"][0] == 6
    with pytest.raises(InvalidArgumentError) as err:
        spec_curve(df, outcomes=["y"], treatments=["x"], lags=[1], n_jobs=1)
    assert err.value.name == "unit"


def test_ppml_specs_match_direct_ppml(panel: pl.DataFrame) -> None:
    out = spec_curve(
        panel,
        outcomes=["cuts"],
        treatments=["treated"],
        fixed_effects=[["firm", "period"]],
        estimator="ppml",
        offset="log_headcount",
        cluster="firm",
        n_jobs=1,
    )
    direct = ppml(
        panel.with_columns(pl.col("treated").alias("_x")),
        "cuts ~ _x",
        fe=["firm", "period"],
        cluster="firm",
        offset="log_headcount",
    )
    assert out["estimate"][0] == pytest.approx(direct.coef("_x"), abs=1e-12)
    assert out["std_error"][0] == pytest.approx(direct.se("_x"), abs=1e-12)


def test_a_failing_spec_is_reported_not_raised(panel: pl.DataFrame) -> None:
    out = spec_curve(
        panel,
        outcomes=["log_intensity"],
        treatments=["treated"],
        fixed_effects=[["firm"]],
        cluster="firm",
        n_jobs=1,
        samples={"all": None, "never": pl.col("announce_period").is_null()},
    )
    assert out["error"][0] is None
    assert out["estimate"][1] is None and out["error"][1] is not None


def test_controls_are_added(panel: pl.DataFrame) -> None:
    a = spec_curve(
        panel,
        outcomes=["log_intensity"],
        treatments=["treated"],
        fixed_effects=[["firm"]],
        cluster="firm",
        n_jobs=1,
    )
    b = spec_curve(
        panel,
        outcomes=["log_intensity"],
        treatments=["treated"],
        fixed_effects=[["firm"]],
        cluster="firm",
        n_jobs=1,
        controls=["np.log(headcount)"],
    )
    direct = panel_ols(
        panel.with_columns(pl.col("treated").alias("_x")),
        "log_intensity ~ _x + np.log(headcount)",
        fe=["firm"],
        cluster="firm",
    )
    assert b["estimate"][0] == pytest.approx(direct.coef("_x"), abs=1e-12)
    assert a["estimate"][0] != pytest.approx(b["estimate"][0], abs=1e-9)


def test_parallel_local_processes_give_the_same_answer(
    panel: pl.DataFrame, grid: SpecGrid, serial: pl.DataFrame
) -> None:
    par = spec_curve(panel, grid=grid, unit="firm", time="period", cluster="firm", n_jobs=2)
    assert_frame_equal(par, serial, **SAME)
    assert (par["estimate"] - serial["estimate"]).abs().max() < 1e-10


def test_dask_client_gives_the_same_answer(
    panel: pl.DataFrame, grid: SpecGrid, serial: pl.DataFrame
) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        out = spec_curve(
            panel, grid=grid, unit="firm", time="period", cluster="firm", client=client
        )
    assert_frame_equal(out, serial, **SAME)


@pytest.mark.slow
def test_dask_process_cluster_gives_the_same_answer(
    panel: pl.DataFrame, grid: SpecGrid, serial: pl.DataFrame
) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        out = spec_curve(
            panel, grid=grid, unit="firm", time="period", cluster="firm", client=client
        )
    assert_frame_equal(out, serial, **SAME)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({}, "grid"),
        ({"outcomes": ["log_intensity"], "treatments": ["nope"]}, "df"),
        (
            {"outcomes": ["log_intensity"], "treatments": ["treated"], "estimator": "gls"},
            "estimator",
        ),
        ({"outcomes": ["cuts"], "treatments": ["treated"], "offset": "log_headcount"}, "offset"),
        ({"outcomes": ["cuts"], "treatments": ["treated"], "n_jobs": 0}, "n_jobs"),
    ],
)
def test_invalid_arguments(panel: pl.DataFrame, kwargs: dict, name: str) -> None:
    with pytest.raises(InvalidArgumentError) as err:
        spec_curve(panel, **kwargs)
    assert err.value.name == name


def test_grid_and_dimensions_are_exclusive(panel: pl.DataFrame, grid: SpecGrid) -> None:
    with pytest.raises(InvalidArgumentError):
        spec_curve(panel, grid=grid, outcomes=["cuts"], treatments=["treated"])
