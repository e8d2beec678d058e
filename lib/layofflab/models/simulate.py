"""Simulated firm × quarter panels with a known effect of AI-capex announcements on layoffs.

The data-generating process (DGP), for firm ``i`` and quarter ``t = 1..T``:

* **Adoption.** A share ``share_treated`` of firms announces once, in quarter ``g_i``
  (``announce_period``; null for never-treated firms). With ``staggered=True`` the
  quarters are drawn uniformly from ``cohort_range`` (default: the middle half of the
  panel), otherwise every announcing firm announces in the same quarter.
* **Effect.** For ``e = t - g_i >= 0`` the true effect on the log cut intensity is
  ``tau_it = (effect + effect_ramp * e) * (1 + cohort_heterogeneity * z_g)`` where
  ``z_g`` in ``[-1, 1]`` places the cohort between the earliest (-1) and latest (+1)
  possible announcement quarter; ``tau_it = 0`` before announcement and for never-treated
  firms. It is stored in ``true_effect``, so any estimand (ATT, ATT(e)) can be computed
  from the data itself.
* **Log intensity (linear outcome).** ``eta_it = log(base_rate) + a_i + l_t + tau_it``
  with firm effects ``a_i ~ N(0, firm_sd)`` and a common quarter path ``l_t`` (trend and
  seasonality): parallel trends hold. ``log_intensity = eta_it + N(0, noise_sd)``, so
  the ATT of linear estimators on ``log_intensity`` is the mean of ``true_effect`` over
  treated cells.
* **Headcount (exposure).** ``headcount_it = round(exp(h_i + 0.005 t + N(0, 0.02)))``,
  ``h_i ~ N(log 20,000, 1)``, floored at 50; independent of treatment.
* **Cuts (zero-inflated negative binomial).** ``cuts_mean = headcount * exp(eta_it)``.
  With probability ``zero_inflation`` a firm-quarter has no cut (a structural zero);
  otherwise ``cuts ~ NegBin(mean = cuts_mean / (1 - zero_inflation), shape = dispersion)``.
  Hence ``E[cuts] = cuts_mean`` and ``log E[cuts] - log headcount = eta_it``: Poisson
  PPML with firm and quarter effects and offset ``log(headcount)`` estimates ``tau`` as
  a log rate ratio. The expected zero share is
  ``zero_inflation + (1 - zero_inflation) * mean((k / (k + m))**k)`` with ``k`` the
  dispersion and ``m`` the NB mean.
* **Capex.** ``log capex_it = c_i + 0.02 t + AR(1)`` noise (rho 0.5, sd 0.05), with
  ``c_i`` tied to firm size. In the announcement quarter capex jumps to
  ``capex_spike`` times its level and stays ``capex_step`` times higher afterwards, so
  :func:`layofflab.panel.events.capex_spike_events` recovers the announcement dates.

Examples
--------
>>> df = simulate_panel(n_firms=20, n_periods=8, seed=1)
>>> df.shape
(160, 13)
>>> df.columns[:6]
['firm', 'period', 'quarter', 'headcount', 'capex', 'announce_period']
>>> bool((df["true_effect"].filter(~df["treated"]) == 0).all())
True
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import polars as pl

from layofflab.checks import check_scalar
from layofflab.errors import InvalidArgumentError

__all__ = ["simulate_panel"]


def _check_positive_int(name: str, value: object, minimum: int = 1) -> int:
    return int(check_scalar(value, name, int, min_val=minimum))


def _check_unit_interval(name: str, value: object, *, closed_right: bool = False) -> float:
    bounds: Literal["both", "left"] = "both" if closed_right else "left"
    return float(check_scalar(value, name, float, min_val=0, max_val=1, include_boundaries=bounds))


def simulate_panel(
    *,
    n_firms: int = 200,
    n_periods: int = 24,
    effect: float = 0.3,
    effect_ramp: float = 0.0,
    cohort_heterogeneity: float = 0.0,
    share_treated: float = 0.6,
    staggered: bool = True,
    cohort_range: tuple[int, int] | None = None,
    zero_inflation: float = 0.3,
    dispersion: float = 1.0,
    base_rate: float = 0.005,
    firm_sd: float = 0.5,
    noise_sd: float = 0.2,
    capex_spike: float = 3.0,
    capex_step: float = 1.5,
    start: dt.date = dt.date(2018, 1, 1),
    seed: int = 0,
) -> pl.DataFrame:
    """Simulate a firm × quarter panel of layoffs with a known announcement effect.

    See the module docstring for the full data-generating process.

    Parameters
    ----------
    n_firms, n_periods : int
        Panel size (firms, quarters).
    effect : float
        Effect on the log cut intensity in the announcement quarter (log rate ratio).
    effect_ramp : float
        Additional effect per quarter since announcement (dynamic effects).
    cohort_heterogeneity : float
        Relative change of the effect from the average cohort to the latest one
        (``-cohort_heterogeneity`` for the earliest); 0 gives homogeneous cohorts.
    share_treated : float
        Share of firms that ever announce, in ``[0, 1]``.
    staggered : bool
        Staggered announcement quarters (True) or one common quarter (False: the
        midpoint of ``cohort_range``).
    cohort_range : tuple of int, optional
        First and last possible announcement quarter (1-based, inclusive); default
        ``(T // 4 + 1, T - T // 4)``.
    zero_inflation : float
        Probability of a structural zero (no cut in the quarter), in ``[0, 1)``.
    dispersion : float
        Negative-binomial shape (smaller = more overdispersed); > 0.
    base_rate : float
        Average share of headcount cut per quarter at the firm and time average.
    firm_sd, noise_sd : float
        Standard deviations of firm effects and of the noise on ``log_intensity``.
    capex_spike, capex_step : float
        Capex multiplier in the announcement quarter and afterwards.
    start : datetime.date
        First day of quarter 1.
    seed : int
        Seed of the numpy random generator; the same seed gives the same panel.

    Returns
    -------
    polars.DataFrame
        One row per firm and quarter, sorted by firm and period, with columns
        ``firm`` (String), ``period`` (Int64, 1..T), ``quarter`` (Date),
        ``headcount`` (Int64), ``capex`` (Float64, $m), ``announce_period`` (Int64,
        null if never treated), ``cohort`` (Int64, 0 if never treated), ``rel_time``
        (Int64, null if never treated), ``treated`` (Boolean), ``true_effect``,
        ``log_intensity``, ``cuts_mean`` (Float64) and ``cuts`` (Int64).

    Examples
    --------
    >>> df = simulate_panel(n_firms=50, n_periods=12, share_treated=0.5, seed=3)
    >>> df.group_by("firm").agg(pl.col("announce_period").first().is_null())[
    ...     "announce_period"].sum()
    25
    >>> int(df["cuts"].min()) >= 0
    True
    """
    n_firms = _check_positive_int("n_firms", n_firms)
    n_periods = _check_positive_int("n_periods", n_periods, minimum=2)
    share_treated = _check_unit_interval("share_treated", share_treated, closed_right=True)
    zero_inflation = _check_unit_interval("zero_inflation", zero_inflation)
    for name, val in (
        ("dispersion", dispersion),
        ("base_rate", base_rate),
        ("capex_spike", capex_spike),
        ("capex_step", capex_step),
    ):
        if not isinstance(val, int | float) or not val > 0:
            raise InvalidArgumentError(name, val, expected="a positive number")
    for name, val in (("firm_sd", firm_sd), ("noise_sd", noise_sd)):
        if not isinstance(val, int | float) or not val >= 0:
            raise InvalidArgumentError(name, val, expected="a non-negative number")
    if cohort_range is None:
        cohort_range = (n_periods // 4 + 1, n_periods - n_periods // 4)
    lo, hi = cohort_range
    if not (1 <= lo <= hi <= n_periods):
        raise InvalidArgumentError(
            "cohort_range", cohort_range, expected=f"1 <= first <= last <= {n_periods}"
        )

    rng = np.random.default_rng(seed)
    n, T = n_firms, n_periods
    t = np.arange(1, T + 1)

    # adoption: exactly round(share * n) firms announce, at random
    n_treated = round(share_treated * n)
    treated_firms = rng.permutation(n)[:n_treated]
    g = np.zeros(n, dtype=np.int64)
    if staggered:
        g[treated_firms] = rng.integers(lo, hi + 1, size=n_treated)
    else:
        g[treated_firms] = (lo + hi) // 2
    mid, half = (lo + hi) / 2, max((hi - lo) / 2, 1e-12)
    z = np.where(g > 0, (g - mid) / half, 0.0) if hi > lo else np.zeros(n)

    G = g[:, None]
    rel = t[None, :] - G
    treated = (G > 0) & (rel >= 0)
    tau = np.where(
        treated,
        (effect + effect_ramp * rel) * (1.0 + cohort_heterogeneity * z[:, None]),
        0.0,
    )

    a = rng.normal(0.0, firm_sd, size=n)
    lam = 0.01 * (t - t.mean()) + 0.05 * np.sin(2 * np.pi * t / 4)
    eta = np.log(base_rate) + a[:, None] + lam[None, :] + tau
    log_intensity = eta + rng.normal(0.0, noise_sd, size=(n, T))

    h = rng.normal(np.log(20_000), 1.0, size=n)
    headcount = np.maximum(
        np.round(np.exp(h[:, None] + 0.005 * t[None, :] + rng.normal(0, 0.02, (n, T)))), 50
    ).astype(np.int64)

    cuts_mean = headcount * np.exp(eta)
    nb_mean = cuts_mean / (1.0 - zero_inflation)
    p = dispersion / (dispersion + nb_mean)
    counts = rng.negative_binomial(dispersion, p)
    structural_zero = rng.random((n, T)) < zero_inflation
    cuts = np.where(structural_zero, 0, counts).astype(np.int64)

    c = 0.8 * (h - np.log(20_000)) + np.log(500.0) + rng.normal(0, 0.3, size=n)
    ar = np.zeros((n, T))
    shocks = rng.normal(0, 0.05, size=(n, T))
    ar[:, 0] = shocks[:, 0]
    for j in range(1, T):
        ar[:, j] = 0.5 * ar[:, j - 1] + shocks[:, j]
    log_capex = c[:, None] + 0.02 * t[None, :] + ar
    log_capex += np.where(treated & (rel == 0), np.log(capex_spike), 0.0)
    log_capex += np.where(treated & (rel > 0), np.log(capex_step), 0.0)

    width = len(str(n))
    months = start.year * 12 + start.month - 1 + 3 * np.arange(T)
    quarter_dates = [dt.date(int(m // 12), int(m % 12) + 1, 1) for m in months]
    announce = np.where(G > 0, G, -1).repeat(T, axis=1).ravel()
    return pl.DataFrame(
        {
            "firm": np.repeat([f"F{i + 1:0{width}d}" for i in range(n)], T),
            "period": np.tile(t, n).astype(np.int64),
            "quarter": quarter_dates * n,
            "headcount": headcount.ravel(),
            "capex": np.exp(log_capex).ravel(),
            "announce_period": announce,
            "cohort": np.repeat(g, T),
            "rel_time": rel.ravel(),
            "treated": treated.ravel(),
            "true_effect": tau.ravel(),
            "log_intensity": log_intensity.ravel(),
            "cuts_mean": cuts_mean.ravel(),
            "cuts": cuts.ravel(),
        }
    ).with_columns(
        pl.when(pl.col("announce_period") > 0)
        .then(pl.col("announce_period"))
        .alias("announce_period"),
        pl.when(pl.col("cohort") > 0).then(pl.col("rel_time")).alias("rel_time"),
    )
