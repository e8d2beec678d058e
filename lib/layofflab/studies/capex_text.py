"""The capex study's conclusions, written from its numbers (never more than they say).

:func:`conclusions` turns a :class:`~layofflab.studies.capex.CapexResult` (and, optionally,
the minimum detectable effects of the power analysis) into short sentences: for each
outcome the strongest few-cluster evidence, whether it survives the multiplicity
adjustment and the placebos, what the event study's pre-test says, and what the design can
detect at all. Thresholds are stated, not implied: "evidence" means a few-cluster p-value
below ``alpha`` *and* a Holm-adjusted p-value below ``alpha`` *and* no placebo below
``alpha``.

Examples
--------
>>> fmt_p(0.0004, reps=None), fmt_p(0.0123, reps=999)
('p < 0.001', 'p = 0.012')
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

import polars as pl

from layofflab.studies.capex_design import OUTCOMES, TREATMENTS

if TYPE_CHECKING:
    from layofflab.studies.capex import CapexResult

__all__ = ["conclusions", "fmt_p"]


def fmt_p(p: float | None, *, reps: int | None = None) -> str:
    """A p-value to the precision it supports (draw-based ones to their Monte Carlo error).

    Examples
    --------
    >>> fmt_p(0.04321), fmt_p(0.0004), fmt_p(0.05, reps=999), fmt_p(None)
    ('p = 0.043', 'p < 0.001', 'p = 0.050', 'p not available')
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p not available"
    if reps:
        se = math.sqrt(max(p * (1 - p), 1e-12) / reps)
        digits = max(2, math.ceil(-math.log10(se)))
        return f"p = {p:.{digits}f}"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _size(b: float, estimator: str, unit: str) -> str:
    if estimator == "ppml":
        return f"{b:+.3g} log points, a rate ratio of {math.exp(b):.3g}"
    return f"{b:+.3g} {unit}"


def _placebo_fails(result: CapexResult, outcome: str, treatment: str, alpha: float) -> list[str]:
    if result.placebo.is_empty():
        return []
    pl_rows = result.placebo.filter(
        (pl.col("outcome") == outcome)
        & (pl.col("treatment") == treatment)
        & (pl.col("test") != "main (lag 1)")
        & (pl.col("p_crv3") < alpha)
    )
    return sorted(set(pl_rows["test"].to_list()))


def conclusions(
    result: CapexResult, *, mde: pl.DataFrame | None = None, alpha: float = 0.05
) -> list[str]:
    """Sentences summarising the study; each one states the numbers it rests on."""
    out: list[str] = []
    adj = result.adjusted.filter(pl.col("p_few").is_not_null())
    n_cells = adj.height
    unestimated = result.adjusted.height - adj.height + result.skipped.height
    # polars types Series.max() as any literal; n_firms is an integer column, M a float one
    firms = int(cast(int, result.main["n_firms"].max())) if result.main.height else 0
    out.append(
        f"{n_cells} outcome × treatment cells were estimated on up to {firms} firms "
        f"(firm and quarter fixed effects, SEs clustered by firm; few-cluster p-values from "
        f"the CRV3 jackknife with t(G−1))."
        + (
            f" {unestimated} more could not be estimated on these data (listed with the reason)."
            if unestimated
            else ""
        )
    )
    supported = []
    for row in adj.sort("p_few").iter_rows(named=True):
        o, t = row["outcome"], row["treatment"]
        fails = _placebo_fails(result, o, t, alpha)
        if row["p_few"] < alpha and row["p_holm"] < alpha and not fails:
            supported.append(row)
    if supported:
        for row in supported:
            o, t = OUTCOMES[row["outcome"]], TREATMENTS[row["treatment"]]
            size = _size(row["estimate"], o.estimator, o.unit)
            out.append(
                f"{t.description.capitalize()} is followed by a change in {o.description} "
                f"of {size} per unit of treatment ({t.unit}) one quarter "
                f"later ({fmt_p(row['p_few'])}, Holm-adjusted {fmt_p(row['p_holm'])}; "
                f"no placebo below {alpha})."
            )
    else:
        best = adj.sort("p_few").row(0, named=True) if adj.height else None
        if best is not None:
            o, t = OUTCOMES[best["outcome"]], TREATMENTS[best["treatment"]]
            size = _size(best["estimate"], o.estimator, o.unit)
            fails = _placebo_fails(result, best["outcome"], best["treatment"], alpha)
            why = []
            if best["p_few"] >= alpha:
                why.append(f"its few-cluster {fmt_p(best['p_few'])} is not below {alpha}")
            if best["p_holm"] >= alpha:
                why.append(
                    f"after Holm's adjustment across {n_cells} cells {fmt_p(best['p_holm'])}"
                )
            if fails:
                why.append("it fails the placebo test(s): " + ", ".join(fails))
            out.append(
                "No cell shows evidence that survives the few-cluster test, the multiplicity "
                f"adjustment and the placebos. The smallest few-cluster p-value is for "
                f"{o.description} on {t.description} ({size}); " + "; ".join(why) + "."
            )
    if result.events is not None:
        pre = result.events.pretrend.drop_nulls("p_value_f")
        if pre.height:
            worst = pre.sort("p_value_f").row(0, named=True)
            verdict = "rejects" if worst["p_value_f"] < alpha else "does not reject"
            tested = ", ".join(pre["estimator"].to_list())
            untested = sorted(set(result.events.pretrend["estimator"]) - set(pre["estimator"]))
            out.append(
                f"In the event study around each firm's first "
                f"{TREATMENTS[result.options.event_treatment].description}, the joint test "
                f"that all leads are zero {verdict} parallel pre-trends ({tested}; smallest "
                f"F-test {fmt_p(worst['p_value_f'])}, {worst['estimator']})"
                + (f"; no pre-test for {', '.join(untested)}." if untested else ".")
            )
    elif result.events_error:
        out.append(f"The event study could not be estimated: {result.events_error}.")
    if result.honest is not None and result.honest.breakdown_m is not None:
        out.append(
            "Under Rambachan–Roth relative-magnitude bounds the robust interval of the "
            f"average post-event effect includes zero from M̄ = {result.honest.breakdown_m:g} on."
        )
    elif result.honest is not None:
        grid = cast(float, result.honest.table["M"].max())
        out.append(
            "The Rambachan–Roth robust interval excludes zero for every M̄ up to "
            f"{grid:g} on the grid."
        )
    if mde is not None and mde.height:
        for row in mde.iter_rows(named=True):
            where = (
                f"{row['n_firms']} firms × {row['n_quarters']} quarters, base rate "
                f"{row['base_rate']:.0%}"
            )
            if row.get("mde") is None:
                out.append(
                    f"At its sample's size ({where}) the {row['design']} design does not reach 80% "
                    "power for any effect on the grid: a null result there is no evidence of no "
                    "effect."
                )
            else:
                size = "above" if abs(row["estimate"]) >= row["mde"] else "below"
                out.append(
                    f"At its sample's size ({where}) the {row['design']} design detects an effect on "
                    f"the probability of a cut of {row['mde']:.2f} with 80% power; the estimate "
                    f"({row['estimate']:+.2f}) is {size} it."
                )
    out.append(
        "Announcements were collected from January 2024 only, so the announcement designs "
        "rest on 2024–2026; capex designs use SEC quarters from 2019 where the firm's filings "
        "are in the data."
    )
    return out
