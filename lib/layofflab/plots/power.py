"""Power curves of the capex study's designs, with the 80% line and the minimum detectable effects.

The event designs (an announcement, a detected capex spike) and the dose design (per
percentage point of capex intensity) measure the effect in different units, so each unit gets
its own panel: one scale per plot.

Examples
--------
>>> import polars as pl
>>> from types import SimpleNamespace
>>> power = pl.DataFrame({"design": ["spike"] * 3, "outcome": ["any_cut"] * 3,
...                       "test": ["crv3"] * 3, "effect": [0.0, 0.3, 0.6],
...                       "power": [0.05, 0.5, 0.95], "mc_se": [0.02, 0.05, 0.02]})
>>> mde = pl.DataFrame({"design": ["spike"], "test": ["crv3"], "mde": [0.42]})
>>> fig = plot_power(SimpleNamespace(power=power, mde=mde))
>>> [ax.get_title() for ax in fig.axes]
['Event designs']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import polars as pl
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import FuncFormatter

from layofflab.checks import check_columns
from layofflab.errors import InvalidArgumentError
from layofflab.plots._style import style

__all__ = ["plot_power"]

#: Panels: designs that share an effect unit.
_PANELS = {"Event designs": ("announcement", "spike"), "Dose design": ("dose",)}
_DESIGN_LABELS = {
    "announcement": "announcement",
    "spike": "capex spike (detected)",
    "dose": "capex intensity",
}
_TEST_LABELS = {"crv3": "CRV3 jackknife, t(G−1)", "wild": "wild cluster bootstrap (WCR)"}
_TEST_STYLES = {"crv3": "-", "wild": "--"}
_X_LABELS = {
    ("Event designs", "any_cut"): "effect of one event on P(any cut), percentage points",
    ("Event designs", "cut_share"): "effect of one event on cuts, pp of headcount",
    ("Dose design", "any_cut"): "effect per pp of capex intensity on P(any cut), pp",
    ("Dose design", "cut_share"): "effect per pp of capex intensity on cuts, pp of headcount",
}
_TARGET = 0.8


def _axes(
    ax: Axes | Sequence[Axes] | None, n: int, titles: list[str]
) -> tuple[Figure | SubFigure, list[Axes]]:
    if ax is None:
        fig, grid = plt.subplots(
            1, n, figsize=(5.2 * n, 5.4), sharey=True, layout="constrained", squeeze=False
        )
        return fig, list(grid[0])
    axes = [ax] if isinstance(ax, Axes) else list(ax)
    if len(axes) != n:
        raise InvalidArgumentError(
            "ax", ax, expected=f"{n} axes, one per effect unit ({', '.join(titles)}), or None"
        )
    return axes[0].figure, axes


def plot_power(result: Any, *, ax: Axes | Sequence[Axes] | None = None) -> Figure | SubFigure:
    """Power against the planted effect, one line per design (and test), MDEs marked.

    The band is ±1.96 Monte Carlo standard errors of the first test's power (CRV3 when run);
    a diamond and a dotted drop line mark each minimum detectable effect reached on the grid.

    Parameters
    ----------
    result : PowerResult
        A :func:`layofflab.studies.run_power` result (anything with its ``power`` and ``mde``
        frames).
    ax : matplotlib.axes.Axes or sequence of Axes, optional
        One axes per effect unit present (event designs, dose design); a new figure otherwise.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax`` (a SubFigure if ``ax`` is in one), else a new figure.

    Examples
    --------
    >>> import polars as pl
    >>> from types import SimpleNamespace
    >>> power = pl.DataFrame({"design": ["announcement"] * 2 + ["dose"] * 2,
    ...                       "outcome": ["any_cut"] * 4, "test": ["crv3"] * 4,
    ...                       "effect": [0.0, 0.5, 0.0, 0.1], "power": [0.05, 0.9, 0.04, 0.85],
    ...                       "mc_se": [0.02, 0.03, 0.02, 0.03]})
    >>> mde = pl.DataFrame({"design": ["announcement", "dose"], "test": ["crv3"] * 2,
    ...                     "mde": [0.47, None]})
    >>> fig = plot_power(SimpleNamespace(power=power, mde=mde))
    >>> [ax.get_title() for ax in fig.axes]
    ['Event designs', 'Dose design']
    >>> fig.axes[0].xaxis.get_major_formatter()(0.25, 0)  # probabilities in percentage points
    '25'
    """
    power = check_columns(
        result.power,
        ["design", "outcome", "test", "effect", "power", "mc_se"],
        name="result.power",
    )
    mde = check_columns(result.mde, ["design", "test", "mde"], name="result.mde")
    outcomes = power["outcome"].unique().to_list()
    if len(outcomes) != 1:
        raise InvalidArgumentError("result.power", outcomes, expected="one outcome")
    outcome = outcomes[0]
    alpha = getattr(getattr(result, "options", None), "alpha", 0.05)
    present = set(power["design"].to_list())
    panels = [(t, [d for d in ds if d in present]) for t, ds in _PANELS.items()]
    panels = [(t, ds) for t, ds in panels if ds]
    colors = dict(zip(_DESIGN_LABELS, sns.color_palette(n_colors=3), strict=True))
    scale = 100.0 if outcome == "any_cut" else 1.0
    with style():
        fig, axes = _axes(ax, len(panels), [t for t, _ in panels])
        for a, (title, designs) in zip(axes, panels, strict=True):
            tests = [t for t in _TEST_LABELS if t in power["test"].to_list()]
            for design in designs:
                for test in tests:
                    g = power.filter((pl.col("design") == design) & (pl.col("test") == test))
                    if g.is_empty():
                        continue
                    g = g.sort("effect")
                    x, p, se = g["effect"], g["power"], g["mc_se"]
                    label = f"{_DESIGN_LABELS[design]} — {_TEST_LABELS[test]}"
                    color = colors[design]
                    if test == tests[0]:  # ±1.96 Monte Carlo s.e. of the first test's power
                        a.fill_between(x, p - 1.96 * se, p + 1.96 * se, color=color, alpha=0.12)
                    a.plot(x, p, _TEST_STYLES[test], marker="o", color=color, label=label)
                    m = mde.filter((pl.col("design") == design) & (pl.col("test") == test))
                    if m.height and m["mde"][0] is not None:
                        a.vlines(m["mde"][0], 0, _TARGET, colors=[color], linestyles=":", lw=1.2)
                        a.plot([m["mde"][0]], [_TARGET], "D", color=color, ms=7)
            a.axhline(_TARGET, color="0.35", ls="--", lw=1, label="80% power")
            a.axhline(
                alpha, color="0.6", ls=":", lw=1, label=f"{100 * alpha:g}% (the test's level)"
            )
            a.set_ylim(0, 1.02)
            a.set_title(title)
            a.set_xlabel(_X_LABELS[(title, outcome)])
            a.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v * scale:g}"))
            a.legend(
                loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize="small", frameon=False
            )
        axes[0].set_ylabel("power (share of replications rejecting)")
    return fig
