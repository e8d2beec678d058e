"""Estimators: panel OLS, PPML, few-cluster inference, multiple testing, event studies.

Every estimator returns an :class:`EstimationResult` (tidy ``table``, sample ``funnel``,
``info`` metadata) that renders as a regression table.

Examples
--------
>>> from layofflab import models
>>> "EstimationResult" in models.__all__
True
"""

from __future__ import annotations

from layofflab.models.inference import (
    BootstrapResult,
    RandomizationResult,
    randomization_inference,
    wild_bootstrap,
)
from layofflab.models.multiple_testing import adjust_pvalues, romano_wolf, romano_wolf_bootstrap
from layofflab.models.panel_ols import OLSOptions, panel_ols
from layofflab.models.ppml import PPMLOptions, ppml
from layofflab.models.result import (
    EstimationResult,
    ModelInfo,
    funnel_frame,
    regression_table,
    tidy_table,
)

__all__ = [
    "BootstrapResult",
    "EstimationResult",
    "ModelInfo",
    "OLSOptions",
    "PPMLOptions",
    "RandomizationResult",
    "adjust_pvalues",
    "funnel_frame",
    "panel_ols",
    "ppml",
    "randomization_inference",
    "regression_table",
    "romano_wolf",
    "romano_wolf_bootstrap",
    "tidy_table",
    "wild_bootstrap",
]

# --- event studies, Callaway-Sant'Anna, specification curve (models/event_study.py,
# --- models/did.py, models/spec_curve.py): re-exported here once those modules land.
