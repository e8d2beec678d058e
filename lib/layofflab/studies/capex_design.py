"""The capex → cuts study's designs: treatments, outcomes, samples and the fit of one cell.

A *cell* is one outcome × one treatment: the outcome of quarter *t* regressed on the
treatment of quarters *t − 1 … t − L* (lags, so that everything counted as "after" is
after: a layoff in the announcement's own quarter may precede it and is never counted as a
response), firm and quarter fixed effects, optional controls, standard errors clustered by
firm. Each cell reports CRV1 and CRV3 (leave-one-firm-out jackknife, t(G − 1): the
few-cluster p-value of every model) and, for linear models, the wild cluster restricted
bootstrap beside them.

Treatments (:data:`TREATMENTS`) and outcomes (:data:`OUTCOMES`) are declared once here; a
cell's sample is the firm-quarters where the treatment's source and the outcome's source
both cover the period (a quarter before announcements were collected is *not collected*,
not "no announcement").

Examples
--------
>>> sorted(TREATMENTS)[:3]
['any_announcement', 'capex_intensity', 'capex_spike']
>>> OUTCOMES["workers_cut"].estimator, OUTCOMES["cut_share"].estimator
('ppml', 'ols')
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models import panel_ols, ppml, wild_bootstrap
from layofflab.models.result import EstimationResult

__all__ = [
    "CONTROLS",
    "OUTCOMES",
    "TREATMENTS",
    "Outcome",
    "Treatment",
    "add_design_columns",
    "fit_cell",
    "lag_terms",
]

FE = ("company_id", "quarter_id")
CLUSTER = "company_id"
#: Controls entered when ``controls=True`` (each lagged one quarter, so not a response).
CONTROLS = ("revenue_growth_lag1", "operating_margin_lag1")


@dataclass(frozen=True)
class Treatment:
    """A treatment column built from the panel, the source that must cover it, its unit."""

    name: str
    column: str
    source: str
    kind: str  # "indicator" | "signed" | "dose"
    unit: str
    description: str


@dataclass(frozen=True)
class Outcome:
    """An outcome column, its estimator and the source that must cover it."""

    name: str
    column: str
    estimator: str  # "ppml" | "ols"
    source: str
    offset: bool
    unit: str
    description: str


def _t(
    name: str, column: str, source: str, kind: str, unit: str, description: str
) -> tuple[str, Treatment]:
    return name, Treatment(name, column, source, kind, unit, description)


#: Every treatment of the study.
TREATMENTS: dict[str, Treatment] = dict(
    [
        _t(
            "guidance",
            "tr_guidance",
            "announcements",
            "signed",
            "announcements (+1 guidance or raise, −1 cut)",
            "capex guidance or a raise of it (+1), a guidance cut (−1), in the quarter",
        ),
        _t(
            "guidance_primary",
            "tr_guidance_primary",
            "announcements",
            "signed",
            "announcements (+1/−1)",
            "guidance events whose cited page is a primary source or an established outlet",
        ),
        _t(
            "project_or_partnership",
            "tr_project",
            "announcements",
            "indicator",
            "any in the quarter (0/1)",
            "AI infrastructure projects, pledges and compute partnerships (not capex guidance)",
        ),
        _t(
            "any_announcement",
            "tr_any",
            "announcements",
            "indicator",
            "any in the quarter (0/1)",
            "any dated AI-capex announcement",
        ),
        _t(
            "capex_intensity",
            "tr_intensity",
            "capex",
            "dose",
            "percentage points of lagged total assets",
            "capital expenditure ÷ total assets at the end of the previous quarter, in percent",
        ),
        _t(
            "dlog_capex",
            "tr_dlog_capex",
            "capex",
            "dose",
            "log points",
            "quarter-on-quarter change in log capex",
        ),
        _t(
            "capex_spike",
            "tr_spike",
            "capex",
            "indicator",
            "spike in the quarter (0/1)",
            "capex above k × the firm's trailing four-quarter mean (Bessen et al.'s spike)",
        ),
    ]
)


def _o(
    name: str,
    column: str,
    estimator: str,
    source: str,
    offset: bool,
    unit: str,
    description: str,
) -> tuple[str, Outcome]:
    return name, Outcome(name, column, estimator, source, offset, unit, description)


#: Every outcome of the study (no log(1 + y): counts go to PPML, shares and 0/1 to OLS).
OUTCOMES: dict[str, Outcome] = dict(
    [
        _o(
            "workers_cut",
            "laid_off",
            "ppml",
            "tracker",
            True,
            "log points (exp(b) is the rate ratio)",
            "workers laid off per the trackers, PPML with exposure log headcount",
        ),
        _o(
            "cut_share",
            "cut_share",
            "ols",
            "tracker",
            False,
            "percentage points of headcount",
            "workers laid off as a percent of the latest fiscal-year headcount",
        ),
        _o(
            "any_cut",
            "any_cut",
            "ols",
            "tracker",
            False,
            "probability (linear)",
            "any layoff event reported in the quarter",
        ),
        _o(
            "warn_workers",
            "warn_workers",
            "ppml",
            "warn",
            True,
            "log points",
            "workers in WARN notices (every state), PPML with exposure log headcount",
        ),
        _o(
            "warn_any",
            "warn_any",
            "ols",
            "warn",
            False,
            "probability (linear)",
            "any WARN notice in the quarter",
        ),
    ]
)

_COVERED = {
    "announcements": "announcements_covered",
    "tracker": "tracker_covered",
    "warn": "warn_covered",
    "capex": "capex_covered",
}


def lag_terms(treatment: str, lags: int, leads: int = 0) -> list[str]:
    """Regressor names of a treatment: leads first (placebos), then lags 1..L."""
    col = TREATMENTS[treatment].column
    return [f"{col}_lead{k}" for k in range(leads, 0, -1)] + [
        f"{col}_lag{k}" for k in range(1, lags + 1)
    ]


def _sum(df: pl.DataFrame, cols: Sequence[str]) -> pl.Expr:
    present = [c for c in cols if c in df.columns]
    if not present:
        return pl.lit(None, dtype=pl.Float64)
    return pl.sum_horizontal(pl.col(present).cast(pl.Float64))


def add_design_columns(panel: pl.DataFrame, *, max_lag: int = 4, max_lead: int = 2) -> pl.DataFrame:
    """Add treatment and outcome columns, their lags/leads, the offset and coverage flags.

    Announcement indicators are null where announcements were not collected, so their lags
    are too; capex treatments are null where no capex value exists.
    """
    d = panel.sort("company_id", "time_index")
    guidance_up = _sum(d, ["ann_guidance", "ann_guidance_raise"])
    guidance_cut = _sum(d, ["ann_guidance_cut"]).fill_null(0)
    tier_ok = _sum(d, ["ann_tier_primary", "ann_tier_news"])
    ann = pl.col("announcements_covered")
    d = d.with_columns(
        tr_guidance=pl.when(ann).then((guidance_up - guidance_cut).clip(-1, 1)),
        tr_project=pl.when(ann).then(
            (_sum(d, ["ann_project", "ann_partnership", "ann_pledge"]) > 0).cast(pl.Float64)
        ),
        tr_any=pl.when(ann).then((pl.col("announcements") > 0).cast(pl.Float64)),
        tr_intensity=pl.col("capex_intensity") * 100,
        tr_dlog_capex=pl.col("dlog_capex"),
        tr_spike=pl.col("capex_spike").cast(pl.Float64),
        capex_covered=pl.col("capex_usd").is_not_null(),
        cut_share=pl.when(pl.col("headcount") > 0).then(
            100 * pl.col("laid_off") / pl.col("headcount")
        ),
        any_cut=(pl.col("layoff_events") > 0).cast(pl.Float64),
        warn_any=(pl.col("warn_notices") > 0).cast(pl.Float64),
        log_headcount=pl.when(pl.col("headcount") > 0).then(pl.col("headcount").log()),
        quarter_id=pl.col("period").dt.strftime("%Y-Q") + pl.col("quarter").cast(pl.String),
    )
    # guidance from primary/news pages only: the signed guidance where its tier qualifies
    d = d.with_columns(
        tr_guidance_primary=pl.when(ann).then(
            pl.when(tier_ok > 0).then(pl.col("tr_guidance")).otherwise(0.0)
        )
    )
    shifts = []
    for t in TREATMENTS.values():
        c = pl.col(t.column)
        shifts += [
            c.shift(k).over("company_id").alias(f"{t.column}_lag{k}") for k in range(1, max_lag + 1)
        ]
        shifts += [
            c.shift(-k).over("company_id").alias(f"{t.column}_lead{k}")
            for k in range(1, max_lead + 1)
        ]
    for name in ("revenue_growth", "operating_margin"):
        if name in d.columns:
            shifts.append(pl.col(name).shift(1).over("company_id").alias(f"{name}_lag1"))
    for o in OUTCOMES.values():  # placebo outcome: the same outcome a year earlier
        shifts.append(pl.col(o.column).shift(4).over("company_id").alias(f"{o.column}_year_before"))
    return d.with_columns(shifts)


@dataclass(frozen=True)
class CellResult:
    """One outcome × treatment fit: CRV1, CRV3 (and wild bootstrap for OLS) per term."""

    outcome: str
    treatment: str
    rows: pl.DataFrame
    crv1: EstimationResult
    crv3: EstimationResult
    sample: pl.DataFrame


def _sample(
    data: pl.DataFrame,
    y: str,
    outcome: Outcome,
    terms: list[str],
    controls: Sequence[str],
    exposure: bool = True,
) -> pl.DataFrame:
    """Rows where the outcome's source covers the quarter and every regressor is known."""
    keep = pl.col(_COVERED[outcome.source]).fill_null(False) & pl.col(y).is_not_null()
    for c in [*terms, *controls, *(["log_headcount"] if outcome.offset and exposure else [])]:
        keep &= pl.col(c).is_not_null() & pl.col(c).cast(pl.Float64).is_finite()
    return data.filter(keep)


