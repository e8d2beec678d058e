"""A layoffs tracker export (CSV) from a URL, kept only when it parses as a CSV with rows.

The file lands in ``<root>/tracker/<name>``: ``name`` given, else the URL's last path
segment when it ends in ``.csv``, else ``tracker.csv`` (a spreadsheet's
``.../export?format=csv`` link). :func:`layofflab.sources.tracker.read` reads it.

Examples
--------
>>> tracker_name("https://example.org/exports/layoffs_2026.csv?raw=1")
'layoffs_2026.csv'
>>> tracker_name("https://docs.example.org/spreadsheets/d/abc/export?format=csv")
'tracker.csv'
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from layofflab.errors import InvalidArgumentError
from layofflab.fetch.content import csv_check
from layofflab.fetch.http import Download, Fetcher

__all__ = ["TRACKER_DIR", "fetch_tracker", "tracker_name"]

TRACKER_DIR = "tracker"
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.csv$")


def tracker_name(url: str, name: str | None = None) -> str:
    """The file name a tracker export is stored under (see the module docstring)."""
    if name is not None:
        if not _SAFE.match(name):
            raise InvalidArgumentError("name", name, expected="a plain file name ending in .csv")
        return name
    last = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return last if _SAFE.match(last) else "tracker.csv"


def fetch_tracker(url: str, *, fetcher: Fetcher, name: str | None = None) -> Download:
    """Download a tracker export; the previous file stays if the new one is not a CSV with rows."""
    return fetcher.fetch(
        url,
        f"{TRACKER_DIR}/{tracker_name(url, name)}",
        check=csv_check(min_columns=2, min_rows=1),
        expect="csv",
    )
