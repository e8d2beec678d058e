"""Does AI capital spending precede job cuts, and how many? The study behind notebook 02.

On the firm × quarter panel of the default dataset (every firm, whether or not it ever
announced: those that never did are controls), each outcome × treatment cell regresses the
outcome of quarter *t* on the treatment of quarters *t − 1 … t − L* with firm and quarter
fixed effects (:mod:`layofflab.studies.capex_design`). With about thirteen firms, the
p-values to read are the few-cluster ones: CRV3 (leave-one-firm-out jackknife, t(G − 1))
for every model, the wild cluster restricted bootstrap beside it for linear models, and
randomization inference that re-assigns whole treatment histories across firms. Holm, BH
and Romano–Wolf adjust across the cells. Placebos (future treatment; the outcome a year
earlier) sit beside the main estimates; an event study around each firm's first event
(TWFE, Sun–Abraham, Callaway–Sant'Anna, never-treated controls where there are any) gives
the pre-trend test and Rambachan–Roth bounds.

Examples
--------
>>> CapexOptions(lags=7)
Traceback (most recent call last):
...
layofflab.errors.InvalidArgumentError: lags=7: expected an integer ≥ 1 and ≤ 4
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from layofflab import config, tables
from layofflab.checks import check_choice, check_date, check_scalar, check_sequence
from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models import adjust_pvalues, event_study, honest_did, randomization_inference
from layofflab.models.event_study import EventStudyResult
from layofflab.models.honest import HonestResult
from layofflab.models.inference import joint_wild_t
from layofflab.models.multiple_testing import romano_wolf
from layofflab.studies import capex_universe as universes
from layofflab.studies.capex_design import (
    OUTCOMES,
    TREATMENTS,
    CellResult,
    add_design_columns,
    fit_cell,
    lag_terms,
)
from layofflab.studies.capex_placebo import placebo_rows
from layofflab.studies.capex_timing import monthly_window, order_within_quarter

__all__ = ["CapexOptions", "CapexResult", "run_capex"]


@dataclass(frozen=True)
class CapexOptions:
    """Run options of the capex → cuts study (the notebook's parameters).

    Attributes
    ----------
    outcomes : tuple of str
        Outcomes (keys of :data:`~layofflab.studies.capex_design.OUTCOMES`).
    treatments : tuple of str
        Treatments (keys of :data:`~layofflab.studies.capex_design.TREATMENTS`).
    lags : int
        Treatment lags 1..L entering together (1–4).
    controls : bool
        Add last quarter's revenue growth and operating margin (available only for the firms whose
        SEC facts are in the data, so the sample shrinks to them).
    spike_k : float
        A capex spike is capex above ``spike_k`` × the trailing four-quarter mean.
    bootstrap_reps, ri_reps : int
        Wild-bootstrap draws (all 2^G sign vectors when 2^G ≤ reps) and randomization draws.
    seed : int
        Seed of every resampling.
    event_treatment : str
        Treatment whose first event defines each firm's cohort in the event study.
    event_outcome : str
        A linear outcome of the event study.
    event_leads, event_lags : int
        Event window in quarters.
    honest_m : tuple of float
        Values of M̄ for the Rambachan–Roth relative-magnitude bounds.
    start : str
        First quarter of the panel (ISO date).
    power_reps : int
        Simulated panels behind each design's minimum detectable effect
        (:func:`~layofflab.studies.capex_power.study_mde`; the notebook passes it).
    universe : {"bigtech", "warn-public"}
        The panel: big tech, or every public firm with a WARN notice (WARN outcomes and capex
        treatments only; other cells skipped with the reason: :mod:`.capex_universe`). Default
        ``bigtech``, or ``warn-public`` when ``LAYOFFLAB_DATA=external`` (``make report DATA=external``).
    """

    outcomes: tuple[str, ...] = ("workers_cut", "cut_share", "any_cut", "warn_workers", "warn_any")
    treatments: tuple[str, ...] = (
        "guidance",
        "project_or_partnership",
        "capex_intensity",
        "dlog_capex",
        "capex_spike",
    )
    lags: int = 2
    controls: bool = False
    spike_k: float = 1.5
    bootstrap_reps: int = 9999
    ri_reps: int = 999
    seed: int = config.DEFAULT_SEED
    event_treatment: str = "capex_spike"
    event_outcome: str = "any_cut"
    event_leads: int = 4
    event_lags: int = 4
    honest_m: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0)
    start: str = "2019-01-01"
    power_reps: int = 40
    universe: Literal["bigtech", "warn-public"] = field(default_factory=universes.default_universe)

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "outcomes", check_sequence(self.outcomes, "outcomes", allow_empty=False))
        put(self, "treatments", check_sequence(self.treatments, "treatments", allow_empty=False))
        for o in self.outcomes:
            check_choice(o, "outcomes", OUTCOMES)
        for t in self.treatments:
            check_choice(t, "treatments", TREATMENTS)
        check_scalar(self.lags, "lags", int, min_val=1, max_val=4)
        check_scalar(self.controls, "controls", bool)
        check_scalar(self.spike_k, "spike_k", float, min_val=1)
        check_scalar(self.bootstrap_reps, "bootstrap_reps", int, min_val=99)
        check_scalar(self.ri_reps, "ri_reps", int, min_val=99)
        check_scalar(self.seed, "seed", int)
        check_choice(self.event_treatment, "event_treatment", TREATMENTS)
        linear = [k for k, o in OUTCOMES.items() if o.estimator == "ols"]
        check_choice(self.event_outcome, "event_outcome", linear)
        check_scalar(self.event_leads, "event_leads", int, min_val=2, max_val=8)
        check_scalar(self.event_lags, "event_lags", int, min_val=0, max_val=8)
        put(self, "honest_m", check_sequence(self.honest_m, "honest_m", of=(int, float)))
        check_date(self.start, "start")
        check_scalar(self.power_reps, "power_reps", int, min_val=10)
        check_choice(self.universe, "universe", universes.UNIVERSES)


@dataclass(frozen=True)
class CapexResult:
    """Everything notebook 02 shows."""

    options: CapexOptions
    design: pl.DataFrame = field(repr=False)
    #: Outcome × treatment × term: estimate, CRV1, CRV3, wild-bootstrap and RI p-values.
    main: pl.DataFrame = field(repr=False)
    #: Cells that could not be estimated, with the reason.
    skipped: pl.DataFrame = field(repr=False)
    #: Leads (future treatment) and the outcome a year earlier, beside the main estimate.
    placebo: pl.DataFrame = field(repr=False)
    #: Holm, BH and Romano–Wolf on the few-cluster p-values of the main terms.
    adjusted: pl.DataFrame = field(repr=False)
    events: EventStudyResult | None = field(repr=False)
    events_error: str | None
    honest: HonestResult | None = field(repr=False)
    cells: dict[tuple[str, str], CellResult] = field(repr=False, default_factory=dict)
    #: Firm-quarters with a layoff and an announcement: which came first (shipped data only).
    timing: pl.DataFrame | None = field(repr=False, default=None)
    #: Cuts by month around each guidance announcement (shipped data only).
    monthly: pl.DataFrame | None = field(repr=False, default=None)
    #: Warnings raised by the libraries during the run (kept out of the report page).
    log: tuple[str, ...] = ()

    def main_table(self, *, decimals: int = 3) -> pl.DataFrame:
        """The first lag of every cell: estimate, CRV1 / CRV3 / wild-bootstrap / RI p, sample."""
        return self.main.filter(pl.col("lag") == 1).select(
            "outcome",
            "treatment",
            pl.col("estimate").round(decimals),
            pl.col("se_crv3").round(decimals),
            pl.col("p_crv1").round(decimals),
            pl.col("p_crv3").round(decimals).alias("p_crv3 (few-cluster)"),
            pl.col("p_wild").round(decimals),
            pl.col("p_ri").round(decimals),
            "n_obs",
            "n_firms",
            pl.concat_str("first_quarter", pl.lit("–"), "last_quarter").alias("quarters"),
        )

    def placebo_table(self, *, decimals: int = 3) -> pl.DataFrame:
        """Main lag-1 estimates beside their placebos (leads; the outcome a year earlier).

        A placebo that cannot be estimated has a row of its own with the reason in ``note``.
        """
        if self.placebo.is_empty():
            return self.placebo
        return self.placebo.select(
            "outcome",
            "treatment",
            "test",
            "term",
            pl.col("estimate").round(decimals),
            pl.col("p_crv3").round(decimals).alias("p_crv3 (few-cluster)"),
            "n_obs",
            pl.col("note").fill_null("")
            if "note" in self.placebo.columns
            else pl.lit("").alias("note"),
        )

    def adjusted_table(self, *, decimals: int = 3) -> pl.DataFrame:
        """Few-cluster p of each cell's first lag with Holm, BH and Romano–Wolf adjustments."""
        return self.adjusted.select(
            "outcome",
            "treatment",
            pl.col("p_few").round(decimals).alias("p_crv3"),
            pl.col("p_holm").round(decimals),
            pl.col("p_bh").round(decimals),
            pl.col("p_romano_wolf").round(decimals),
        )


