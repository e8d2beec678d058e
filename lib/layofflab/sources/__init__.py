"""Readers, one module per source; each has ``read(path_or_paths, ...) -> Cleaned``.

* :mod:`~layofflab.sources.tracker` — layoffs.fyi-style tracker exports (both generations);
* :mod:`~layofflab.sources.warn` — WARN notices: the consolidated register and 44 raw
  state-portal layouts, declared in ``resources/warn_states.toml``;
* :mod:`~layofflab.sources.warn_job_titles` — job-title lists of WARN notices and job families;
* :mod:`~layofflab.sources.sec` — SEC XBRL company facts → discrete quarterly series;
* :mod:`~layofflab.sources.announcements` — dated AI-capex announcements.

Every raw row ends up in ``Cleaned.data`` or ``Cleaned.rejects`` (with a reason).

Examples
--------
>>> from layofflab import sources
>>> sorted(sources.READERS)
['announcements', 'sec', 'tracker', 'warn', 'warn_job_titles']
"""

from __future__ import annotations

from layofflab.sources import announcements, sec, tracker, warn, warn_job_titles
from layofflab.sources._base import Cleaned

#: Source name → reader module.
READERS = {
    "announcements": announcements,
    "sec": sec,
    "tracker": tracker,
    "warn": warn,
    "warn_job_titles": warn_job_titles,
}

__all__ = [
    "READERS",
    "Cleaned",
    "announcements",
    "sec",
    "tracker",
    "warn",
    "warn_job_titles",
]
