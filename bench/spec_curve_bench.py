"""Benchmark: a 256-specification curve on 10,000 rows (goal: <= 30 s on 2 cores).

Grid: 4 outcomes × 4 treatments × 4 lags × 2 fixed-effect sets × 2 samples, panel OLS
with firm-clustered SEs, on ``simulate_panel(n_firms=250, n_periods=40)``. Timed in one
process:

* ``serial``        — ``n_jobs=1`` (after a one-spec warm-up, so numba compilation is
  not counted);
* ``parallel_cold`` — ``n_jobs=N``, first call: includes starting the loky workers,
  importing pyfixest in them and compiling;
* ``parallel_warm`` — the same call again on the reused workers;
* ``dask`` (``--dask``) — a ``LocalCluster`` with N single-threaded worker processes
  (start-up time reported separately).

Peak memory is the largest resident set size of this process plus its children,
sampled every 50 ms. All runs must give the same frame (to pyfixest's demeaning
tolerance: estimates to ~1e-13, standard errors to ~1e-7 relative).

Usage::

    .venv/bin/python bench/spec_curve_bench.py [--jobs 2] [--dask] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
import warnings

import polars as pl
import psutil
from polars.testing import assert_frame_equal

from layofflab.models.simulate import simulate_panel
from layofflab.models.spec_curve import SpecGrid, spec_curve
from layofflab.panel.events import capex_spike_events

SEED = 20251028
SAME = {"check_exact": False, "rel_tol": 1e-6, "abs_tol": 1e-12}


class PeakRSS:
    """Sample the RSS of this process and its children in a background thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._proc = psutil.Process(os.getpid())
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        total = self._proc.memory_info().rss
        for child in self._proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self.interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def make_data() -> pl.DataFrame:
    df = simulate_panel(n_firms=250, n_periods=40, effect=0.2, seed=SEED)
    df = capex_spike_events(df, unit="firm", time="period", k=2.0, window=4)
    return df.with_columns(
        pl.col("treated").cast(pl.Float64),
        pl.col("capex_spike").fill_null(False).cast(pl.Float64),
        pl.col("capex").log().alias("log_capex"),
        (pl.col("capex").log() - pl.col("capex").log().shift(4).over("firm")).alias("capex_growth"),
        pl.col("cuts").log1p().alias("log1p_cuts"),
        (1000 * pl.col("cuts") / pl.col("headcount")).alias("cut_rate"),
        (pl.col("cuts") > 0).cast(pl.Float64).alias("any_cut"),
    )


GRID = SpecGrid(
    outcomes=["log_intensity", "log1p_cuts", "cut_rate", "any_cut"],
    treatments=["treated", "capex_spike", "log_capex", "capex_growth"],
    lags=[0, 1, 2, 4],
    fixed_effects=[["firm"], ["firm", "period"]],
    samples={"all": None, "large": pl.col("headcount") >= 20_000},
)


def run(df: pl.DataFrame, **kw: object) -> tuple[pl.DataFrame, float]:
    t0 = time.perf_counter()
    out = spec_curve(df, grid=GRID, unit="firm", time="period", cluster="firm", **kw)
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--dask", action="store_true", help="also time a dask LocalCluster")
    ap.add_argument("--json", help="write the figures to this JSON file")
    args = ap.parse_args()
    warnings.filterwarnings("ignore", message=r"(?s).*The inplace keyword")

    df = make_data()
    assert df.height == 10_000 and len(GRID) == 256
    figures: dict[str, object] = {
        "rows": df.height,
        "specs": len(GRID),
        "jobs": args.jobs,
        "cpus": os.cpu_count(),
    }
    with PeakRSS() as mem:
        spec_curve(
            df,
            outcomes=["log_intensity"],
            treatments=["treated"],
            fixed_effects=[["firm"]],
            cluster="firm",
            n_jobs=1,
        )  # compile once
        serial, figures["serial_s"] = run(df, n_jobs=1)
        cold, figures["parallel_cold_s"] = run(df, n_jobs=args.jobs)
        warm, figures["parallel_warm_s"] = run(df, n_jobs=args.jobs)
        assert_frame_equal(cold, serial, **SAME)
        assert_frame_equal(warm, serial, **SAME)
        if args.dask:
            from dask.distributed import Client, LocalCluster

            t0 = time.perf_counter()
            with (
                LocalCluster(
                    n_workers=args.jobs,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                ) as cluster,
                Client(cluster) as client,
            ):
                figures["dask_startup_s"] = time.perf_counter() - t0
                out, figures["dask_s"] = run(df, client=client)
            assert_frame_equal(out, serial, **SAME)
    figures["failed_specs"] = int(serial["error"].is_not_null().sum())
    figures["ratio_parallel_warm_over_serial"] = figures["parallel_warm_s"] / figures["serial_s"]
    figures["ratio_parallel_cold_over_serial"] = figures["parallel_cold_s"] / figures["serial_s"]
    figures["peak_rss_mb"] = mem.peak / 2**20
    figures["goal_30s_met"] = figures["parallel_cold_s"] <= 30
    for k, v in figures.items():
        print(f"{k:>34}: {v:.2f}" if isinstance(v, float) else f"{k:>34}: {v}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(figures, fh, indent=2)


if __name__ == "__main__":
    main()
