"""Estimate figures: assert on axes content (artists, positions, labels), never on pixels."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import polars as pl
import pytest
from matplotlib.container import ErrorbarContainer

from layofflab.errors import InvalidArgumentError
from layofflab.models.event_study import EventStudyResult, event_study
from layofflab.models.result import EstimationResult, ModelInfo, funnel_frame, tidy_table
from layofflab.models.simulate import simulate_panel
from layofflab.plots.estimates import plot_coefficients, plot_event_study, plot_spec_curve

mpl.use("Agg")


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    warnings.filterwarnings("ignore", message=r"(?s).*(The inplace keyword|small groups)")
    yield
    plt.close("all")


def _bars(ax: plt.Axes) -> list[ErrorbarContainer]:
    return [c for c in ax.containers if isinstance(c, ErrorbarContainer)]


@pytest.fixture(scope="module")
def es() -> EventStudyResult:
    warnings.filterwarnings("ignore", message=r"(?s).*(The inplace keyword|small groups)")
    df = simulate_panel(n_firms=150, n_periods=10, effect=0.3, seed=12)
    return event_study(
        df,
        outcome="log_intensity",
        unit="firm",
        time="period",
        cohort="announce_period",
        leads=3,
        lags=2,
    )


def test_event_study_draws_each_estimator_dodged(es: EventStudyResult) -> None:
    fig = plot_event_study(es)
    ax = fig.axes[0]
    bars = _bars(ax)
    assert [b.get_label() for b in bars] == ["TWFE", "Sun–Abraham", "Callaway–Sant'Anna"]
    xs = [b.lines[0].get_xdata() for b in bars]
    assert len(xs[0]) == 5 and len(xs[2]) == 6  # CS estimates rel_-1 too
    # dodged: same period, different x, in estimator order
    x0 = [float(x[list(np.round(x)).index(0)]) for x in xs]
    assert x0 == sorted(x0) and len(set(x0)) == 3 and max(x0) - min(x0) <= 0.5
    ys = bars[0].lines[0].get_ydata()
    twfe = es.estimates.filter(pl.col("estimator") == "twfe")
    np.testing.assert_allclose(ys, twfe["estimate"].to_numpy())


def test_event_study_zero_line_reference_marker_and_ticks(es: EventStudyResult) -> None:
    ax = plot_event_study(es).axes[0]
    hlines = [ln for ln in ax.get_lines() if list(ln.get_ydata()) == [0, 0]]
    assert hlines, "no zero line"
    ref = [ln for ln in ax.get_lines() if ln.get_label() == "reference period"]
    assert len(ref) == 1 and list(ref[0].get_xdata()) == [-1] and list(ref[0].get_ydata()) == [0]
    assert ref[0].get_markerfacecolor() == "white"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["≤-3", "-2", "-1", "0", "1", "≥2"]
    assert ax.get_legend().get_texts()[-1].get_text() == "reference period"


def test_event_study_from_a_plain_table_and_given_axes() -> None:
    tab = pl.DataFrame(
        {
            "rel_time": [-2, 0, 1],
            "estimate": [0.0, 0.3, 0.5],
            "ci_low": [-0.1, 0.1, 0.2],
            "ci_high": [0.1, 0.5, 0.8],
        }
    )
    fig, ax = plt.subplots()
    out = plot_event_study(tab, ax=ax, omit=None, title="mine")
    assert out is fig and ax.get_title() == "mine"
    (bar,) = _bars(ax)
    assert list(bar.lines[0].get_xdata()) == [-2, 0, 1]  # one estimator: no dodge
    seg = bar.lines[2][0].get_segments()
    assert [tuple(s[:, 1]) for s in seg] == [(-0.1, 0.1), (0.1, 0.5), (0.2, 0.8)]
    assert not [ln for ln in ax.get_lines() if ln.get_label() == "reference period"]


def test_event_study_does_not_touch_global_rcparams(es: EventStudyResult) -> None:
    before = dict(mpl.rcParams)
    plot_event_study(es)
    assert dict(mpl.rcParams) == before


def test_event_study_input_errors() -> None:
    with pytest.raises(InvalidArgumentError):
        plot_event_study([1, 2])
    with pytest.raises(InvalidArgumentError):
        plot_event_study(pl.DataFrame({"rel_time": [0], "estimate": [1.0]}))


@pytest.fixture
def curve() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "spec_id": [0, 1, 2, 3, 4],
            "outcome": ["y"] * 5,
            "lag": [0, 1, 0, 1, 2],
            "sample": ["all", "all", "big", "big", "all"],
            "estimate": [0.4, -0.1, 0.2, None, 0.05],
            "ci_low": [0.2, -0.3, 0.1, None, -0.2],
            "ci_high": [0.6, 0.1, 0.3, None, 0.3],
            "p_value": [0.001, 0.3, 0.01, None, 0.7],
            "error": [None, None, None, "EstimationError: no variation", None],
        }
    )


def test_spec_curve_sorted_estimates_and_significance(curve: pl.DataFrame) -> None:
    fig = plot_spec_curve(curve)
    top, _low = fig.axes
    bars = _bars(top)
    assert [b.get_label() for b in bars] == ["p ≥ 0.05", "p < 0.05"]
    pts = sorted(
        (float(x), float(y))
        for b in bars
        for x, y in zip(b.lines[0].get_xdata(), b.lines[0].get_ydata(), strict=True)
    )
    assert pts == [(0, -0.1), (1, 0.05), (2, 0.2), (3, 0.4)]  # failed spec left out
    assert sorted(bars[1].lines[0].get_ydata()) == [0.2, 0.4]
    assert "4 specifications" in top.get_title()


def test_spec_curve_indicator_panel(curve: pl.DataFrame) -> None:
    low = plot_spec_curve(curve).axes[1]
    labels = [t.get_text() for t in low.get_yticklabels()]
    assert labels == ["lag: 0", "lag: 1", "lag: 2", "sample: all", "sample: big"]
    marks = {labels[int(ln.get_ydata()[0])]: sorted(ln.get_xdata()) for ln in low.get_lines()}
    # sorted order: spec 1 (lag 1, all), spec 4 (lag 2, all), spec 2 (lag 0, big), spec 0
    assert marks["lag: 0"] == [2, 3] and marks["lag: 1"] == [0] and marks["lag: 2"] == [1]
    assert marks["sample: all"] == [0, 1, 3] and marks["sample: big"] == [2]


def test_spec_curve_on_given_axes_and_chosen_dimensions(curve: pl.DataFrame) -> None:
    fig, ax = plt.subplots()
    out = plot_spec_curve(curve, ax=ax, dimensions=["outcome"])
    assert out is fig and len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == ["outcome: y"]
    with pytest.raises(InvalidArgumentError):
        plot_spec_curve(curve, dimensions=["nope"])
    with pytest.raises(InvalidArgumentError):
        plot_spec_curve(curve.filter(pl.col("error").is_not_null()))


def _result(est: list[float], terms: list[str]) -> EstimationResult:
    info = ModelInfo("ols", "y ~ x", 10, {}, (), (), "iid", None)
    return EstimationResult(tidy_table(terms, est, [0.1] * len(est)), funnel_frame(10, []), info)


def test_coefficients_plot_models_side_by_side() -> None:
    a, b = _result([0.5, -0.2], ["x", "z"]), _result([0.3, 0.1, 1.0], ["x", "z", "w"])
    ax = plot_coefficients({"A": a, "B": b}).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "z", "w"]
    bars = _bars(ax)
    assert [c.get_label() for c in bars] == ["A", "B"]
    np.testing.assert_allclose(bars[1].lines[0].get_xdata(), [0.3, 0.1, 1.0])
    ya, yb = bars[0].lines[0].get_ydata(), bars[1].lines[0].get_ydata()
    assert np.all(ya < yb[:2]) and np.allclose(np.round(yb), [0, 1, 2])
    assert any(list(ln.get_xdata()) == [0, 0] for ln in ax.get_lines())
    one = plot_coefficients([a], terms=["z"]).axes[0]
    assert [t.get_text() for t in one.get_yticklabels()] == ["z"]
    assert one.get_legend() is None
    with pytest.raises(InvalidArgumentError):
        plot_coefficients(42)
