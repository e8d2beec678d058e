"""Placebos of the capex study: future treatment (leads) and the outcome a year earlier.

Each fitted cell's main lag-1 estimate is followed by its placebo fits. A placebo that cannot
be estimated is a row of its own with the reason in ``note``, never dropped.

Examples
--------
>>> placebo_rows(pl.DataFrame(), {}, lags=2, controls=False, seed=0, universe="bigtech").height
0
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from layofflab.errors import EstimationError
from layofflab.studies import capex_universe as universes
from layofflab.studies.capex_design import OUTCOMES, CellResult, fit_cell, lag_terms

__all__ = ["PLACEBO_TESTS", "placebo_rows"]

#: The placebo tests, in the order the table shows them after the main estimate.
PLACEBO_TESTS = ("future treatment (leads)", "outcome a year earlier")


def placebo_rows(
    design: pl.DataFrame,
    fitted: Mapping[tuple[str, str], CellResult],
    *,
    lags: int,
    controls: bool,
    seed: int,
    universe: str,
) -> pl.DataFrame:
    """Main lag-1 rows and their placebo rows for every fitted (outcome, treatment) cell.

    Parameters
    ----------
    design : polars.DataFrame
        The design frame of :func:`~layofflab.studies.capex_design.add_design_columns`.
    fitted : mapping
        ``(outcome, treatment)`` → its fitted :class:`~layofflab.studies.capex_design.CellResult`.
    lags, controls, seed, universe
        As in :class:`~layofflab.studies.capex.CapexOptions`.

    Returns
    -------
    polars.DataFrame
        ``test`` first, then the cell rows' columns, and ``note`` (the reason) on a placebo that
        could not be estimated; empty when nothing was fitted.
    """
    rows = []
    for (o, t), cell in fitted.items():
        main = cell.rows.filter(pl.col("term") == lag_terms(t, lags)[0])
        rows.append(main.with_columns(test=pl.lit("main (lag 1)")))
        leads, year_before = PLACEBO_TESTS
        for label, kw in (
            (leads, {"leads": 2}),
            (year_before, {"y": f"{OUTCOMES[o].column}_year_before"}),
        ):
            try:
                pc = fit_cell(
                    design,
                    outcome=o,
                    treatment=t,
                    lags=lags,
                    controls=controls,
                    seed=seed,
                    wild=False,
                    exposure=universes.exposure_available(universe),
                    **kw,
                )
            except EstimationError as exc:  # listed, with the reason, never dropped
                rows.append(
                    pl.DataFrame(
                        {"outcome": [o], "treatment": [t], "test": [label], "note": [str(exc)]}
                    )
                )
                continue
            keep = pc.rows if "leads" in kw else pc.rows.filter(pl.col("term") == main["term"][0])
            if "leads" in kw:
                keep = keep.filter(pl.col("term").str.contains("_lead"))
            rows.append(keep.with_columns(test=pl.lit(label)))
    if not rows:
        return pl.DataFrame()
    return pl.concat(rows, how="diagonal_relaxed").select("test", pl.exclude("test"))
