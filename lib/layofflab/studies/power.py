"""Simulated power of the capex study's three designs at the size of the real panel.

The study behind ``notebooks/04_power.ipynb``. For each design (``"announcement"``,
``"spike"``, ``"dose"``, see :mod:`layofflab.models.design_sim`) and each planted effect on
a grid, :func:`run_power` draws ``reps`` panels of ``n_firms`` × ``n_periods`` with
:func:`~layofflab.models.design_sim.simulate_design_panel`, fits the study's model —
``outcome ~ treat_lag1`` with firm and quarter fixed effects (:func:`~layofflab.models.panel_ols`)
— and tests H0: no effect at level ``alpha``, two-sided, with

* ``"crv3"`` — the leave-one-firm-out jackknife (CRV3, MacKinnon, Nielsen & Webb 2023) with
  t(G − 1) inference: the study's few-cluster test;
* ``"wild"`` — the wild cluster restricted bootstrap (WCR11, Webb weights when G ≤ 12, else
  Rademacher; :func:`~layofflab.models.wild_bootstrap`), shown as a comparison.

Power is the share of replications that reject, with its Monte Carlo standard error
√(p(1 − p)/reps); at effect 0 it is the test's size. The minimum detectable effect (MDE) is the
effect at which power reaches 80%, interpolated linearly between the two grid points that
bracket it. The effect is in the outcome's units per unit of treatment: a probability for
``any_cut`` (shown in percentage points), percentage points of headcount for ``cut_share``;
per announcement or detected spike in the event designs, per percentage point of capex
intensity (capex ÷ lagged assets) in the dose design.

Replication *r* of a design draws its panel from a seed derived from (``seed``, design, *r*)
with :class:`numpy.random.SeedSequence` — the same for every effect on the grid (common random
numbers: the curves are smooth in the effect) and whatever the number of worker processes.

Examples
--------
>>> r = run_power(PowerOptions(design="announcement", effects=(0.0, 0.5), reps=20))
>>> r.power.select("design", "effect", "power", "reps").rows()
[('announcement', 0.0, 0.05, 20), ('announcement', 0.5, 0.9, 20)]
>>> r.mde.select("design", "mde", "bracket_low", "bracket_high").rows()
[('announcement', 0.3947, 0.0, 0.5)]
>>> PowerOptions(outcome="cuts")
Traceback (most recent call last):
...
layofflab.errors.InvalidArgumentError: outcome='cuts': expected one of 'any_cut', 'cut_share'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from layofflab.checks import check_choice, check_scalar, check_sequence
from layofflab.errors import InvalidArgumentError
from layofflab.models import panel_ols, wild_bootstrap
from layofflab.models.design_sim import DESIGNS, Design, simulate_design_panel
from layofflab.studies import _power_summary as summary

__all__ = [
    "DEFAULT_EFFECTS",
    "OUTCOMES",
    "TARGET_POWER",
    "TESTS",
    "PowerOptions",
    "PowerResult",
    "run_power",
]

OUTCOMES: tuple[str, ...] = ("any_cut", "cut_share")
TESTS: tuple[str, ...] = ("crv3", "wild")
#: Power at which the minimum detectable effect is read.
TARGET_POWER = 0.8
#: Effect grids when ``PowerOptions.effects`` is None (same units for both outcomes).
DEFAULT_EFFECTS: dict[str, tuple[float, ...]] = {
    "announcement": (0.0, 0.1, 0.2, 0.3, 0.45, 0.6),
    "spike": (0.0, 0.1, 0.2, 0.3, 0.45, 0.6),
    "dose": (0.0, 0.02, 0.04, 0.06, 0.09, 0.12),
}
#: Above this many fits ``run_power(n_jobs=None)`` uses every core (joblib processes).
PARALLEL_MIN_FITS = 600
_FE = ["company_id", "time_index"]
#: One fit of :func:`_replicate`: design, effect, rep, estimate, std_error, p_crv3, covered, p_wild.
_Row = tuple[str, float, int, float, float, float, bool, float | None]


def _check_open_unit(value: Any, name: str) -> None:
    """Raise unless ``value`` is a number strictly between 0 and 1."""
    check_scalar(value, name, float, min_val=0, max_val=1, include_boundaries="neither")


def _names(
    value: Any, name: str, choices: tuple[str, ...], everything: str | None
) -> tuple[str, ...]:
    if isinstance(value, str):
        if everything is not None and value == everything:
            return choices
        return (check_choice(value, name, choices),)
    items = check_sequence(value, name, of=str, allow_empty=False)
    for item in items:
        check_choice(item, name, choices)
    if len(set(items)) < len(items):
        raise InvalidArgumentError(name, value, expected="names without repeats")
    return items


def _grid(values: Any, name: str) -> tuple[float, ...]:
    grid = check_sequence(values, name, of=float, allow_empty=False)
    if not all(math.isfinite(v) and v >= 0 for v in grid) or len(set(grid)) < len(grid):
        raise InvalidArgumentError(name, values, expected="distinct finite effects ≥ 0")
    return tuple(sorted({0.0, *map(float, grid)}))


@dataclass(frozen=True)
class PowerOptions:
    """Run options (the notebook's parameters).

    Attributes
    ----------
    design : str or tuple of str
        ``"announcement"``, ``"spike"``, ``"dose"``, several of them, or ``"all"``.
    n_firms, n_periods : int
        Firms (clusters) and quarters of each simulated panel (the shipped panel: 13 × 28).
    base_rate : float
        Probability of any cut per firm-quarter without treatment.
    base_share : float
        Mean cut in percent of headcount without treatment.
    share_treated : float
        Share of firms with an event (announcement and spike designs); the rest never treated.
    outcome : {"any_cut", "cut_share"}
        The linear-probability model of any cut, or OLS of the share of headcount cut.
    effects : sequence of float, mapping of design to sequence, or None
        Effect grid, for all designs or per design; None = :data:`DEFAULT_EFFECTS`. Effects are
        ≥ 0; 0 is always added (the size).
    reps : int
        Replications per design and effect.
    alpha : float
        Level of the two-sided test.
    test : str or tuple of str
        ``"crv3"`` (the study's few-cluster test), ``"wild"``, or both.
    wild_reps : int
        Bootstrap draws per replication (Rademacher with 2^G ≤ ``wild_reps`` enumerates).
    seed : int
        Base seed; replication seeds derive from it.
    """

    design: str | tuple[str, ...] = "all"
    n_firms: int = 13
    n_periods: int = 28
    base_rate: float = 0.31
    base_share: float = 0.3
    share_treated: float = 0.7
    outcome: str = "any_cut"
    effects: Sequence[float] | Mapping[str, Sequence[float]] | None = None
    reps: int = 200
    alpha: float = 0.05
    test: str | tuple[str, ...] = "crv3"
    wild_reps: int = 999
    seed: int = 20251210

    def __post_init__(self) -> None:
        designs = _names(self.design, "design", DESIGNS, "all")
        tests = _names(self.test, "test", TESTS, None)
        check_scalar(self.n_firms, "n_firms", int, min_val=3)
        check_scalar(self.n_periods, "n_periods", int, min_val=8)
        _check_open_unit(self.base_rate, "base_rate")
        check_scalar(self.base_share, "base_share", float, min_val=0)
        _check_open_unit(self.share_treated, "share_treated")
        check_choice(self.outcome, "outcome", OUTCOMES)
        check_scalar(self.reps, "reps", int, min_val=2)
        _check_open_unit(self.alpha, "alpha")
        check_scalar(self.wild_reps, "wild_reps", int, min_val=19)
        check_scalar(self.seed, "seed", int, min_val=0)
        effects = self.effects
        if isinstance(effects, Mapping):
            unknown = sorted(set(effects) - set(DESIGNS))
            if unknown:
                raise InvalidArgumentError("effects", unknown, expected=f"designs among {DESIGNS}")
            effects = {d: _grid(g, f"effects[{d!r}]") for d, g in effects.items()}
        elif effects is not None:
            effects = _grid(effects, "effects")
        # lists (papermill) become tuples; effect grids are sorted, 0 added
        if not isinstance(self.design, str):
            object.__setattr__(self, "design", designs)
        if not isinstance(self.test, str):
            object.__setattr__(self, "test", tests)
        object.__setattr__(self, "effects", effects)

    @property
    def designs(self) -> tuple[Design, ...]:
        """The designs run, in :data:`~layofflab.models.design_sim.DESIGNS` order."""
        chosen = self.design if not isinstance(self.design, str) else (self.design,)
        chosen = DESIGNS if self.design == "all" else chosen
        return tuple(d for d in DESIGNS if d in chosen)

    @property
    def tests(self) -> tuple[str, ...]:
        """The tests run, ``"crv3"`` first."""
        chosen = self.test if not isinstance(self.test, str) else (self.test,)
        return tuple(t for t in TESTS if t in chosen)

    def grid(self, design: str) -> tuple[float, ...]:
        """The sorted effect grid of ``design`` (0 included)."""
        check_choice(design, "design", DESIGNS)
        if isinstance(self.effects, Mapping) and design in self.effects:
            return tuple(self.effects[design])
        if self.effects is None or isinstance(self.effects, Mapping):
            return DEFAULT_EFFECTS[design]
        return tuple(self.effects)


def _seeds(seed: int, design: str, rep: int) -> tuple[int, int]:
    """(panel seed, bootstrap seed) of replication ``rep`` of ``design``."""
    state = np.random.SeedSequence(seed, spawn_key=(DESIGNS.index(design), rep))
    a, b = state.generate_state(2)
    return int(a), int(b)


def _replicate(options: PowerOptions, design: Design, rep: int) -> list[_Row]:
    sim_seed, wild_seed = _seeds(options.seed, design, rep)
    rows: list[_Row] = []
    for effect in options.grid(design):
        df = simulate_design_panel(
            design,
            n_firms=options.n_firms,
            n_periods=options.n_periods,
            effect=effect,
            share_treated=options.share_treated,
            base_share=options.base_share,
            base_rate=options.base_rate,
            seed=sim_seed,
        )
        res = panel_ols(
            df,
            f"{options.outcome} ~ treat_lag1",
            fe=_FE,
            cluster="company_id",
            vcov="jackknife",
            alpha=options.alpha,
        )
        row = res.table.row(0, named=True)
        p_wild = None
        if "wild" in options.tests:
            wb = wild_bootstrap(
                res, param="treat_lag1", reps=options.wild_reps, weights="auto", seed=wild_seed
            )
            p_wild = wb.p_value
        covered = row["ci_low"] <= effect <= row["ci_high"]
        rows.append(
            (
                design,
                effect,
                rep,
                row["estimate"],
                row["std_error"],
                row["p_value"],
                covered,
                p_wild,
            )
        )
    return rows


def _run_batch(options: PowerOptions, tasks: list[tuple[Design, int]]) -> list[_Row]:
    from threadpoolctl import threadpool_limits

    # Tiny dense solves: one BLAS thread each (several threads contend on a busy 2-core box).
    with threadpool_limits(limits=1):
        return [row for design, rep in tasks for row in _replicate(options, design, rep)]


_DRAWS_SCHEMA = {
    "design": pl.String,
    "effect": pl.Float64,
    "rep": pl.Int64,
    "estimate": pl.Float64,
    "std_error": pl.Float64,
    "p_crv3": pl.Float64,
    "covered": pl.Boolean,
    "p_wild": pl.Float64,
}


def _draws(options: PowerOptions, n_jobs: int | None) -> pl.DataFrame:
    tasks = [(d, r) for d in options.designs for r in range(options.reps)]
    n_fits = sum(len(options.grid(d)) for d in options.designs) * options.reps
    if n_jobs is None:
        n_jobs = 1 if n_fits < PARALLEL_MIN_FITS else -1
    if check_scalar(n_jobs, "n_jobs", int) == 0:
        raise InvalidArgumentError("n_jobs", n_jobs, expected="a non-zero integer")
    if n_jobs == 1:
        rows = _run_batch(options, tasks)
    else:
        from joblib import Parallel, cpu_count, delayed

        workers = cpu_count() if n_jobs < 0 else n_jobs
        n = max(1, min(len(tasks), 4 * workers))
        out = Parallel(n_jobs=n_jobs, backend="loky")(
            delayed(_run_batch)(options, tasks[i::n]) for i in range(n)
        )
        rows = [row for batch in out for row in batch]
    frame = pl.DataFrame(rows, schema=_DRAWS_SCHEMA, orient="row")
    order = pl.col("design").replace_strict({d: i for i, d in enumerate(DESIGNS)})
    return frame.sort(order, "rep", "effect")


@dataclass(frozen=True)
class PowerResult:
    """Power, minimum detectable effects, size and coverage of one :func:`run_power` run.

    Attributes
    ----------
    options : PowerOptions
    power : polars.DataFrame
        ``design, outcome, test, effect, power, mc_se, mean_estimate, reps``: rejection rate
        of H0: no effect, its Monte Carlo standard error, the mean estimate.
    mde : polars.DataFrame
        ``design, outcome, test, mde, bracket_low, bracket_high, power_low, power_high,
        reached, note``: effect at 80% power, the grid points that bracket it and their power;
        when 80% is not reached on the grid ``mde`` and ``bracket_high`` are null,
        ``bracket_low`` is the largest effect and ``note`` says so.
    size : polars.DataFrame
        ``design, outcome, test, size, mc_se, reps``: rejection rate at effect 0.
    coverage : polars.DataFrame
        ``design, effect, coverage, mc_se``: share of 95%-level (1 − ``alpha``) CRV3 t(G − 1)
        intervals that contain the planted effect.
    draws : polars.DataFrame
        One row per design × effect × replication: estimate, CRV3 standard error and
        p-value, interval covers the effect, wild-bootstrap p-value (null unless run).
    """

    options: PowerOptions
    power: pl.DataFrame
    mde: pl.DataFrame
    size: pl.DataFrame
    coverage: pl.DataFrame
    draws: pl.DataFrame

    def table(self, *, decimals: int | None = None) -> pl.DataFrame:
        """For reading: one row per design × effect.

        Columns: the mean estimate, the CRV3 coverage, and ``power_<test>``, ``mc_se_<test>``
        for each test run; ``decimals`` rounds the floats.
        """
        out = summary.wide_table(self.power, self.coverage)
        if decimals is None:
            return out
        rounded = pl.col(pl.Float64).exclude("effect").round(decimals)
        return out.with_columns(rounded.replace(-0.0, 0.0))  # a rounded -0.0 shown as 0.0

    def conclusion(self) -> str:
        """Sentences built from the numbers: the MDE per design and the size of the test."""
        return summary.conclusion(self)


def run_power(options: PowerOptions = PowerOptions(), *, n_jobs: int | None = None) -> PowerResult:
    """Simulate the designs, test every replication, tabulate power, MDE, size and coverage.

    Parameters
    ----------
    options : PowerOptions
    n_jobs : int, optional
        Worker processes (joblib ``loky``); ``1`` runs here. Default: here below
        :data:`PARALLEL_MIN_FITS` fits, every core above. The answer does not depend on it.

    Returns
    -------
    PowerResult

    Examples
    --------
    >>> r = run_power(PowerOptions(design="dose", effects=(0.09,), reps=10, test=("crv3", "wild")))
    >>> r.size.select("design", "test", "size", "reps").rows()
    [('dose', 'crv3', 0.0, 10), ('dose', 'wild', 0.0, 10)]
    >>> r.coverage["coverage"].to_list()
    [1.0, 0.9]
    """
    if not isinstance(options, PowerOptions):
        raise InvalidArgumentError("options", options, expected="a PowerOptions instance")
    draws = _draws(options, n_jobs)
    power = summary.power_table(
        draws, outcome=options.outcome, tests=options.tests, alpha=options.alpha
    )
    size = power.filter(pl.col("effect") == 0).select(
        "design", "outcome", "test", pl.col("power").alias("size"), "mc_se", "reps"
    )
    coverage = summary.coverage_table(draws)
    mde = summary.mde_table(power, TARGET_POWER)
    return PowerResult(options, power, mde, size, coverage, draws)
