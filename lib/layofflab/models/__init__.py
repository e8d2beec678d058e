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

from layofflab.models.result import (
    EstimationResult,
    ModelInfo,
    funnel_frame,
    regression_table,
    tidy_table,
)

__all__ = [
    "EstimationResult",
    "ModelInfo",
    "funnel_frame",
    "regression_table",
    "tidy_table",
]
