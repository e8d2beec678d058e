"""Downloads from the public sources (``layofflab fetch``) into ``data/external/``.

* :mod:`~layofflab.fetch.http` — the mechanics: :class:`Fetcher` (conditional requests,
  resume, retries with backoff honouring ``Retry-After``, a shared rate limit, atomic
  replacement only of a checked body), :class:`Settings`;
* :mod:`~layofflab.fetch.manifest` — ``data/external/MANIFEST`` (sha256, size, URL,
  retrieval time, HTTP validators per file);
* :mod:`~layofflab.fetch.content` — checks a body must pass before it is kept;
* :mod:`~layofflab.fetch.sec` — SEC XBRL company facts, the ``bigtech`` and
  ``warn-public`` universes (:func:`warn_public_ciks`);
* :mod:`~layofflab.fetch.warn` — the WARN register's state CSVs, state portals via warn-scraper;
* :mod:`~layofflab.fetch.tracker` — a layoffs tracker export;
* :mod:`~layofflab.fetch.derive` — quarterly series from many company-facts files in
  parallel processes or on a Dask cluster;
* :mod:`~layofflab.fetch.cli` — the ``layofflab fetch`` command.

Examples
--------
>>> from layofflab import fetch
>>> fetch.Settings(rate=5).rate
5
>>> sorted(fetch.SOURCES)
['sec', 'tracker', 'warn']
"""

from __future__ import annotations

from layofflab.fetch.derive import Derived, derive_quarters
from layofflab.fetch.http import Download, Fetcher, RateLimiter, Settings
from layofflab.fetch.manifest import ExternalManifest, read_manifest, verify_manifest
from layofflab.fetch.sec import warn_public_ciks

__all__ = [
    "SOURCES",
    "Derived",
    "Download",
    "ExternalManifest",
    "Fetcher",
    "RateLimiter",
    "Settings",
    "derive_quarters",
    "read_manifest",
    "verify_manifest",
    "warn_public_ciks",
]

#: ``layofflab fetch <source>`` → the module that fetches it.
SOURCES: dict[str, str] = {
    "sec": "layofflab.fetch.sec",
    "warn": "layofflab.fetch.warn",
    "tracker": "layofflab.fetch.tracker",
}
