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

import importlib
from typing import Any

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

# Imported on first use: a worker process of derive_quarters needs neither httpx nor tqdm.
_LAZY = {
    "Derived": "layofflab.fetch.derive",
    "derive_quarters": "layofflab.fetch.derive",
    "Download": "layofflab.fetch.http",
    "Fetcher": "layofflab.fetch.http",
    "RateLimiter": "layofflab.fetch.policy",
    "Settings": "layofflab.fetch.policy",
    "ExternalManifest": "layofflab.fetch.manifest",
    "read_manifest": "layofflab.fetch.manifest",
    "verify_manifest": "layofflab.fetch.manifest",
    "warn_public_ciks": "layofflab.fetch.sec",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'layofflab.fetch' has no attribute {name!r}")
