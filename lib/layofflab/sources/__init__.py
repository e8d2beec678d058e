"""Readers, one per source; each has ``read(path_or_paths, ...) -> Cleaned``.

* :mod:`~layofflab.sources.tracker` — layoffs.fyi-style tracker exports (both generations);
* :mod:`~layofflab.sources.warn` — WARN notices: the consolidated register and the raw
  state-portal layouts declared in ``resources/warn_states.toml``; job-title lists of notices;
* :mod:`~layofflab.sources.sec` — SEC XBRL company facts → discrete quarterly series;
* :mod:`~layofflab.sources.announcements` — dated AI-capex announcements;
* :mod:`~layofflab.sources.firms` — the firm table (ticker, CIK, name, fiscal-year end);
* :mod:`~layofflab.sources.headcount` — annual headcount from 10-K text or press pages.

Every raw row ends up in ``Cleaned.data`` or ``Cleaned.rejects`` (with a reason). Which
reader builds which table is declared once, in :data:`layofflab.tables.TABLES`.

Examples
--------
>>> from layofflab.sources import tracker
>>> tracker.SOURCE
'tracker'
"""
