"""Estimators: panel OLS, PPML, few-cluster inference, multiple testing, event studies.

Every estimator returns an :class:`EstimationResult` (tidy ``table``, sample ``funnel``,
``info`` metadata) that renders as a regression table; :func:`regression_table` puts
several side by side.

Examples
--------
>>> from layofflab import models
>>> "EstimationResult" in models.__all__ and "wild_bootstrap" in models.__all__
True
"""

from __future__ import annotations

from layofflab.models.did import DiDResult, callaway_santanna
from layofflab.models.event_study import EventStudyResult, event_study
from layofflab.models.honest import HonestResult, honest_did
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
from layofflab.models.spec_curve import SpecGrid, spec_curve

__all__ = [
    "BootstrapResult",
    "DiDResult",
    "EstimationResult",
    "EventStudyResult",
    "HonestResult",
    "ModelInfo",
    "OLSOptions",
    "PPMLOptions",
    "RandomizationResult",
    "SpecGrid",
    "adjust_pvalues",
    "callaway_santanna",
    "event_study",
    "funnel_frame",
    "honest_did",
    "panel_ols",
    "ppml",
    "randomization_inference",
    "regression_table",
    "romano_wolf",
    "romano_wolf_bootstrap",
    "spec_curve",
    "tidy_table",
    "wild_bootstrap",
]
