"""layofflab: a research toolkit asking whether AI capital spending predicts tech workforce cuts.

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
    RowConservationError,
    SchemaValidationError,
)
from layofflab.panel import Panel, build_panel, monthly_layoffs, top_companies
from layofflab.sources._base import Cleaned
from layofflab.studies import (
    CapexOptions,
    CapexResult,
    OverviewOptions,
    OverviewResult,
    PowerOptions,
    PowerResult,
    WarnOptions,
    WarnResult,
    run_capex,
    run_overview,
    run_power,
    run_warn,
)

__version__ = "0.1.0"

__all__ = [
    "CapexOptions",
    "CapexResult",
    "Cleaned",
    "EstimationError",
    "InputFileError",
    "InvalidArgumentError",
    "LayofflabError",
    "LookupMissError",
    "ManifestError",
    "OverviewOptions",
    "OverviewResult",
    "Panel",
    "PowerOptions",
    "PowerResult",
    "RowConservationError",
    "SchemaValidationError",
    "WarnOptions",
    "WarnResult",
    "__version__",
    "build_panel",
    "config",
    "monthly_layoffs",
    "run_capex",
    "run_overview",
    "run_power",
    "run_warn",
    "show_table",
    "top_companies",
]
