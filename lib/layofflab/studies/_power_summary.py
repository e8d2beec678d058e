"""Summaries of a power run's draws: power, MDE and coverage tables, and the conclusion.

In the conclusion effects are written in the units a reader compares with the base rate:
percentage points of probability for ``any_cut``, percentage points of headcount for
``cut_share``; to two significant digits (the Monte Carlo error of an MDE from a few hundred
replications does not support more).

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

__all__ = [
    "conclusion",
    "coverage_table",
    "effect_text",
    "mde_table",
    "percent_points",
    "power_table",
    "wide_table",
]

#: What one unit of each design's treatment is.
_PER = {
    "announcement": "for an announcement",
    "spike": "for a detected capex spike",
    "dose": "per percentage point of capex intensity",
}
_UNIT = {"any_cut": "percentage points", "cut_share": "percentage points of headcount"}


def _rate(reject: pl.Expr, name: str) -> list[pl.Expr]:
    p = reject.cast(pl.Float64).mean()
    return [p.alias(name), (p * (1 - p) / pl.len()).sqrt().alias("mc_se")]


def power_table(
    draws: pl.DataFrame, *, outcome: str, tests: tuple[str, ...], alpha: float
) -> pl.DataFrame:
    """Rejection rate per design × test × effect (``p_<test>`` < ``alpha``) with its MC s.e."""
    parts = []
    for test in tests:
        reject = pl.col(f"p_{test}") < alpha
        parts.append(
            draws.group_by("design", "effect", maintain_order=True).agg(
                pl.lit(outcome).alias("outcome"),
                pl.lit(test).alias("test"),
                *_rate(reject, "power"),
                pl.col("estimate").mean().alias("mean_estimate"),
                pl.len().cast(pl.Int64).alias("reps"),
            )
        )
    cols = ["design", "outcome", "test", "effect", "power", "mc_se", "mean_estimate", "reps"]
    return pl.concat(parts).select(cols)


def coverage_table(draws: pl.DataFrame) -> pl.DataFrame:
    """Share of CRV3 intervals that contain the planted effect, per design × effect."""
    return draws.group_by("design", "effect", maintain_order=True).agg(
        *_rate(pl.col("covered"), "coverage")
    )


def wide_table(power: pl.DataFrame, coverage: pl.DataFrame) -> pl.DataFrame:
    """One row per design × effect: mean estimate, CRV3 coverage, power and MC s.e. per test."""
    keys = ["design", "outcome", "effect", "mean_estimate", "reps"]
    tests = power["test"].unique(maintain_order=True).to_list()
    wide = power.pivot(on="test", index=keys, values=["power", "mc_se"])
    per_test = [c for t in tests for c in (f"power_{t}", f"mc_se_{t}")]
    cov = coverage.select("design", "effect", pl.col("coverage").alias("coverage_crv3"))
    joined = wide.join(cov, on=["design", "effect"], how="left", maintain_order="left")
    return joined.select(*keys[:4], "coverage_crv3", *per_test, "reps")


def mde_table(power: pl.DataFrame, target: float) -> pl.DataFrame:
    """Effect at which power first reaches ``target``, interpolated linearly in its bracket.

    Examples
    --------
    >>> power = pl.DataFrame({"design": ["dose"] * 3, "outcome": ["any_cut"] * 3,
    ...                       "test": ["crv3"] * 3, "effect": [0.0, 0.1, 0.2],
    ...                       "power": [0.05, 0.6, 0.9]})
    >>> mde_table(power, 0.8).select("mde", "bracket_low", "bracket_high").row(0)
    (0.1667, 0.1, 0.2)
    >>> mde_table(power, 0.95)["note"][0]
    'not reached on the grid (power 0.90 at 0.2)'
    """
    rows = []
    for (design, outcome, test), g in power.group_by(
        "design", "outcome", "test", maintain_order=True
    ):
        e, p = g["effect"].to_list(), g["power"].to_list()
        k = next((i for i in range(1, len(e)) if p[i] >= target), None)
        if k is None:
            note = f"not reached on the grid (power {p[-1]:.2f} at {e[-1]:g})"
            rows.append((design, outcome, test, None, e[-1], None, p[-1], None, False, note))
            continue
        mde = e[k - 1] + (target - p[k - 1]) / (p[k] - p[k - 1]) * (e[k] - e[k - 1])
        note = f"interpolated between {e[k - 1]:g} (power {p[k - 1]:.2f}) and {e[k]:g} ({p[k]:.2f})"
        rows.append(
            (design, outcome, test, round(mde, 4), e[k - 1], e[k], p[k - 1], p[k], True, note)
        )
    schema = {
        "design": pl.String,
        "outcome": pl.String,
        "test": pl.String,
        "mde": pl.Float64,
        "bracket_low": pl.Float64,
        "bracket_high": pl.Float64,
        "power_low": pl.Float64,
        "power_high": pl.Float64,
        "reached": pl.Boolean,
        "note": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


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


def _test_name(test: str, G: int, wild_reps: int) -> str:
    if test == "crv3":
        return f"the few-cluster test (CRV3 jackknife, t({G - 1}))"
    weights = "Webb" if G <= 12 else "Rademacher"
    return f"the wild cluster restricted bootstrap ({weights} weights, {wild_reps} draws)"


def conclusion(result: Any) -> str:
    """Sentences of a :class:`~layofflab.studies.power.PowerResult`: MDE per design, size."""
    o = result.options
    G = o.n_firms
    if o.outcome == "any_cut":
        base = f"a {100 * o.base_rate:.0f}% base rate of any cut per firm-quarter"
    else:
        base = f"a mean cut of {o.base_share:g}% of headcount per firm-quarter"
    treated = ""
    if any(d != "dose" for d in o.designs):
        treated = (
            f", one event in each of {100 * o.share_treated:.0f}% of the firms (event designs)"
        )
    main, *others = o.tests
    mde = result.mde.filter(pl.col("test") == main)
    phrases = [_mde_phrase(r, o.outcome) for r in mde.iter_rows(named=True)]
    text = (
        f"With {G} firms × {o.n_periods} quarters{treated} and {base}, "
        f"{_test_name(main, G, o.wild_reps)} at {100 * o.alpha:g}% (two-sided) has 80% power "
        f"against an effect of {_join(phrases)}. "
        f"With no effect it rejects in {_sizes(result, main)}."
    )
    for test in others:
        name = _test_name(test, G, o.wild_reps)
        text += f" On the same panels {name} rejects with no effect in {_sizes(result, test)}."
    return text
