"""layofflab: does AI capital spending predict tech workforce cuts?

Readers for public layoff, WARN, SEC XBRL and AI-capex sources; cleaning with every
raw row accounted for; company × period panels; econometrics validated against
published results; seaborn figures.

The public API is flat: ``layofflab.<name>`` for everything in ``__all__``; the
estimators live in :mod:`layofflab.models`.

Examples
--------
>>> import layofflab
>>> layofflab.__version__
'0.1.0'
"""

from __future__ import annotations

from layofflab import config
from layofflab.display import show_table
from layofflab.errors import (
    EstimationError,
    InputFileError,
    InvalidArgumentError,
    LayofflabError,
    LookupMissError,
    ManifestError,
    SchemaValidationError,
)
from layofflab.overview import Overview, OverviewOptions, layoff_overview
from layofflab.panel import Panel, build_panel
from layofflab.sources._base import Cleaned
from layofflab.summaries import monthly_layoffs, top_companies

__version__ = "0.1.0"

__all__ = [
    "Cleaned",
    "EstimationError",
    "InputFileError",
    "InvalidArgumentError",
    "LayofflabError",
    "LookupMissError",
    "ManifestError",
    "Overview",
    "OverviewOptions",
    "Panel",
    "SchemaValidationError",
    "Study",
    "StudyOptions",
    "__version__",
    "build_panel",
    "config",
    "layoff_overview",
    "monthly_layoffs",
    "run_study",
    "show_table",
    "top_companies",
]


_LAZY = {"Study", "StudyOptions", "run_study"}  # import the estimators only when asked for


def __getattr__(name: str):
    if name in _LAZY:
        from layofflab import capex_study

        return getattr(capex_study, name)
    raise AttributeError(f"module 'layofflab' has no attribute {name!r}")