def fit_cell(
    data: pl.DataFrame,
    *,
    outcome: str,
    treatment: str,
    lags: int = 2,
    leads: int = 0,
    controls: bool = False,
    y: str | None = None,
    bootstrap_reps: int = 9999,
    seed: int = 0,
    wild: bool = True,
    exposure: bool = True,
) -> CellResult:
    """Fit one cell on the design frame from :func:`add_design_columns`.

    ``y`` overrides the outcome column (the placebo outcome a year earlier); ``leads`` adds
    future treatment terms (placebos) before the lags; ``wild=False`` skips the wild
    bootstrap (the placebos read the CRV3 p-value only); ``exposure=False`` fits a PPML
    outcome without its log-headcount exposure (a panel without headcount: the
    ``warn-public`` universe), which the rows' ``exposure`` column records.
    """
    if outcome not in OUTCOMES:
        raise InvalidArgumentError("outcome", outcome, expected=f"one of {list(OUTCOMES)}")
    if treatment not in TREATMENTS:
        raise InvalidArgumentError("treatment", treatment, expected=f"one of {list(TREATMENTS)}")
    o = OUTCOMES[outcome]
    y = o.column if y is None else y
    terms = lag_terms(treatment, lags, leads)
    ctrl = [c for c in CONTROLS if controls and c in data.columns]
    sample = _sample(data, y, o, terms, ctrl, exposure)
    if sample.height == 0 or sample[CLUSTER].n_unique() < 3:
        raise EstimationError(
            f"{o.estimator}",
            f"{outcome} × {treatment}: {sample[CLUSTER].n_unique()} firms with data",
        )
    if sample[y].n_unique() < 2:
        raise EstimationError(
            o.estimator, f"{y} is {sample[y][0]} in every firm-quarter of the {treatment} sample"
        )
    moving = [c for c in terms if sample[c].n_unique() > 1]
    if not moving:
        raise EstimationError(o.estimator, f"{treatment} does not vary in the {outcome} sample")
    formula = f"{y} ~ " + " + ".join([*terms, *ctrl])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if o.estimator == "ppml":
            offset = "log_headcount" if o.offset and exposure else None
            crv1 = ppml(sample, formula, fe=list(FE), cluster=CLUSTER, offset=offset)
            crv3 = ppml(
                sample, formula, fe=list(FE), cluster=CLUSTER, vcov="jackknife", offset=offset
            )
        else:
            crv1 = panel_ols(sample, formula, fe=list(FE), cluster=CLUSTER)
            crv3 = panel_ols(sample, formula, fe=list(FE), cluster=CLUSTER, vcov="jackknife")
    rows = []
    t1 = crv1.table.filter(pl.col("term").is_in(terms))
    t3 = crv3.table.filter(pl.col("term").is_in(terms))
    for term in t1["term"].to_list():
        r1 = t1.filter(pl.col("term") == term).row(0, named=True)
        r3 = t3.filter(pl.col("term") == term).row(0, named=True) if term in t3["term"] else None
        p_wild = None
        if o.estimator == "ols" and wild:
            p_wild = wild_bootstrap(
                crv1, param=term, reps=bootstrap_reps, weights="auto", seed=seed
            ).p_value
        rows.append(
            {
                "outcome": outcome,
                "treatment": treatment,
                "term": term,
                "estimate": r1["estimate"],
                "se_crv1": r1["std_error"],
                "p_crv1": r1["p_value"],
                "se_crv3": None if r3 is None else r3["std_error"],
                "p_crv3": None if r3 is None else r3["p_value"],
                "ci_low_crv3": None if r3 is None else r3["ci_low"],
                "ci_high_crv3": None if r3 is None else r3["ci_high"],
                "p_wild": p_wild,
                "n_obs": crv1.info.n_obs,
                "n_firms": next(iter(crv1.info.n_clusters.values())),
                "first_quarter": sample["quarter_id"].min(),
                "last_quarter": sample["quarter_id"].max(),
                "estimator": o.estimator,
                "exposure": "log headcount" if o.offset and exposure else "none",
                "unit": o.unit,
            }
        )
    schema = {
        "p_wild": pl.Float64,
        "se_crv3": pl.Float64,
        "p_crv3": pl.Float64,
        "ci_low_crv3": pl.Float64,
        "ci_high_crv3": pl.Float64,
    }
    table = pl.DataFrame(rows, schema_overrides=schema)
    return CellResult(outcome, treatment, table, crv1, crv3, sample)


def share_of_treated(sample: pl.DataFrame, terms: Sequence[str]) -> float:
    """Share of firm-quarters with a non-zero treatment term (how much the design has)."""
    if not terms:
        return float("nan")
    nonzero = sample.select(pl.any_horizontal([pl.col(t) != 0 for t in terms]).mean()).item()
    return float(np.nan if nonzero is None else nonzero)
