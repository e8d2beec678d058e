"""Figure of a company × quarter panel: layoffs as bubbles, AI-capex announcements as markers.

Examples
--------
>>> import datetime as dt, polars as pl
>>> panel = pl.DataFrame({"company_id": ["A", "A", "B", "B"],
...                       "period": [dt.date(2024, 1, 1), dt.date(2024, 4, 1)] * 2,
...                       "laid_off": [100, 0, 0, 40], "layoff_events": [1, 0, 0, 2],
...                       "announced": [0, 1, 0, 0]})
>>> fig = plot_panel_timeline(panel)
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['A', 'B']
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import polars as pl
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from layofflab.checks import check_columns
from layofflab.plots._style import figure_and_axes, style

__all__ = ["plot_panel_timeline"]


def plot_panel_timeline(
    panel: pl.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Figure | SubFigure:
    """One row per company: bubble area ∝ workers laid off in the quarter, ▲ = AI-capex announcement.

    Quarters with layoff events but no reported count are drawn as open circles.

    Parameters
    ----------
    panel : polars.DataFrame
        Columns ``company_id``, ``period``, ``laid_off``, ``layoff_events`` and ``announced``
        (Boolean or 0/1).
    ax : matplotlib.axes.Axes, optional
        Draw into these axes; a new figure otherwise.
    title : str, optional
        Overrides the default title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax`` (a SubFigure if ``ax`` is in one), else a new figure.

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> p = pl.DataFrame({"company_id": ["A", "A"], "period": [dt.date(2024, 1, 1), dt.date(2024, 4, 1)],
    ...                   "laid_off": [0, 0], "layoff_events": [1, 0], "announced": [False, True]})
    >>> fig = plot_panel_timeline(p)
    >>> [h.get_label() for h in fig.axes[0].get_legend().legend_handles]
    ['workers laid off (area)', 'layoff, count not reported', 'AI-capex announcement']
    """
    check_columns(
        panel, ["company_id", "period", "laid_off", "layoff_events", "announced"], name="panel"
    )
    companies = sorted(panel["company_id"].unique().to_list())
    row = {c: i for i, c in enumerate(companies)}
    y = np.array([row[c] for c in panel["company_id"].to_list()], dtype=float)
    x = mdates.date2num(panel["period"].to_list())
    laid = panel["laid_off"].to_numpy().astype(float)
    events = panel["layoff_events"].to_numpy()
    announced = panel["announced"].cast(pl.Boolean).to_numpy()
    palette = sns.color_palette()
    with style():
        fig, ax = figure_and_axes(ax, figsize=(10, 0.45 * len(companies) + 1.5))
        scale = 1200.0 / max(laid.max(), 1.0)
        counted = laid > 0
        ax.scatter(
            x[counted],
            y[counted],
            s=laid[counted] * scale + 15,
            color=palette[3],
            alpha=0.55,
            edgecolor="white",
            linewidth=0.5,
            label="workers laid off (area)",
        )
        uncounted = (events > 0) & ~counted
        ax.scatter(
            x[uncounted],
            y[uncounted],
            s=40,
            facecolor="none",
            edgecolor=palette[3],
            label="layoff, count not reported",
        )
        ax.scatter(
            x[announced],
            y[announced] - 0.32,
            marker="^",
            s=45,
            color=palette[0],
            label="AI-capex announcement",
        )
        ax.set_yticks(range(len(companies)), companies)
        ax.set_ylim(len(companies) - 0.4, -0.7)
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, markerscale=0.6)
        ax.set_title(title or "Layoffs and AI-capex announcements by quarter")
    return fig
