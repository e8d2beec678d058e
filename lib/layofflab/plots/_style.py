"""Shared figure set-up: one seaborn style, applied per figure, never globally."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["figure_and_axes", "style"]

_RC: dict[RcKeyType, Any] = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "svg.hashsalt": "layofflab",
    "axes.titleweight": "bold",
}


@contextmanager
def style() -> Iterator[None]:
    """Apply the toolkit's seaborn style inside the block only."""
    # Load the backend before entering the rc contexts: the Jupyter inline backend configures
    # rcParams when it loads, and a context restoring rcParams on exit would undo that, so no
    # later figure would be displayed. pyplot's own figure() does the same call on first use.
    plt._get_backend_mod()
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook"), plt.rc_context(_RC):
        yield


def figure_and_axes(
    ax: Axes | None, *, figsize: tuple[float, float] = (9, 4)
) -> tuple[Figure | SubFigure, Axes]:
    """The figure of ``ax`` (a SubFigure if ``ax`` is in one), or a new figure and axes."""
    if ax is not None:
        return ax.figure, ax
    fig, new_ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, new_ax
