"""Sensitivity of an event study to violations of parallel trends (Rambachan & Roth 2023).

:func:`honest_did` takes an :class:`~layofflab.models.event_study.EventStudyResult` (TWFE
or Sun–Abraham, whose covariance of the period estimates is kept) and returns, over a grid
of M, the identified set and the robust confidence interval of the average post-period
effect under

* ``"relative_magnitude"`` (Δ^RM): post-period violations of parallel trends no larger
  than M times the largest pre-period one;
* ``"smoothness"`` (Δ^SD): the violation's slope changes by at most M per period.

The computation is diff-diff's ``HonestDiD`` (a maintained port of the R ``HonestDiD``
package); this module only hands it our estimates, covariance and the t(G−1) degrees of
freedom, and returns a tidy polars frame. ``breakdown_M`` is the smallest M at which the
robust interval contains zero (null when it never does on the grid).

Examples
--------
>>> from layofflab.models.simulate import simulate_panel
>>> from layofflab.models.event_study import event_study
>>> df = simulate_panel(n_firms=200, n_periods=10, effect=0.5, noise_sd=0.1, seed=2)
>>> es = event_study(df, outcome="log_intensity", unit="firm", time="period",
...                  cohort="announce_period", leads=3, lags=2, estimator="twfe")
>>> hd = honest_did(es, estimator="twfe", m_grid=(0.0, 1.0))
>>> hd.table.columns
['M', 'lb', 'ub', 'ci_low', 'ci_high', 'method', 'estimator']
>>> bool(hd.table["ci_low"][0] > 0)
True
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import polars as pl

from layofflab.checks import check_choice, check_scalar
from layofflab.errors import EstimationError
from layofflab.models.event_study import EventStudyResult

__all__ = ["HonestResult", "honest_did"]

Method = Literal["relative_magnitude", "smoothness"]


@dataclass(frozen=True)
class HonestResult:
    """Bounds per M, the point estimate and the breakdown value of M.

    ``table`` has M, lb, ub, ci_low, ci_high; ``estimate`` is the point estimate of the average
    post-period effect.
    """

    table: pl.DataFrame
    estimate: float
    breakdown_m: float | None
    method: str
    estimator: str
    pre_periods: tuple[int, ...]
    post_periods: tuple[int, ...]


def _container(
    es: EventStudyResult, estimator: str, alpha: float
) -> tuple[Any, tuple[int, ...], tuple[int, ...]]:
    """diff_diff's MultiPeriodDiDResults of ``estimator`` (untyped), its pre and post periods."""
    from diff_diff.results import MultiPeriodDiDResults, PeriodEffect

    rows = es.estimates.filter(pl.col("estimator") == estimator)
    if rows.is_empty():
        raise EstimationError("honest_did", f"the event study has no {estimator!r} estimates")
    if estimator not in es.vcov:
        raise EstimationError(
            "honest_did", f"{estimator!r} keeps no covariance of its period estimates"
        )
    if not rows["identified"].all():
        bad = rows.filter(~pl.col("identified"))["term"].to_list()
        raise EstimationError("honest_did", f"periods {bad} are not identified")
    rels = rows["rel_time"].to_list()
    effects = {}
    for r, (est, se, t, p, lo, hi) in zip(
        rels,
        rows.select("estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high").rows(),
        strict=True,
    ):
        effects[r] = PeriodEffect(
            period=r, effect=est, se=se, t_stat=t, p_value=p, conf_int=(lo, hi)
        )
    pre = [r for r in rels if r < 0]
    post = [r for r in rels if r >= 0]
    if len(pre) < 1 or not post:
        raise EstimationError("honest_did", "needs at least one pre and one post period")
    G = next(iter(es.info.n_clusters.values()))
    res = MultiPeriodDiDResults(
        period_effects=effects,
        avg_att=float(np.mean([effects[r].effect for r in post])),
        avg_se=float("nan"),
        avg_t_stat=float("nan"),
        avg_p_value=float("nan"),
        avg_conf_int=(float("nan"), float("nan")),
        n_obs=es.info.n_obs,
        n_treated=0,
        n_control=0,
        pre_periods=pre,
        post_periods=post,
        alpha=alpha,
        vcov=np.asarray(es.vcov[estimator], dtype=float),
        interaction_indices={r: i for i, r in enumerate(rels)},
        n_clusters=G,
    )
    res.df_inference = float(G - 1)  # t(G-1) critical values, as the event study's own
    return res, tuple(pre), tuple(post)


def honest_did(
    es: EventStudyResult,
    *,
    estimator: Literal["twfe", "sun_abraham"] = "sun_abraham",
    method: Method = "relative_magnitude",
    m_grid: Sequence[float] = (0.0, 0.5, 1.0, 1.5, 2.0),
    alpha: float = 0.05,
) -> HonestResult:
    """Rambachan–Roth bounds on the average post-period effect over a grid of M.

    Parameters
    ----------
    es : EventStudyResult
        From :func:`layofflab.models.event_study` (binned endpoints are fine; the leads and
        lags must be consecutive around the omitted period).
    estimator : {"twfe", "sun_abraham"}
        Whose estimates to use.
    method : {"relative_magnitude", "smoothness"}
        The class of violations allowed (Δ^RM or Δ^SD).
    m_grid : sequence of float
        Values of M (≥ 0).
    alpha : float
        1 − confidence level of the robust intervals.

    Returns
    -------
    HonestResult

    Raises
    ------
    EstimationError
        When a period is not identified or no pre/post periods are estimated.
    """
    check_choice(estimator, "estimator", ("twfe", "sun_abraham"))
    check_choice(method, "method", ("relative_magnitude", "smoothness"))
    check_scalar(alpha, "alpha", float, min_val=0, max_val=1, include_boundaries="neither")
    grid = [float(check_scalar(m, "m_grid", float, min_val=0)) for m in m_grid]
    from diff_diff.honest_did import HonestDiD

    container, pre, post = _container(es, estimator, alpha)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # diff-diff's notes on grids and solver tolerances
        hd = HonestDiD(method=method, alpha=alpha)
        for m in grid:
            try:
                r = hd.fit(container, M=m)
            except ValueError as exc:
                raise EstimationError("honest_did", str(exc).splitlines()[0]) from exc
            values = (r.lb, r.ub, r.ci_lb, r.ci_ub)
            if not np.all(np.isfinite(values)):
                raise EstimationError(
                    "honest_did",
                    f"diff-diff returned no finite bounds for method={method!r} at M={m:g} "
                    f"({len(pre)} pre and {len(post)} post periods)",
                )
            rows.append((m, *values))
    table = pl.DataFrame(
        rows, schema=["M", "lb", "ub", "ci_low", "ci_high"], orient="row"
    ).with_columns(method=pl.lit(method), estimator=pl.lit(estimator))
    covers = table.filter((pl.col("ci_low") <= 0) & (pl.col("ci_high") >= 0))
    # polars types Series.min() as any literal; M is a Float64 column
    breakdown = float(cast(float, covers["M"].min())) if covers.height else None
    estimate = float(
        np.mean(
            es.estimates.filter((pl.col("estimator") == estimator) & (pl.col("rel_time") >= 0))[
                "estimate"
            ].to_numpy()
        )
    )
    return HonestResult(table, estimate, breakdown, method, estimator, pre, post)
