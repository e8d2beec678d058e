"""Figures of WARN notices: occupation groups and seniority of one notice's title list.

:func:`plot_role_groups` and :func:`plot_seniority` take one notice's tables from
:class:`layofflab.studies.warn_roles.NoticeJobs` (``groups``, ``seniority``) and say in their
title whether every group is shown or the top N of M with the rest summed.
(The pooled job-family chart of earlier versions is gone: it summed different notices.)
"""

from __future__ import annotations

import polars as pl
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from layofflab import roles
from layofflab.checks import check_columns
from layofflab.errors import InvalidArgumentError
from layofflab.plots._style import figure_and_axes, style

__all__ = ["plot_role_groups", "plot_seniority"]


def _one_notice(df: pl.DataFrame, name: str) -> None:
    if "notice_id" in df.columns and df["notice_id"].n_unique() > 1:
        raise InvalidArgumentError(
            name,
            sorted(df["notice_id"].unique().to_list()),
            expected="the table of one notice (e.g. WhichJobs.of(notice_id).groups)",
        )


def plot_role_groups(
    groups: pl.DataFrame,
    *,
    notice: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure | SubFigure:
    """Share of a notice's listed positions by occupation group, engineering and science groups highlighted.

    Parameters
    ----------
    groups : polars.DataFrame
        One notice's ``group``, ``positions``, ``share``, ``groups_in_row``, ``summed``
        (:func:`layofflab.studies.warn_roles.group_table`); every row is drawn.
    notice : str, optional
        The notice's id, to begin the default title with.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure).
    title : str, optional
        Title; the default says "all M groups" or "top N of M groups, the other K summed".

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> g = pl.DataFrame({"group": ["software engineering", "recruiting and HR", "3 other groups"],
    ...                   "positions": [6, 2, 2], "share": [0.6, 0.2, 0.2],
    ...                   "groups_in_row": [1, 1, 3], "summed": [False, False, True]})
    >>> fig = plot_role_groups(g)
    >>> fig.axes[0].get_title()
    'Positions by occupation group: top 2 of 5 groups, the other 3 summed'
    >>> [float(p.get_width()) for p in fig.axes[0].patches]
    [0.6, 0.2, 0.2]
    """
    check_columns(groups, ["group", "positions", "share", "groups_in_row", "summed"], name="groups")
    _one_notice(groups, "groups")
    m = int(groups["groups_in_row"].sum())
    k = int(groups.filter(pl.col("summed"))["groups_in_row"].sum())
    unclassified = int(roles.UNCLASSIFIED in groups["group"].to_list())
    default = (
        f"Positions by occupation group: top {m - k} of {m} groups, the other {k} summed"
        if k
        else f"Positions by occupation group: all {m - unclassified} groups"
        + (" and unclassified" if unclassified else "")
    )
    default = f"{notice}: {default[0].lower()}{default[1:]}" if notice else default
    kinds = roles.load_tables().counts_as
    palette = sns.color_palette()
    color = {"engineering": palette[0], "science": palette[2]}
    colors = [color.get(kinds.get(g, ""), palette[7]) for g in groups["group"].to_list()]
    with style():
        fig, ax = figure_and_axes(ax, figsize=(8, 0.35 * groups.height + 1.4))
        ax.barh(groups["group"].to_list(), groups["share"].fill_null(0).to_list(), color=colors)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        for y, (share, n) in enumerate(zip(groups["share"], groups["positions"], strict=True)):
            ax.annotate(f" {n:,}", (share or 0.0, y), va="center", fontsize=9)
        ax.legend(
            handles=[
                Patch(color=palette[0], label="engineering"),
                Patch(color=palette[2], label="data and applied science"),
                Patch(color=palette[7], label="other"),
            ],
            loc="lower right",
            frameon=False,
        )
        ax.set_xlabel("share of the positions listed by title (number at the bar)")
        ax.set_title(title or default)
    return fig


def plot_seniority(
    seniority: pl.DataFrame,
    *,
    notice: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure | SubFigure:
    """Share of a notice's listed positions by seniority, in rank order (every level drawn).

    Parameters
    ----------
    seniority : polars.DataFrame
        One notice's ``seniority``, ``positions``, ``share`` (``WhichJobs.of(notice).seniority``).
    notice : str, optional
        The notice's id, to begin the default title with.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure).
    title : str, optional
        Title (default: "Positions by seniority", after the notice's id if given).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> s = pl.DataFrame({"seniority": ["level I", "senior", "manager"], "positions": [3, 1, 0],
    ...                   "share": [0.75, 0.25, 0.0]})
    >>> fig = plot_seniority(s, notice="WA:1")
    >>> fig.axes[0].get_title()
    'WA:1: positions by seniority'
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['level I', 'senior', 'manager']
    """
    check_columns(seniority, ["seniority", "positions", "share"], name="seniority")
    _one_notice(seniority, "seniority")
    ladders = roles.load_tables().ladder
    palette = sns.color_palette()
    levels = [str(s) for s in seniority["seniority"].to_list()]
    colors = [palette[1] if ladders.get(s) == "management" else palette[0] for s in levels]
    with style():
        fig, ax = figure_and_axes(ax, figsize=(8, 0.3 * seniority.height + 1.4))
        ax.barh(levels, seniority["share"].fill_null(0).to_list(), color=colors)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        for y, (share, n) in enumerate(
            zip(seniority["share"], seniority["positions"], strict=True)
        ):
            if n:
                ax.annotate(f" {n:,}", (share or 0.0, y), va="center", fontsize=9)
        ax.legend(
            handles=[
                Patch(color=palette[0], label="individual contributors (or unspecified)"),
                Patch(color=palette[1], label="management ladder"),
            ],
            loc="lower right",
            frameon=False,
        )
        ax.set_xlabel("share of the positions listed by title (number at the bar)")
        ax.set_title(title or (f"{notice}: positions" if notice else "Positions") + " by seniority")
    return fig
