"""Benchmark: the capex → cuts study at its default draws on the shipped panel, part by part.

Times, in one process, each part of :func:`layofflab.studies.capex.run_capex` at the default
options (9,999 wild-bootstrap draws, 999 randomization draws, every outcome × treatment):

* the cells (CRV1 + CRV3 fits, the wild bootstrap of every linear term);
* randomization inference (whole histories re-assigned, 999 draws per linear cell);
* the placebos (leads; the outcome a year earlier);
* multiple testing (Holm, BH, Romano–Wolf with a joint wild bootstrap);
* the event study (TWFE, Sun–Abraham, Callaway–Sant'Anna) and the Rambachan–Roth bounds;
* the whole ``run_capex`` call (goal: ≤ 60 s on 2 cores).

Each part is also printed as a ratio to a baseline measured in the same process: one CRV1
``panel_ols`` fit of the main linear cell, repeated 20 times (its median). The panel is built
first (``tables.load_panel``) and not timed. A benchmark script, not a test: nothing is asserted.

Usage: ``python bench/study_bench.py [--reps 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

from layofflab import tables
from layofflab.models import panel_ols
from layofflab.studies import capex as study
from layofflab.studies.capex_design import add_design_columns, fit_cell


def _median_time(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each part (median)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    options = study.CapexOptions()
    panel = tables.load_panel("panel").data
    design = add_design_columns(panel)
    cell = fit_cell(design, outcome="any_cut", treatment="guidance", lags=2, bootstrap_reps=99)
    formula = "any_cut ~ tr_guidance_lag1 + tr_guidance_lag2"
    base = _median_time(
        lambda: panel_ols(
            cell.sample, formula, fe=["company_id", "quarter_id"], cluster="company_id"
        ),
        20,
    )
    fitted: dict = {}

    def cells():
        fitted.clear()
        fitted.update(study._cells(design, options)[0])

    parts = {"cells (CRV1, CRV3, wild bootstrap)": cells}
    parts["randomization inference"] = lambda: [study._ri(c, options) for c in fitted.values()]
    parts["placebos"] = lambda: study._placebo(design, options, fitted)

    def adjust():
        import polars as pl

        main = pl.concat([c.rows for c in fitted.values()], how="diagonal_relaxed").with_columns(
            lag=pl.col("term").str.extract(r"_lag(\d+)$").cast(pl.Int64),
            p_few=pl.col("p_crv3"),
            few_method=pl.lit("CRV3"),
        )
        study._adjust(main, fitted, options)

    parts["multiple testing (Holm, BH, Romano–Wolf)"] = adjust
    parts["event study + HonestDiD"] = lambda: study._events(design, options)
    parts["whole run_capex"] = lambda: study.run_capex(options, panel=panel)
    print(f"baseline: one CRV1 panel_ols fit of the main cell, median of 20: {base * 1e3:.1f} ms")
    print(f"{'part':<44} {'seconds':>8} {'× baseline':>11}")
    for name, fn in parts.items():
        t = _median_time(fn, args.reps)
        print(f"{name:<44} {t:8.2f} {t / base:11.0f}")


if __name__ == "__main__":
    main()
