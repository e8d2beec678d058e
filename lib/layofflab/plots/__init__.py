"""Figures. Every plot function takes ``ax=None`` and returns the matplotlib Figure.

Styling happens inside the functions (seaborn theme in a context manager), so
notebooks call them and never restyle inline.
"""

from __future__ import annotations

from layofflab.plots.layoffs import plot_monthly_layoffs, plot_top_companies

__all__ = ["plot_monthly_layoffs", "plot_top_companies"]
