"""The analyses behind the notebooks, one module each, one naming scheme.

``<Name>Options`` (frozen run options, the notebook's parameters) → ``run_<name>()`` →
``<Name>Result``.

* :mod:`.overview` — reported layoffs per month and the companies with most cuts;
* :mod:`.capex` — do AI-capex announcements precede layoffs (panel regressions);
* :mod:`.warn` — a firm's WARN notices by state and site, and the jobs they list;
* :mod:`.power` — simulated power and minimum detectable effects of the capex designs.

Examples
--------
>>> from layofflab import studies
>>> [n for n in studies.__all__ if n.startswith("run_")]
['run_capex', 'run_overview', 'run_power', 'run_warn']
"""

from __future__ import annotations

from layofflab.studies.capex import CapexOptions, CapexResult, run_capex
from layofflab.studies.overview import OverviewOptions, OverviewResult, run_overview
from layofflab.studies.power import PowerOptions, PowerResult, run_power
from layofflab.studies.warn import WarnOptions, WarnResult, run_warn

__all__ = [
    "CapexOptions",
    "CapexResult",
    "OverviewOptions",
    "OverviewResult",
    "PowerOptions",
    "PowerResult",
    "WarnOptions",
    "WarnResult",
    "run_capex",
    "run_overview",
    "run_power",
    "run_warn",
]
