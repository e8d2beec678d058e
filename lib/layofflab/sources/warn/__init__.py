"""WARN notices: the reader, state layouts, de-duplication, versions and job titles.

The reader (:mod:`.reader`), its declared state layouts (:mod:`.layouts`) and per-field rules
(:mod:`.fields`), comparison keys (:mod:`.keys`), re-postings and compiled copies
(:mod:`.dedup`), amendments and what is counted (:mod:`.versions`), streaming for files too
large for memory (:mod:`.stream`) and job-title lists (:mod:`.job_titles`).

``warn.read(paths)`` is the reader; the layouts are declared in ``resources/warn_states.toml``.

Examples
--------
>>> from layofflab.sources import warn
>>> "register" in warn.layouts()
True
"""

from __future__ import annotations

from layofflab.sources.warn.reader import COLUMNS, Format, Layout, detect_layout, layouts, read

__all__ = ["COLUMNS", "Format", "Layout", "detect_layout", "layouts", "read"]
