"""Rambachan–Roth sensitivity bounds (diff-diff's HonestDiD) on our event-study estimates."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest

from layofflab.errors import EstimationError
from layofflab.models.event_study import event_study
from layofflab.models.honest import honest_did
from layofflab.models.simulate import simulate_panel


@pytest.fixture(scope="module")
def es():
    df = simulate_panel(n_firms=150, n_periods=10, effect=0.3, noise_sd=0.3, seed=11)
    return event_study(
        df,
        outcome="log_intensity",
        unit="firm",
        time="period",
        cohort="announce_period",
        leads=4,
        lags=0,
        estimator="all",
    )


def test_relative_magnitude_identified_set_has_its_closed_form_with_one_post_period(es):
    """With one post period and reference -1 (δ_-1 = 0), Δ^RM(M̄) bounds |δ_0| by M̄ times the
    largest pre-period first difference m, so the identified set of τ_0 is β_0 ± M̄·m
    (Rambachan & Roth 2023, section 2.4.2)."""
    rows = es.estimates.filter(pl.col("estimator") == "twfe").sort("rel_time")
    beta = dict(zip(rows["rel_time"], rows["estimate"], strict=True))
    pre = [beta[r] for r in sorted(r for r in beta if r < 0)] + [0.0]  # ..., β_-2, δ_-1 = 0
    m = max(abs(b - a) for a, b in itertools.pairwise(pre))
    hd = honest_did(es, estimator="twfe", m_grid=(0.0, 0.5, 1.0, 2.0))
    for M, lb, ub in hd.table.select("M", "lb", "ub").rows():
        assert lb == pytest.approx(beta[0] - M * m, abs=1e-6)
        assert ub == pytest.approx(beta[0] + M * m, abs=1e-6)


def test_bounds_widen_with_m_and_the_robust_interval_contains_the_identified_set(es):
    hd = honest_did(es, estimator="sun_abraham", m_grid=(0.0, 0.25, 0.5, 1.0, 2.0, 4.0))
    t = hd.table
    assert (t["ub"] - t["lb"]).diff().drop_nulls().min() >= -1e-9
    assert ((t["ci_low"] <= t["lb"] + 1e-9) & (t["ci_high"] >= t["ub"] - 1e-9)).all()
    assert t["lb"][0] == pytest.approx(hd.estimate, abs=1e-6)
    # a modest effect stops being distinguishable from zero at some M on a wide enough grid
    assert hd.breakdown_m is None or hd.breakdown_m in t["M"].to_list()
    assert hd.pre_periods == (-4, -3, -2) and hd.post_periods == (0,)


def test_breakdown_is_the_first_m_whose_interval_covers_zero(es):
    hd = honest_did(es, estimator="twfe", m_grid=tuple(np.linspace(0, 20, 41)))
    covers = hd.table.filter((pl.col("ci_low") <= 0) & (pl.col("ci_high") >= 0))
    assert covers.height > 0 and hd.breakdown_m == covers["M"].min()


def test_honest_did_refuses_estimators_without_a_covariance(es):
    with pytest.raises(Exception, match="estimator"):
        honest_did(es, estimator="callaway_santanna")  # type: ignore[arg-type]
    only_cs = event_study(
        simulate_panel(n_firms=60, n_periods=8, seed=1),
        outcome="log_intensity",
        unit="firm",
        time="period",
        cohort="announce_period",
        leads=2,
        lags=1,
        estimator="callaway_santanna",
    )
    with pytest.raises(EstimationError, match="no 'twfe' estimates"):
        honest_did(only_cs, estimator="twfe")