def _ri(cell: CellResult, options: CapexOptions) -> tuple[float | None, float | None]:
    """RI p-value of the first lag, re-assigning each firm's whole treatment history."""
    terms = lag_terms(cell.treatment, options.lags)
    o = OUTCOMES[cell.outcome]
    if o.estimator != "ols":
        return None, None
    formula = f"{o.column} ~ " + " + ".join(
        [*terms, *(c for c in cell.crv1.fit.names if c not in terms)]
    )
    ri = randomization_inference(
        cell.sample,
        formula,
        treatment=terms,
        param=terms[0],
        scheme="permute_units",
        unit="company_id",
        time="time_index",
        reps=options.ri_reps,
        seed=options.seed,
        fe=["company_id", "quarter_id"],
        cluster="company_id",
        statistic="t",
    )
    return ri.p_value, ri.mc_se


def _cells(
    design: pl.DataFrame, options: CapexOptions
) -> tuple[dict[tuple[str, str], CellResult], pl.DataFrame]:
    fitted: dict[tuple[str, str], CellResult] = {}
    skipped: list[dict[str, str]] = []
    for o in options.outcomes:
        for t in options.treatments:
            why = universes.unavailable(options.universe, outcome=o, treatment=t)
            if why is not None:
                skipped.append({"outcome": o, "treatment": t, "reason": why})
                continue
            try:
                fitted[(o, t)] = fit_cell(
                    design,
                    outcome=o,
                    treatment=t,
                    lags=options.lags,
                    controls=options.controls,
                    bootstrap_reps=options.bootstrap_reps,
                    seed=options.seed,
                    exposure=universes.exposure_available(options.universe),
                )
            except EstimationError as exc:
                skipped.append({"outcome": o, "treatment": t, "reason": str(exc)})
    return fitted, pl.DataFrame(
        skipped, schema={"outcome": pl.String, "treatment": pl.String, "reason": pl.String}
    )


