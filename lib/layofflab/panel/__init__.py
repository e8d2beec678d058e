"""Company × period panels, event timing and summaries of layoff events.

Building panels is :mod:`.panel`, event timing :mod:`.events`, summaries of layoff events
:mod:`.summaries`.

Examples
--------
>>> from layofflab import panel
>>> panel.build_panel.__name__
'build_panel'
"""

from __future__ import annotations

from layofflab.panel.events import (
    bin_rel_time,
    capex_spike_events,
    event_time,
    period_index,
    rel_label,
)
from layofflab.panel.panel import Panel, build_panel
from layofflab.panel.summaries import monthly_layoffs, top_companies

__all__ = [
    "Panel",
    "bin_rel_time",
    "build_panel",
    "capex_spike_events",
    "event_time",
    "monthly_layoffs",
    "period_index",
    "rel_label",
    "top_companies",
]
