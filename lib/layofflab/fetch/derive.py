"""Quarterly series from many company-facts files (the implementation is :mod:`layofflab.tables.quarters`).

It moved a floor down so that the ``warn-public`` universe panel, built by the table
stage (:mod:`layofflab.tables.universe`), derives its quarters with the same code;
``layofflab.fetch.derive_quarters`` stays the name the fetch documentation uses.

Examples
--------
>>> derive_quarters.__module__
'layofflab.tables.quarters'
"""

from __future__ import annotations

from layofflab.tables.quarters import Derived, derive_quarters

__all__ = ["Derived", "derive_quarters"]
