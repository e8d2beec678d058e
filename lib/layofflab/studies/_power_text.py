"""The conclusion of a power run, in sentences built from its numbers.

Effects are written in the units a reader compares with the base rate: percentage points of
probability for ``any_cut``, percentage points of headcount for ``cut_share``; to two
significant digits (the Monte Carlo error of an MDE from a few hundred replications does not
support more).

Examples
--------
>>> effect_text(0.4467, "announcement", "any_cut")
'45 percentage points for an announcement'
>>> effect_text(0.034, "dose", "cut_share")
'0.034 percentage points of headcount per percentage point of capex intensity'
"""

from __future__ import annotations

from typing import Any

import polars as pl

__all__ = ["conclusion", "effect_text", "percent_points"]

#: What one unit of each design's treatment is.
_PER = {
    "announcement": "for an announcement",
    "spike": "for a detected capex spike",
    "dose": "per percentage point of capex intensity",
}
_UNIT = {"any_cut": "percentage points", "cut_share": "percentage points of headcount"}


def percent_points(effect: float, outcome: str) -> float:
    """An effect in percentage points (probabilities × 100; ``cut_share`` is already in pp)."""
    return effect * 100 if outcome == "any_cut" else effect


def _num(x: float) -> str:
    return f"{x:.2g}" if abs(x) < 1e4 else f"{x:,.0f}"


def effect_text(effect: float, design: str, outcome: str) -> str:
    """``"<effect> <unit> <per unit of treatment>"`` for a sentence."""
    return f"{_num(percent_points(effect, outcome))} {_UNIT[outcome]} {_PER[design]}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _mde_phrase(row: dict[str, Any], outcome: str) -> str:
    if row["reached"]:
        return effect_text(row["mde"], row["design"], outcome)
    largest = effect_text(row["bracket_low"], row["design"], outcome)
    return f"more than {largest} (not reached on the grid: power {row['power_low']:.2f} there)"


def _sizes(result: Any, test: str) -> str:
    size = result.size.filter(pl.col("test") == test)
    rates = [f"{100 * s:.1f}%" for s in size["size"].to_list()]
    reps, alpha = result.options.reps, result.options.alpha
    se = 100 * (alpha * (1 - alpha) / reps) ** 0.5
    return (
        f"{_join(rates)} of {reps} replications (Monte Carlo s.e. of a {100 * alpha:g}% rate: "
        f"{se:.1f} points)"
    )


def conclusion(result: Any) -> str:
    """Sentences of a :class:`~layofflab.studies.power.PowerResult`: MDE per design, size."""
    o = result.options
    G = o.n_firms
    if o.outcome == "any_cut":
        base = f"a {100 * o.base_rate:.0f}% base rate of any cut per firm-quarter"
    else:
        base = f"a mean cut of {o.base_share:g}% of headcount per firm-quarter"
    crv3 = result.mde.filter(pl.col("test") == "crv3")
    phrases = [_mde_phrase(r, o.outcome) for r in crv3.iter_rows(named=True)]
    designs = _join(crv3["design"].to_list())
    text = (
        f"With {G} firms × {o.n_periods} quarters, {100 * o.share_treated:.0f}% of firms treated "
        f"in the event designs and {base}, the few-cluster test (CRV3 jackknife, t({G - 1}), "
        f"{100 * o.alpha:g}% two-sided) has 80% power against an effect of {_join(phrases)} "
        f"({designs} design{'s' if crv3.height > 1 else ''}). "
        f"With no effect it rejects in {_sizes(result, 'crv3')}."
    )
    if "wild" in o.tests:
        weights = "Webb" if G <= 12 else "Rademacher"
        text += (
            f" The wild cluster restricted bootstrap ({weights} weights, {o.wild_reps} draws) "
            f"rejects with no effect in {_sizes(result, 'wild')}."
        )
    return text
