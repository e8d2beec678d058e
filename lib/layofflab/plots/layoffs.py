"""Figures of layoff events: monthly totals and the companies with most cuts.

Examples
--------
>>> import datetime as dt, polars as pl
>>> monthly = pl.DataFrame({"month": [dt.date(2025, 1, 1), dt.date(2025, 2, 1)],
...                         "events": [3, 1], "events_with_count": [2, 1], "laid_off": [900, 50]})
>>> fig = plot_monthly_layoffs(monthly)
>>> [round(p.get_height()) for p in fig.axes[0].patches]
[900, 50]
"""

from __future__ import annotations

import matplotlib.dates as mdates
import polars as pl
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from layofflab.checks import check_columns
from layofflab.plots._style import figure_and_axes, style

__all__ = ["plot_monthly_layoffs", "plot_top_companies"]

_THOUSANDS = FuncFormatter(lambda v, _pos: f"{v:,.0f}")


def plot_monthly_layoffs(
    monthly: pl.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Figure | SubFigure:
    """Bar chart of workers laid off per month (from :func:`layofflab.monthly_layoffs`).

    Parameters
    ----------
    monthly : polars.DataFrame
        Columns ``month`` (first day of the month) and ``laid_off``.
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
    >>> m = pl.DataFrame({"month": [dt.date(2025, 1, 1)], "laid_off": [1200]})
    >>> plot_monthly_layoffs(m, title="January").axes[0].get_title()
    'January'
    """
    check_columns(monthly, ["month", "laid_off"], name="monthly")
    with style():
        fig, ax = figure_and_axes(ax)
        months = monthly["month"].to_list()
        ax.bar(months, monthly["laid_off"].to_list(), width=25, color=sns.color_palette()[0])
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=12))
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        ax.yaxis.set_major_formatter(_THOUSANDS)
        ax.set_xlabel("")
        ax.set_ylabel("workers laid off (reported)")
        ax.set_title(title or "Reported layoffs per month")
    return fig


def plot_top_companies(
    top: pl.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Figure | SubFigure:
    """Horizontal bars of total workers laid off per company (from :func:`layofflab.top_companies`).

    Each bar is annotated with the number of events behind it.

    Parameters
    ----------
    top : polars.DataFrame
        Columns ``company``, ``laid_off`` and ``events``, in the order to draw.
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
    >>> import polars as pl
    >>> top = pl.DataFrame({"company": ["Acme", "Globex"], "laid_off": [900, 300], "events": [2, 1]})
    >>> fig = plot_top_companies(top)
    >>> [t.get_text() for t in fig.axes[0].texts]
    [' 2 events', ' 1 event']
    """
    check_columns(top, ["company", "laid_off", "events"], name="top")
    with style():
        fig, ax = figure_and_axes(ax, figsize=(8, 0.4 * max(top.height, 3) + 1))
        sns.barplot(
            x=top["laid_off"].to_list(),
            y=top["company"].to_list(),
            ax=ax,
            color=sns.color_palette()[1],
            orient="h",
        )
        for patch, events in zip(ax.patches, top["events"].to_list(), strict=False):
            assert isinstance(patch, Rectangle)  # a bar of barplot
            ax.annotate(
                f" {events} event{'s' if events != 1 else ''}",
                (patch.get_width(), patch.get_y() + patch.get_height() / 2),
                va="center",
                fontsize=9,
            )
        ax.xaxis.set_major_formatter(_THOUSANDS)
        ax.set_xlabel("workers laid off (reported)")
        ax.set_ylabel("")
        ax.set_title(title or "Companies with the most reported layoffs")
    return fig