def _adjust(
    main: pl.DataFrame, fitted: Mapping[tuple[str, str], CellResult], options: CapexOptions
) -> pl.DataFrame:
    """Holm, BH (and Romano–Wolf for the linear cells) over the main terms' few-cluster p.

    A cell without a finite few-cluster p is kept with null adjusted p-values.
    """
    first = main.filter(pl.col("lag") == 1).with_columns(pl.col("p_few").fill_nan(None))
    out = first.select("outcome", "treatment", "term", "estimate", "p_few", "few_method")
    ok = first.filter(pl.col("p_few").is_not_null())
    names = [f"{o} × {t}" for o, t in ok.select("outcome", "treatment").rows()]
    key = pl.concat_str("outcome", pl.lit(" × "), "treatment")
    adjusted: dict[str, dict[str, float]] = {"p_holm": {}, "p_bh": {}, "p_romano_wolf": {}}
    if names:
        methods: tuple[tuple[Literal["holm", "bh"], str], ...] = (
            ("holm", "p_holm"),
            ("bh", "p_bh"),
        )
        for method, col in methods:
            res = adjust_pvalues(ok["p_few"].to_numpy(), method=method, names=names)
            adjusted[col] = dict(zip(res["hypothesis"], res["p_adjusted"], strict=True))
    linear = [
        (o, t)
        for o, t in ok.select("outcome", "treatment").rows()
        if OUTCOMES[o].estimator == "ols"
    ]
    if len(linear) >= 2:
        results = [fitted[k].crv1 for k in linear]
        params = [lag_terms(t, options.lags)[0] for _, t in linear]
        t_obs, t_boot = joint_wild_t(
            results,
            param=params,
            cluster="company_id",
            reps=options.bootstrap_reps,
            seed=options.seed,
        )
        tab = romano_wolf(t_obs, t_boot, names=[f"{o} × {t}" for o, t in linear])
        adjusted["p_romano_wolf"] = dict(zip(tab["hypothesis"], tab["p_adjusted"], strict=True))
    return out.with_columns(
        [
            key.replace_strict(m, default=None, return_dtype=pl.Float64).alias(col)
            for col, m in adjusted.items()
        ]
    )


