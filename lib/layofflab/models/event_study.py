"""Event studies: TWFE leads and lags beside heterogeneity-robust estimators.

:func:`event_study` estimates the dynamic effect of an event (an announcement, or a
capex spike from :func:`layofflab.panel.events.capex_spike_events`) in relative time, with
up to three estimators side by side:

* ``"twfe"`` — two-way fixed-effects regression of the outcome on relative-time
  dummies (``rel_-4+`` … ``rel_8+``; the period ``omit``, default -1, is the
  reference), unit and time fixed effects, with pyfixest ``feols``. Biased under
  staggered adoption with heterogeneous effects (Sun & Abraham 2021).
* ``"sun_abraham"`` — the interaction-weighted estimator: the saturated
  cohort × relative-time regression (pyfixest's ``i(rel, cohort)``, as in
  ``pyfixest.event_study(estimator="saturated")``), with the cohort-share weights of
  ``pyfixest.did.saturated_twfe.compute_period_weights``. The control group is the
  never-treated units; without any, the last-treated cohort, and periods from its
  adoption on are dropped for this estimator.
* ``"callaway_santanna"`` — the dynamic aggregate of Callaway–Sant'Anna ATT(g, t)
  (:func:`layofflab.models.did.callaway_santanna`, "varying" base period: ``rel_-1``
  is estimated, not omitted).

Binned endpoints (``bin_endpoints=True``) apply to TWFE and Sun–Abraham; CS reports its
event times inside the window. Standard errors of TWFE and Sun–Abraham are CRV1 by
``cluster`` (default: the unit) with the ``ssc`` convention; every estimator's p-values
and intervals use t(G-1). The joint pre-trend test is a Wald test (chi-squared, and F
with (q, G-1) df) that the lead coefficients in the window are zero; for CS it is the
ATT(g, t) pre-test of R ``did``.

Examples
--------
>>> from layofflab.models.simulate import simulate_panel
>>> df = simulate_panel(n_firms=120, n_periods=10, effect=0.4, noise_sd=0.1, seed=5)
>>> res = event_study(df, outcome="log_intensity", unit="firm", time="period",
...                   cohort="announce_period", leads=3, lags=3, estimator="twfe")
>>> res.table["term"].to_list()
['rel_-3+', 'rel_-2', 'rel_0', 'rel_1', 'rel_2', 'rel_3+']
>>> abs(res.coef("rel_0") - 0.4) < 0.1
True
>>> res.pretrend.columns
['estimator', 'statistic', 'df', 'p_value', 'p_value_f']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl

from layofflab.checks import check_choice, check_scalar
from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models._event_estimators import _SSC, RUNNERS, Context, _ssc, prepare
from layofflab.models.result import (
    STAT_SCHEMA,
    EstimationResult,
    ModelInfo,
    funnel_frame,
    tidy_table,
)

__all__ = ["ESTIMATORS", "EventStudyResult", "event_study"]

Estimator = Literal["twfe", "sun_abraham", "callaway_santanna", "all"]
#: The estimators of ``estimator="all"``, in reporting order.
ESTIMATORS: tuple[str, ...] = ("twfe", "sun_abraham", "callaway_santanna")
_ESTIMATES_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "estimator": pl.String,
    "term": pl.String,
    "rel_time": pl.Int64,
    **STAT_SCHEMA,
    "identified": pl.Boolean,
}
_PRETREND_SCHEMA = {
    "estimator": pl.String,
    "statistic": pl.Float64,
    "df": pl.Int64,
    "p_value": pl.Float64,
    "p_value_f": pl.Float64,
}


@dataclass(frozen=True)
class EventStudyResult(EstimationResult):
    """:class:`EstimationResult` plus the per-estimator estimates and pre-trend tests.

    ``table`` has one row per estimator and relative period; with several
    estimators its terms are ``"<estimator>::rel_<k>"``.

    Parameters
    ----------
    estimates : polars.DataFrame
        ``estimator, term, rel_time`` then the tidy columns and ``identified``; ``rel_time``
        is the relative period (the endpoint value for a binned endpoint). A period whose
        cluster-robust variance is not positive is ``identified = False`` with null
        standard error, statistic, p-value and interval.
    pretrend : polars.DataFrame
        One row per estimator: Wald ``statistic`` (chi-squared), its ``df`` (number of
        leads tested), ``p_value`` (chi-squared) and ``p_value_f`` (F(df, G-1)).
    """

    estimates: pl.DataFrame = field(default_factory=pl.DataFrame)
    pretrend: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: Per estimator, the covariance of its ``estimates`` rows (in their order); TWFE and
    #: Sun–Abraham only (Callaway–Sant'Anna reports standard errors).
    vcov: dict[str, np.ndarray] = field(default_factory=dict, repr=False)


def event_study(
    df: pl.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str | None = None,
    event: str | None = None,
    leads: int = 4,
    lags: int = 8,
    bin_endpoints: bool = True,
    omit: int = -1,
    estimator: Estimator = "all",
    cluster: str | None = None,
    control: Literal["never_treated", "not_yet_treated"] = "never_treated",
    ssc: Literal["stata", "conventional", "cluster_only", "none"] = "stata",
    alpha: float = 0.05,
    on_error: Literal["raise", "skip"] = "raise",
) -> EventStudyResult:
    """Event-study coefficients by relative period, TWFE beside robust estimators.

    Parameters
    ----------
    df : polars.DataFrame
        Panel, one row per unit and period.
    outcome, unit, time : str
        Outcome, unit identifier and integer period index.
    cohort : str, optional
        Column with the unit's first event period (null or 0: never treated).
    event : str, optional
        Boolean event column instead: a unit's first true period is its cohort.
    leads, lags : int
        Window ``[-leads, lags]`` of reported relative periods (leads >= 2).
    bin_endpoints : bool
        Bin periods beyond the window into the endpoints (``rel_-4+``, ``rel_8+``);
        otherwise every relative period has its own dummy and only the window is
        reported.
    omit : int
        Reference period of TWFE and Sun–Abraham, ``-leads < omit < 0``.
    estimator : {"twfe", "sun_abraham", "callaway_santanna", "all"}
        Which estimators to run.
    cluster : str, optional
        Cluster variable (default: ``unit``).
    control : {"never_treated", "not_yet_treated"}
        Comparison group of Callaway–Sant'Anna.
    ssc : {"stata", "conventional", "cluster_only", "none"}
        Small-sample convention of the CRV1 standard errors (TWFE, Sun–Abraham).
    alpha : float
        1 - confidence level.
    on_error : {"raise", "skip"}
        With several estimators, ``"skip"`` leaves out one that cannot be estimated on this
        data (its reason is recorded in ``info.extra["failed"]``) instead of raising; an
        error is raised when none can be estimated.

    Returns
    -------
    EventStudyResult
        ``table``, ``estimates``, ``pretrend``, ``funnel`` and ``info``.

    Examples
    --------
    >>> from layofflab.models.simulate import simulate_panel
    >>> df = simulate_panel(n_firms=150, n_periods=10, effect=0.4, seed=1)
    >>> res = event_study(df, outcome="log_intensity", unit="firm", time="period",
    ...                   cohort="announce_period", leads=2, lags=2)
    >>> res.estimates.group_by("estimator", maintain_order=True).len()["len"].to_list()
    [4, 4, 5]
    >>> res.table["term"][0]
    'twfe::rel_-2+'
    """
    if not isinstance(df, pl.DataFrame):
        raise InvalidArgumentError("df", type(df).__name__, expected="a polars DataFrame")
    check_scalar(leads, "leads", int, min_val=2)
    check_scalar(lags, "lags", int, min_val=0)
    check_scalar(omit, "omit", int, min_val=-leads, max_val=0, include_boundaries="neither")
    check_choice(estimator, "estimator", [*ESTIMATORS, "all"])
    check_scalar(alpha, "alpha", float, min_val=0, max_val=1, include_boundaries="neither")
    if ssc not in _SSC:
        raise InvalidArgumentError("ssc", ssc, expected=f"one of {list(_SSC)}")
    cluster = unit if cluster is None else cluster
    data, steps = prepare(
        df, outcome=outcome, unit=unit, time=time, cohort=cohort, event=event, cluster=cluster
    )
    if bin_endpoints:
        data = data.with_columns(pl.col("_rel").clip(-leads, lags))
    chosen = ESTIMATORS if estimator == "all" else (estimator,)
    G = int(data["_cl"].n_unique())
    df_t = float(G - 1)
    ctx = Context(
        window=list(range(-leads, lags + 1)),
        omit=omit,
        leads=leads,
        lags=lags,
        bin_endpoints=bin_endpoints,
        ssc=_ssc(ssc),
        control=control,
        cluster_is_unit=cluster == unit,
        alpha=alpha,
        G=G,
    )
    blocks, tests, fits, n_obs, notes, ranks = [], [], {}, {}, [], {}
    vcovs: dict[str, np.ndarray] = {}
    check_choice(on_error, "on_error", ("raise", "skip"))
    failed: dict[str, str] = {}
    for name in chosen:
        try:
            b = RUNNERS[name](data, ctx)
        except EstimationError as exc:
            if on_error == "raise" or len(chosen) == 1:
                raise
            failed[name] = str(exc)
            continue
        fits[name], n_obs[name] = b.fit, b.n_obs
        if b.vcov is not None:
            vcovs[name] = b.vcov
        notes += [f"{name}: {n}" if not n.startswith(name) else n for n in b.notes]
        if b.vcov_rank is not None:
            ranks[name] = {"rank": b.vcov_rank, "coefficients": b.n_coef}
        tab = tidy_table(b.labels, b.est, b.se, df=df_t, alpha=alpha)
        blocks.append(
            tab.select(
                pl.lit(name).alias("estimator"),
                "term",
                pl.Series("rel_time", b.rels, dtype=pl.Int64),
                pl.exclude("term"),
                pl.Series("identified", b.identified, dtype=pl.Boolean),
            ).with_columns(pl.col(pl.Float64).fill_nan(None))
        )
        tests.append((name, *b.test))

    if not blocks:
        raise EstimationError("event_study", "; ".join(f"{k}: {v}" for k, v in failed.items()))
    chosen = tuple(n for n in chosen if n not in failed)
    # a pl.Schema: polars types cast()'s mapping keys as names, selectors or dtypes (invariant)
    estimates = pl.concat(blocks).cast(pl.Schema(_ESTIMATES_SCHEMA))
    pretrend = pl.DataFrame(tests, schema=_PRETREND_SCHEMA, orient="row")
    table = estimates.drop("estimator", "rel_time", "identified")
    if len(chosen) > 1:
        table = table.with_columns(
            (estimates["estimator"] + "::" + estimates["term"]).alias("term")
        )
    n_main = n_obs[chosen[0]]
    if n_main < data.height:
        steps.append(
            (
                "dropped by estimator",
                data.height - n_main,
                f"{chosen[0]}: singletons or the Sun-Abraham control restriction",
            )
        )
    info = ModelInfo(
        estimator="event_study" if len(chosen) > 1 else chosen[0],
        formula=f"{outcome} ~ rel_-{leads}..rel_{lags} (omit {omit}) | {unit} + {time}",
        n_obs=n_main,
        n_clusters={cluster: G},
        fixed_effects=(unit, time),
        cluster=(cluster,),
        se_convention=f"CRV1 by {cluster}, ssc={ssc!r} (TWFE, Sun-Abraham); CS analytic IF",
        df_inference=df_t,
        extra={
            "estimators": chosen,
            "leads": leads,
            "lags": lags,
            "omit": omit,
            "bin_endpoints": bin_endpoints,
            "n_obs_by_estimator": n_obs,
            "control": control,
            "vcov_rank": ranks,
            "notes": notes,
            "failed": failed,
        },
    )
    return EventStudyResult(
        table=table,
        funnel=funnel_frame(df.height, steps),
        info=info,
        fit=fits,
        estimates=estimates,
        pretrend=pretrend,
        vcov=vcovs,
    )
