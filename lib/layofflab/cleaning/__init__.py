"""Cleaning: rules as polars expressions and their evaluation.

The rules are in :mod:`.rules` (numbers in :mod:`.numbers`), their evaluation in :mod:`.engine`.
Readers import both from here: ``from layofflab.cleaning import parse_count, per_value``.

Examples
--------
>>> import polars as pl
>>> from layofflab import cleaning
>>> pl.select(cleaning.parse_count(pl.lit("~1,200"))).item()
1200
"""

from __future__ import annotations

from layofflab.cleaning.engine import (
    PER_VALUE_MIN_ROWS,
    Stages,
    evaluate_stages,
    per_value,
    per_value_many,
)
from layofflab.cleaning.numbers import *  # noqa: F403 (the numbers' own __all__)
from layofflab.cleaning.numbers import __all__ as _numbers_all
from layofflab.cleaning.rules import *  # noqa: F403 (the rules' own __all__)
from layofflab.cleaning.rules import __all__ as _rules_all

__all__ = [
    *_rules_all,
    *_numbers_all,
    "PER_VALUE_MIN_ROWS",
    "Stages",
    "evaluate_stages",
    "per_value",
    "per_value_many",
]
