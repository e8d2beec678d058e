"""Simulated panels for the capex study's three designs, with a planted effect.

They have the scale of the real panel (10–15 firms), for known-answer tests and power.

:func:`simulate_design_panel` draws a firm × quarter panel in which the treatment of
quarter *t − 1* moves the outcome of quarter *t* by exactly ``effect``:

* ``"announcement"`` — a share of firms announce once, in a random quarter; ``treat`` is
  1 in that quarter;
* ``"spike"`` — the same firms' capex jumps ``spike`` times its level in that quarter;
  ``treat`` is the spike *detected* by :func:`layofflab.panel.events.capex_spike_events`
  (k = 2 over the trailing four quarters), so detection error is part of the design;
* ``"dose"`` — every firm has a capex intensity (capex ÷ lagged assets, in percent) that
  wanders around its own level (AR(1)); ``treat`` is that intensity.

Outcomes, with firm effects ``a_i``, quarter effects ``l_t`` and the treatment's lag ``d``
(in the dose design ``d`` is the lagged intensity minus the firm's mean over the panel, a firm
constant the firm effect absorbs: the coefficient is unchanged, the outcome's mean stays at its
base and probabilities stay inside [0.01, 0.99] at the effects a 13-firm panel can detect):

* ``cut_share`` (percent of headcount cut) = ``base_share + a_i + l_t + effect · d + e``,
  ``e ~ N(0, noise_sd · s_i)`` with firm-specific scale ``s_i`` (heteroskedastic across
  clusters): the OLS coefficient of ``treat_lag1`` is ``effect``;
* ``any_cut`` ~ Bernoulli(``base_rate + a_i/4 + l_t/4 + effect · d``), probabilities clipped
  to [0.01, 0.99]: the linear-probability coefficient is ``effect`` up to the clipping
  (negligible at the default sizes).

Examples
--------
>>> df = simulate_design_panel("dose", n_firms=12, n_periods=20, effect=0.5, seed=1)
>>> df.columns
['company_id', 'time_index', 'treat', 'treat_lag1', 'cut_share', 'any_cut', 'true_effect']
>>> df["company_id"].n_unique(), df.height
(12, 228)
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl

from layofflab.checks import check_choice, check_scalar
from layofflab.panel.events import capex_spike_events

__all__ = ["DESIGNS", "simulate_design_panel"]

Design = Literal["announcement", "spike", "dose"]
DESIGNS: tuple[Design, ...] = ("announcement", "spike", "dose")


def _treatment(
    design: str, rng: np.random.Generator, n: int, T: int, share: float, spike: float
) -> np.ndarray:
    if design == "dose":
        level = rng.uniform(2.0, 8.0, size=n)  # percent of assets per quarter
        x = np.zeros((n, T))
        shocks = rng.normal(0, 0.8, size=(n, T))
        x[:, 0] = shocks[:, 0] / np.sqrt(1 - 0.6**2)
        for j in range(1, T):
            x[:, j] = 0.6 * x[:, j - 1] + shocks[:, j]
        return np.maximum(level[:, None] + x, 0.0)
    treated = rng.permutation(n)[: round(share * n)]
    g = np.full(n, -1)
    g[treated] = rng.integers(T // 4, T - 2, size=treated.size)
    event = np.arange(T)[None, :] == g[:, None]
    if design == "announcement":
        return event.astype(float)
    log_capex = np.log(500.0) + 0.02 * np.arange(T)[None, :] + rng.normal(0, 0.05, size=(n, T))
    log_capex += np.where(event, np.log(spike), 0.0)
    frame = pl.DataFrame(
        {
            "f": np.repeat(np.arange(n), T),
            "t": np.tile(np.arange(T), n),
            "capex": np.exp(log_capex).ravel(),
        }
    )
    flags = capex_spike_events(frame, unit="f", time="t", capex="capex", k=2.0, window=4)
    return flags["capex_spike"].fill_null(False).cast(pl.Float64).to_numpy().reshape(n, T)


def simulate_design_panel(
    design: Design,
    *,
    n_firms: int = 13,
    n_periods: int = 28,
    effect: float = 0.0,
    share_treated: float = 0.7,
    base_share: float = 0.3,
    base_rate: float = 0.3,
    noise_sd: float = 0.4,
    spike: float = 3.0,
    seed: int = 0,
) -> pl.DataFrame:
    """Simulate a panel of one design with a planted effect of ``treat_lag1``.

    Parameters
    ----------
    design : {"announcement", "spike", "dose"}
        The treatment (see the module docstring).
    n_firms, n_periods : int
        Clusters and quarters.
    effect : float
        Effect of the previous quarter's treatment on ``cut_share`` (percentage points) and
        on ``any_cut`` (probability).
    share_treated : float
        Share of firms with an event (announcement and spike designs).
    base_share, base_rate : float
        Mean ``cut_share`` (percent) and probability of any cut.
    noise_sd : float
        Scale of the ``cut_share`` noise.
    spike : float
        Capex multiple in the spike quarter (spike design).
    seed : int
        Seed of the generator.

    Returns
    -------
    polars.DataFrame
        ``company_id, time_index, treat, treat_lag1, cut_share, any_cut, true_effect``;
        the first quarter (no lag) is left out.

    Examples
    --------
    >>> df = simulate_design_panel("announcement", n_firms=10, n_periods=12, effect=0.3, seed=1)
    >>> df.height, df.columns[:4]
    (110, ['company_id', 'time_index', 'treat', 'treat_lag1'])
    """
    check_choice(design, "design", DESIGNS)
    n = int(check_scalar(n_firms, "n_firms", int, min_val=2))
    T = int(check_scalar(n_periods, "n_periods", int, min_val=8))
    check_scalar(share_treated, "share_treated", float, min_val=0, max_val=1)
    check_scalar(effect, "effect", float)
    rng = np.random.default_rng(seed)
    d = _treatment(design, rng, n, T, share_treated, spike)
    lag = np.column_stack([np.zeros(n), d[:, :-1]])
    dose = lag - lag[:, 1:].mean(axis=1, keepdims=True) if design == "dose" else lag
    a = rng.normal(0, 0.3, size=n)
    lt = rng.normal(0, 0.15, size=T)
    scale = rng.uniform(0.5, 1.5, size=n)
    share = (
        base_share
        + a[:, None]
        + lt[None, :]
        + effect * dose
        + rng.normal(0, noise_sd, size=(n, T)) * scale[:, None]
    )
    prob = np.clip(base_rate + a[:, None] / 4 + lt[None, :] / 4 + effect * dose, 0.01, 0.99)
    any_cut = (rng.random((n, T)) < prob).astype(np.int8)
    width = len(str(n))
    frame = pl.DataFrame(
        {
            "company_id": np.repeat([f"F{i + 1:0{width}d}" for i in range(n)], T),
            "time_index": np.tile(np.arange(T), n).astype(np.int64),
            "treat": d.ravel(),
            "treat_lag1": lag.ravel(),
            "cut_share": share.ravel(),
            "any_cut": any_cut.ravel(),
            "true_effect": np.full(n * T, float(effect)),
        }
    )
    return frame.filter(pl.col("time_index") > 0)
