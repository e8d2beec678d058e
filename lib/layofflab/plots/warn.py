"""Figures of WARN notices: job-family shares.

Examples
--------
>>> import datetime as dt, polars as pl
>>> fam = pl.DataFrame({"notice_date": [dt.date(2025, 10, 28)] * 2, "job_family": ["Software engineering", "HR"],
...                     "is_engineering": [True, False], "employees": [30, 10], "share": [0.75, 0.25]})
>>> fig = plot_job_families(fam)
>>> [float(round(p.get_width(), 2)) for p in fig.axes[0].patches]
[0.75, 0.25]
"""

from __future__ import annotations

import polars as pl
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from layofflab.checks import check_columns
from layofflab.plots._style import figure_and_axes, style

__all__ = ["plot_job_families"]


def plot_job_families(
    families: pl.DataFrame, *, ax: Axes | None = None, title: str | None = None, top: int = 15
) -> Figure | SubFigure:
    """Share of listed workers by job family (all notices pooled), engineering families highlighted."""
    check_columns(families, ["job_family", "is_engineering", "employees"], name="families")
    pooled = (
        families.group_by("job_family", "is_engineering")
        .agg(pl.col("employees").sum())
        .with_columns(share=pl.col("employees") / pl.col("employees").sum())
        .sort(["employees", "job_family"], descending=[True, False])
        .head(top)
    )
    palette = sns.color_palette()
    colors = [palette[0] if e else palette[7] for e in pooled["is_engineering"].to_list()]
    with style():
        fig, ax = figure_and_axes(ax, figsize=(8, 0.35 * pooled.height + 1.2))
        ax.barh(pooled["job_family"].to_list(), pooled["share"].to_list(), color=colors)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        for y, (share, n) in enumerate(zip(pooled["share"], pooled["employees"], strict=True)):
            ax.annotate(f" {n:,}", (share, y), va="center", fontsize=9)
        ax.legend(
            handles=[
                Patch(color=palette[0], label="engineering"),
                Patch(color=palette[7], label="other"),
            ],
            loc="lower right",
            frameon=False,
        )
        ax.set_xlabel("share of workers listed in the notices")
        ax.set_title(title or "Which jobs? Job families in the WARN notices")
    return fig
