"""Figures. Every plot function takes ``ax=None`` and returns the matplotlib Figure.

Styling happens inside the functions (seaborn theme in a context manager), so
notebooks call them and never restyle inline.
"""

from __future__ import annotations

from layofflab.plots.estimates import plot_coefficients, plot_event_study, plot_spec_curve
from layofflab.plots.layoffs import plot_monthly_layoffs, plot_top_companies
from layofflab.plots.panel import plot_panel_timeline
from layofflab.plots.power import plot_power
from layofflab.plots.warn import plot_role_groups, plot_seniority

__all__ = [
    "plot_coefficients",
    "plot_event_study",
    "plot_monthly_layoffs",
    "plot_panel_timeline",
    "plot_power",
    "plot_role_groups",
    "plot_seniority",
    "plot_spec_curve",
    "plot_top_companies",
]