def _events(
    design: pl.DataFrame, options: CapexOptions
) -> tuple[EventStudyResult | None, str | None, HonestResult | None]:
    """The event study of the options' event outcome and treatment, its error, HonestDiD."""
    why = universes.unavailable(
        options.universe, outcome=options.event_outcome, treatment=options.event_treatment
    )
    if why is not None:
        return None, f"event study not run: {why}", None
    col = TREATMENTS[options.event_treatment].column
    y = OUTCOMES[options.event_outcome].column
    cover = (
        "tracker_covered" if OUTCOMES[options.event_outcome].source == "tracker" else "warn_covered"
    )
    data = design.filter(pl.col(cover) & pl.col(y).is_not_null())
    first = (
        pl.when(pl.col(col).fill_null(0) != 0).then(pl.col("time_index")).min().over("company_id")
    )
    data = data.with_columns(_cohort=first)
    never = data.filter(pl.col("_cohort").is_null())["company_id"].n_unique()
    try:
        es = event_study(
            data,
            outcome=y,
            unit="company_id",
            time="time_index",
            cohort="_cohort",
            leads=options.event_leads,
            lags=options.event_lags,
            estimator="all",
            cluster="company_id",
            control="never_treated" if never else "not_yet_treated",
        )
    except EstimationError as exc:
        return None, str(exc), None
    try:
        hd = honest_did(es, estimator="sun_abraham", m_grid=options.honest_m)
    except EstimationError:
        hd = None
    return es, None, hd


def run_capex(
    options: CapexOptions = CapexOptions(), *, panel: pl.DataFrame | None = None
) -> CapexResult:
    """Run every design of the study on the options' universe panel (or ``panel``)."""
    timing = monthly = None
    if panel is None and options.universe == "warn-public":
        panel = tables.load_panel("panel", universe="warn-public").data
    if panel is None:
        panel = tables.load_panel("panel").data
        # the events the bigtech panel was built from, also under LAYOFFLAB_DATA=external
        shipped = config.DATA_PROCESSED
        layoffs = tables.load("layoffs", processed_dir=shipped).data
        ann = tables.load("announcements", processed_dir=shipped).data
        timing = order_within_quarter(layoffs, ann)
        monthly = monthly_window(tables.load_panel("panel_month").data, ann)
    panel = panel.filter(pl.col("period") >= check_date(options.start, "start"))
    log: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        design = add_design_columns(panel)
        fitted, skipped = _cells(design, options)
        if not fitted:
            raise InvalidArgumentError("options", options, expected="at least one estimable cell")
        main = pl.concat([c.rows for c in fitted.values()], how="diagonal_relaxed")
        ri = pl.DataFrame(
            [
                (o, t, lag_terms(t, options.lags)[0], *_ri(c, options))
                for (o, t), c in fitted.items()
            ],
            schema={
                "outcome": pl.String,
                "treatment": pl.String,
                "term": pl.String,
                "p_ri": pl.Float64,
                "p_ri_mc_se": pl.Float64,
            },
            orient="row",
        )
        main = main.with_columns(
            lag=pl.col("term").str.extract(r"_lag(\d+)$").cast(pl.Int64),
            p_few=pl.col("p_crv3"),
            few_method=pl.lit("CRV3 jackknife, t(G−1)"),
        ).join(ri, on=["outcome", "treatment", "term"], how="left", maintain_order="left")
        placebo = placebo_rows(
            design,
            fitted,
            lags=options.lags,
            controls=options.controls,
            seed=options.seed,
            universe=options.universe,
        )
        adjusted = _adjust(main, fitted, options)
        events, events_error, honest = _events(design, options)
    for w in caught:
        text = f"{w.category.__name__}: {str(w.message).splitlines()[0]}"
        if text not in log:
            log.append(text)
    return CapexResult(
        options,
        design,
        main,
        skipped,
        placebo,
        adjusted,
        events,
        events_error,
        honest,
        fitted,
        timing,
        monthly,
        tuple(log),
    )
