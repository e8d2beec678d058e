"""Do AI-capex announcements predict later layoffs? The study behind ``02_ai_capex_and_layoffs``.

A firm × quarter panel of the AI spenders (firms with a dated AI-capex announcement)
relates layoffs in quarter *t* to announcements in quarters *t*, *t−1*, …, *t−L*:

* **PPML** — workers laid off (count) on announcement indicators, firm and quarter
  fixed effects, SEs clustered by firm (Stata convention, p from t(G−1));
* **linear probability** — any layoff event in the quarter, same design, with a
  **wild cluster bootstrap** p-value for each lag (WCR, Webb weights because G ≤ 12)
  and **randomization inference** (announcement dates shifted within firm);
* **multiple testing** — Holm and Benjamini–Hochberg across outcomes × lags;
* **event study** around each firm's first announcement (TWFE beside Sun–Abraham).

With about ten firms this is a small-sample design: the point of the notebook is to
show what the public record can and cannot support, with honest inference.

Examples
--------
>>> opts = CapexOptions(bootstrap_reps=99, ri_reps=19)
>>> opts.lag_terms()
['announced', 'announced_lag1', 'announced_lag2']
>>> CapexOptions(lags=-1)
Traceback (most recent call last):
...
layofflab.errors.InvalidArgumentError: lags=-1: expected an integer from 0 to 4
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from layofflab import config, tables
from layofflab.errors import InvalidArgumentError, LayofflabError
from layofflab.models import (
    BootstrapResult,
    EstimationResult,
    RandomizationResult,
    adjust_pvalues,
    event_study,
    panel_ols,
    ppml,
    randomization_inference,
    wild_bootstrap,
)
from layofflab.panel import Panel, build_panel

__all__ = ["CapexOptions", "CapexResult", "load_panel", "run_capex"]


@dataclass(frozen=True)
class CapexOptions:
    """Run options of the capex → layoffs study (the notebook's parameters).

    Attributes
    ----------
    start, end : str
        ISO dates bounding the panel (whole quarters).
    lags : int
        Announcement lags L (quarters t … t−L enter together).
    verified_only : bool
        Keep only announcements whose source states the amount (``verified``).
    bootstrap_reps, ri_reps : int
        Wild-bootstrap draws and randomization-inference placebo draws.
    seed : int
        Seed for both resampling procedures.
    layoffs_path, announcements_path, capex_path : str
        Inputs (raw files or cleaned Parquet); empty means the processed tables.
    """

    start: str = "2022-01-01"
    end: str = "2026-03-31"
    lags: int = 2
    verified_only: bool = False
    bootstrap_reps: int = 9999
    ri_reps: int = 999
    seed: int = config.DEFAULT_SEED
    event_leads: int = 4
    event_lags: int = 4
    layoffs_path: str = ""
    announcements_path: str = ""
    capex_path: str = ""

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            try:
                dt.date.fromisoformat(getattr(self, name))
            except (TypeError, ValueError):
                raise InvalidArgumentError(
                    name, getattr(self, name), expected="an ISO date"
                ) from None
        if not isinstance(self.lags, int) or not 0 <= self.lags <= 4:
            raise InvalidArgumentError("lags", self.lags, expected="an integer from 0 to 4")
        for name in ("bootstrap_reps", "ri_reps"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 19:
                raise InvalidArgumentError(name, getattr(self, name), expected="an integer ≥ 19")

    def lag_terms(self) -> list[str]:
        """Names of the announcement regressors, current quarter first."""
        return ["announced"] + [f"announced_lag{k}" for k in range(1, self.lags + 1)]


def _given(path: str) -> list[str]:
    return [path] if path else []


@dataclass(frozen=True)
class CapexResult:
    """Everything the notebook shows."""

    options: CapexOptions
    panel: Panel
    ppml: EstimationResult
    lpm: EstimationResult
    bootstrap: dict[str, BootstrapResult] = field(repr=False)
    randomization: RandomizationResult = field(repr=False)
    pvalues: pl.DataFrame = field(repr=False)
    events: EstimationResult | None = field(repr=False)
    #: Why the event study could not be estimated (None when it was).
    events_error: str | None = None

    def inference_table(self, *, decimals: int | None = None) -> pl.DataFrame:
        """Per outcome × lag: estimate, cluster-t p, wild-bootstrap p, Holm and BH adjusted p."""
        if decimals is None:
            return self.pvalues
        return self.pvalues.with_columns(pl.col(pl.Float64).round(decimals))


def load_panel(options: CapexOptions) -> Panel:
    """Read the inputs with the toolkit's readers and build the quarterly panel."""
    layoffs = tables.load("layoffs", paths=_given(options.layoffs_path)).data
    ann = tables.load("announcements", paths=_given(options.announcements_path)).data
    if options.verified_only:
        ann = ann.filter(pl.col("verified"))
    capex = tables.load("capex", paths=_given(options.capex_path)).data
    panel = build_panel(
        layoffs=layoffs, announcements=ann, capex=capex, start=options.start, end=options.end
    )
    lagged = [
        pl.col("announced").shift(k).over("company_id").fill_null(False).alias(f"announced_lag{k}")
        for k in range(1, options.lags + 1)
    ]
    first = (
        pl.when(pl.col("announced")).then(pl.col("period")).otherwise(None).min().over("company_id")
    )
    data = panel.data.with_columns(*lagged).with_columns(
        pl.col("^announced.*$").cast(pl.Int8),
        any_layoff=(pl.col("layoff_events") > 0).cast(pl.Int8),
        quarter_id=pl.col("period").dt.strftime("%Y-Q") + pl.col("quarter").cast(pl.String),
        time_index=(pl.col("year") - 2000) * 4 + pl.col("quarter").cast(pl.Int32) - 1,
        first_announcement=first,
    )
    data = data.with_columns(
        cohort=pl.when(pl.col("first_announcement").is_null())
        .then(0)
        .otherwise(
            (pl.col("first_announcement").dt.year() - 2000) * 4
            + pl.col("first_announcement").dt.quarter().cast(pl.Int32)
            - 1
        )
    )
    return Panel(data=data, funnel=panel.funnel, freq=panel.freq)


def run_capex(options: CapexOptions = CapexOptions()) -> CapexResult:
    """Estimate every model of the study on the panel built from ``options``."""
    panel = load_panel(options)
    df = panel.data
    terms = options.lag_terms()
    rhs = " + ".join(terms)
    fe = ["company_id", "quarter_id"]
    count_model = ppml(df, f"laid_off ~ {rhs}", fe=fe, cluster="company_id")
    lpm = panel_ols(df, f"any_layoff ~ {rhs}", fe=fe, cluster="company_id")
    boot = {
        term: wild_bootstrap(
            lpm, param=term, reps=options.bootstrap_reps, weights="auto", seed=options.seed
        )
        for term in terms
    }
    ri = randomization_inference(
        df,
        f"any_layoff ~ {rhs}",
        treatment=terms[min(1, len(terms) - 1)],
        scheme="shift_within_unit",
        unit="company_id",
        time="time_index",
        reps=options.ri_reps,
        seed=options.seed,
        fe=fe,
        cluster="company_id",
    )
    rows = []
    for outcome, result in (("laid_off (PPML)", count_model), ("any_layoff (LPM)", lpm)):
        for rec in result.table.filter(pl.col("term").is_in(terms)).iter_rows(named=True):
            rows.append(
                {
                    "outcome": outcome,
                    "term": rec["term"],
                    "estimate": rec["estimate"],
                    "p_cluster_t": rec["p_value"],
                    "p_wild_bootstrap": boot[rec["term"]].p_value if result is lpm else None,
                }
            )
    pvalues = pl.DataFrame(rows, schema_overrides={"p_wild_bootstrap": pl.Float64})
    for method, name in (("holm", "p_holm"), ("bh", "p_bh")):
        adjusted = adjust_pvalues(pvalues["p_cluster_t"].to_numpy(), method=method)
        pvalues = pvalues.with_columns(adjusted["p_adjusted"].alias(name))
    events_error = None
    try:
        events = event_study(
            df,
            outcome="any_layoff",
            unit="company_id",
            time="time_index",
            cohort="cohort",
            leads=options.event_leads,
            lags=options.event_lags,
            estimator="all",
            cluster="company_id",
            control="not_yet_treated",
        )
    except LayofflabError as exc:  # too few firms or cohorts: reported, the rest still stands
        events, events_error = None, str(exc)
    return CapexResult(options, panel, count_model, lpm, boot, ri, pvalues, events, events_error)
