"""Benchmark: two-way FE OLS with firm-clustered SEs on 1,000,000 rows.

Compares, in one process and on the same simulated data (10,000 firms, 40 quarters,
several rows per firm-quarter):

* ``layofflab.models.panel_ols`` (polars in, funnel, singletons, tidy result) versus
  pyfixest ``feols`` called directly on a pandas frame — goal: ratio ≤ 1.5;
* statsmodels OLS with firm and quarter dummy variables versus ours — goal: ≥ 10×,
  or statsmodels cannot hold the dummy design in memory. The dense dummy design needs
  N × (10,000 + 40 + 2) × 8 bytes (≈ 80 GB here), so it is only attempted when that
  fits in ``--sm-mem-gb``; otherwise statsmodels runs on a subsample of firms and the
  ratio on that subsample is printed, clearly labelled.

Peak resident memory (``ru_maxrss``) is printed after each stage; it is cumulative.

Usage: ``python bench/models_bench.py [--rows 1000000 --firms 10000 --quarters 40]``.
This is a benchmark script, not a test; nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import warnings

import numpy as np
import polars as pl


def simulate(rows: int, firms: int, quarters: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    firm = rng.integers(0, firms, size=rows)
    quarter = rng.integers(0, quarters, size=rows)
    a = rng.normal(size=firms)[firm]
    q = rng.normal(size=quarters)[quarter]
    x1 = rng.normal(size=rows) + 0.5 * a
    x2 = rng.normal(size=rows)
    y = 0.3 * x1 - 0.2 * x2 + a + q + rng.normal(size=rows)
    return pl.DataFrame({"firm": firm, "quarter": quarter, "x1": x1, "x2": x2, "y": y})


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--firms", type=int, default=10_000)
    ap.add_argument("--quarters", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument(
        "--sm-mem-gb",
        type=float,
        default=4.0,
        help="largest dense dummy design statsmodels may build",
    )
    ap.add_argument(
        "--sm-firms",
        type=int,
        default=200,
        help="firms in the statsmodels subsample when the full design is too big",
    )
    args = ap.parse_args()

    import pyfixest as pf
    import statsmodels.api as sm

    from layofflab.models import panel_ols

    df = simulate(args.rows, args.firms, args.quarters)
    print(
        f"data: {df.height:,} rows, {args.firms:,} firms, {args.quarters} quarters; "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )

    def ours(frame: pl.DataFrame = df):
        return panel_ols(frame, "y ~ x1 + x2", fe=["firm", "quarter"], cluster="firm")

    ours()  # warm-up (imports, numba/JIT in pyfixest)
    t_ours, res = best_of(ours, args.repeats)
    print(
        f"layofflab panel_ols: {t_ours:.3f} s (best of {args.repeats}); "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )

    pdf = df.to_pandas()

    def direct(frame=pdf):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pf.feols("y ~ x1 + x2 | firm + quarter", frame, vcov={"CRV1": "firm"})

    direct()
    t_pf, fit = best_of(direct, args.repeats)
    print(f"pyfixest feols direct: {t_pf:.3f} s; peak RSS {peak_rss_mb():,.0f} MB")
    gap = np.max(np.abs(res.table["std_error"].to_numpy() - fit.se().to_numpy()))
    print(f"  same SEs as pyfixest: max |diff| = {gap:.2e}")
    print(f"RATIO ours / pyfixest = {t_ours / t_pf:.2f}  (goal <= 1.5)")

    n_cols = args.firms + args.quarters + 2
    need_gb = args.rows * n_cols * 8 / 1e9
    if need_gb <= args.sm_mem_gb:
        sub, label = df, "full data"
    else:
        print(
            f"statsmodels with dummies on the full data needs a dense {args.rows:,} x "
            f"{n_cols:,} design = {need_gb:,.1f} GB > --sm-mem-gb {args.sm_mem_gb} GB: "
            "cannot finish in memory; timing a subsample instead"
        )
        sub = df.filter(pl.col("firm") < args.sm_firms)
        label = f"subsample of {args.sm_firms} firms ({sub.height:,} rows)"

    def sm_dummies(frame=sub):
        pdf_s = frame.to_pandas()
        X = np.column_stack(
            [
                pdf_s[["x1", "x2"]].to_numpy(),
                (pdf_s["firm"].to_numpy()[:, None] == np.unique(pdf_s["firm"])[None, :]),
                (pdf_s["quarter"].to_numpy()[:, None] == np.unique(pdf_s["quarter"])[None, 1:]),
            ]
        ).astype(float)
        return sm.OLS(pdf_s["y"].to_numpy(), X).fit(
            cov_type="cluster", cov_kwds={"groups": pdf_s["firm"].to_numpy()}
        )

    t_sm, _ = best_of(sm_dummies, 1)
    t_ours_sub, _ = best_of(lambda: ours(sub), args.repeats)
    print(
        f"statsmodels dummies ({label}): {t_sm:.3f} s; ours on the same rows: "
        f"{t_ours_sub:.3f} s; peak RSS {peak_rss_mb():,.0f} MB"
    )
    print(f"RATIO statsmodels / ours = {t_sm / t_ours_sub:.1f}  on {label} (goal >= 10)")
    print(f"peak RSS of the whole run: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
