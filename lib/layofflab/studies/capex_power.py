"""Minimum detectable effects of the capex study's designs at the size of its own samples.

:func:`study_mde` takes a :class:`~layofflab.studies.capex.CapexResult` and, for each of the
three designs, the sample of its any-cut cell — announcement (``guidance``), capex spike, capex
intensity — and runs :func:`layofflab.studies.power.run_power` with that cell's number of firms,
its number of quarters (plus the lag) and its base rate of a cut, so the MDE says what *this*
panel could detect, beside the estimate the study found.

Examples
--------
>>> DESIGN_CELLS["announcement"]
'guidance'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from layofflab import config
from layofflab.checks import check_scalar
from layofflab.studies.power import PowerOptions, run_power

if TYPE_CHECKING:
    from layofflab.studies.capex import CapexResult

__all__ = ["DESIGN_CELLS", "EFFECTS", "study_mde"]

#: Power-simulation design → the study's treatment whose any-cut cell it mirrors.
DESIGN_CELLS = {"announcement": "guidance", "spike": "capex_spike", "dose": "capex_intensity"}
#: Effect grids: probability per event (event designs), per percentage point of intensity (dose).
EFFECTS = {
    "announcement": (0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
    "spike": (0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
    "dose": (0.0, 0.05, 0.1, 0.2, 0.3, 0.5),
}


def study_mde(
    result: CapexResult, *, reps: int = 40, seed: int = config.DEFAULT_SEED
) -> pl.DataFrame:
    """The MDE at 80% power (CRV3, 5%) of each design at its any-cut cell's sample size.

    Returns one row per design: the cell's estimate, firms, quarters and base rate, the MDE
    (null when 80% is not reached on the grid) with its note, and the replications used.
    """
    check_scalar(reps, "reps", int, min_val=10)
    rows = []
    for design, treatment in DESIGN_CELLS.items():
        cell = result.cells.get(("any_cut", treatment))
        if cell is None:
            continue
        sample = cell.sample
        firms = int(sample["company_id"].n_unique())
        quarters = int(sample["time_index"].n_unique()) + result.options.lags
        base = float(sample.select(pl.col("any_cut").mean()).item())
        if firms < 3:
            continue
        power = run_power(
            PowerOptions(
                design=design,
                n_firms=firms,
                n_periods=max(8, quarters),
                base_rate=min(max(base, 0.05), 0.95),
                outcome="any_cut",
                effects={design: EFFECTS[design]},
                reps=reps,
                test="crv3",
                seed=seed,
            )
        )
        mde = power.mde.row(0, named=True)
        estimate = cell.rows.filter(pl.col("term").str.ends_with("_lag1"))["estimate"][0]
        rows.append(
            {
                "design": design,
                "treatment": treatment,
                "outcome": "any_cut",
                "estimate": estimate,
                "n_firms": firms,
                "n_quarters": max(8, quarters),
                "base_rate": round(base, 3),
                "mde": mde["mde"],
                "note": mde["note"],
                "reps": reps,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "design": pl.String,
            "treatment": pl.String,
            "outcome": pl.String,
            "estimate": pl.Float64,
            "n_firms": pl.Int64,
            "n_quarters": pl.Int64,
            "base_rate": pl.Float64,
            "mde": pl.Float64,
            "note": pl.String,
            "reps": pl.Int64,
        },
    )
