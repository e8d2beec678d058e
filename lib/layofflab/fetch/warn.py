"""WARN notices: the consolidated register's per-state CSVs, and state portals via warn-scraper.

**The register** (github.com/bchaps1999/warn-notice-register, ``data/exports/states/``)
publishes one normalized CSV per state, with SEC CIK and ticker: ``{base}/{state}.csv``
(lower case) lands in ``<root>/warn/register/{state}.csv``, the name
:func:`layofflab.sources.warn.read` reads as the register layout.

**State portals** are scraped by Big Local News' ``warn-scraper`` (optional: ``pip install
'layofflab[scrape]'``), one module per state with the portal's URL written into it. It makes
its own requests (``requests``, its own retries and User-Agent, Chrome for Virginia, a Zyte
API key for Louisiana and Texas), so neither the rate limit, the host switch, the resume
nor the conditional requests of :mod:`layofflab.fetch.http` apply to it, and it cannot be
pointed at a local server: tests run :func:`scrape_states` with a stand-in runner. Its CSV
is checked and moved into ``<root>/warn/scraper/{state}.csv`` atomically, and recorded in
the manifest with the portal's URL.

Examples
--------
>>> register_url("WA", "https://example.org/states")
'https://example.org/states/wa.csv'
>>> register_states()[:4]
('AK', 'AL', 'AZ', 'CA')
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import types
from collections.abc import Callable, Iterable
from pathlib import Path

from layofflab.errors import DownloadError, InputFileError, LookupMissError, MissingDependencyError
from layofflab.fetch import _sources
from layofflab.fetch.content import csv_check
from layofflab.fetch.http import Download, Fetcher
from layofflab.fetch.manifest import Entry
from layofflab.tables.universe import WARN_REGISTER_DIR

__all__ = [
    "REGISTER_COLUMNS",
    "fetch_register",
    "register_states",
    "register_url",
    "scrape_states",
    "scraper_states",
]

REGISTER_DIR = WARN_REGISTER_DIR  # what the universe panel reads (tables.universe)
SCRAPER_DIR = "warn/scraper"
#: Columns a register file must have to be kept (what the WARN tables and the CIK universe read).
REGISTER_COLUMNS: tuple[str, ...] = (
    "state",
    "employer_name",
    "notice_date",
    "employees_affected",
    "cik",
)


def register_states() -> tuple[str, ...]:
    """States with a file in the register (``resources/fetch_sources.toml``)."""
    return tuple(_sources.sources()["warn"]["states"])


def _state(value: str, known: Iterable[str], *, table: str) -> str:
    state = value.strip().upper()
    if state not in set(known):
        raise LookupMissError("fetch warn", "state", value, table=table)
    return state


def register_url(state: str, base: str) -> str:
    """The register CSV of ``state`` under ``base``."""
    return f"{base.rstrip('/')}/{state.strip().lower()}.csv"


def fetch_register(
    states: Iterable[str] | None, *, fetcher: Fetcher, base_url: str
) -> tuple[list[Download], list[DownloadError]]:
    """Download the register's CSV of each state (default: every state it publishes).

    Returns
    -------
    (downloads, failures)
        A failed state does not stop the others.
    """
    known = register_states()
    chosen = known if states is None else [_state(s, known, table=_sources.TABLE) for s in states]
    check = csv_check(required=REGISTER_COLUMNS, min_rows=1)
    done, failures = [], []
    for state in dict.fromkeys(chosen):
        try:
            done.append(
                fetcher.fetch(
                    register_url(state, base_url),
                    f"{REGISTER_DIR}/{state.lower()}.csv",
                    check=check,
                    expect="csv",
                )
            )
        except DownloadError as exc:
            failures.append(exc)
    return done, failures


def _warn_package() -> tuple[types.ModuleType, types.ModuleType]:
    """warn-scraper's ``warn.runner`` and ``warn.utils`` modules."""
    try:
        return importlib.import_module("warn.runner"), importlib.import_module("warn.utils")
    except ImportError:
        raise MissingDependencyError(
            "warn-scraper", extra="scrape", purpose="scrape WARN notices from state portals"
        ) from None


def scraper_states() -> tuple[str, ...]:
    """States warn-scraper has a scraper for (upper case); needs warn-scraper."""
    _, utils = _warn_package()
    return tuple(s.upper() for s in utils.get_all_scrapers())


def _portal_url(state: str) -> str:
    try:
        module = importlib.import_module(f"warn.scrapers.{state.lower()}")
        return str(module.__source__["url"])
    except (ImportError, AttributeError, KeyError, TypeError):
        return f"warn-scraper:{state.lower()}"


def scrape_states(
    states: Iterable[str],
    *,
    fetcher: Fetcher,
    runner: Callable[[str, Path, Path], Path] | None = None,
    url_of: Callable[[str], str] = _portal_url,
) -> tuple[list[Path], list[DownloadError]]:
    """Scrape state portals with warn-scraper; keep each state's CSV only when it parses.

    Parameters
    ----------
    states : iterable of str
        Two-letter codes; each must have a warn-scraper scraper.
    fetcher : Fetcher
        Gives the download folder and its manifest (warn-scraper makes its own requests).
    runner : callable, optional
        ``runner(state, data_dir, cache_dir) -> csv path``; default
        ``warn.runner.Runner(data_dir, cache_dir).scrape(state)``.
    url_of : callable
        The portal URL recorded in the manifest.

    Returns
    -------
    (paths, failures)
        A failed state keeps its previous file and does not stop the others.

    Raises
    ------
    MissingDependencyError
        warn-scraper is not installed (and no ``runner`` was given).
    """
    states = list(states)
    if runner is None:
        runner_module, utils = _warn_package()
        known = [s.upper() for s in utils.get_all_scrapers()]
        chosen = [_state(s, known, table="warn-scraper's scrapers") for s in states]

        def runner(state: str, data_dir: Path, cache_dir: Path) -> Path:
            return Path(runner_module.Runner(data_dir, cache_dir).scrape(state.lower()))
    else:
        chosen = [s.strip().upper() for s in states]
    check = csv_check(min_columns=2, min_rows=1)
    cache = fetcher.root / SCRAPER_DIR / ".cache"
    done: list[Path] = []
    failures: list[DownloadError] = []
    for state in dict.fromkeys(chosen):
        url = url_of(state)
        rel = f"{SCRAPER_DIR}/{state.lower()}.csv"
        dest = fetcher.root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{state.lower()}.", dir=dest.parent))
        try:
            try:
                produced = Path(runner(state, work, cache))
            except Exception as exc:  # a scraper failing on a portal is a failed download
                failures.append(
                    DownloadError(url, f"warn-scraper {state}: {type(exc).__name__}: {exc}")
                )
                continue
            try:
                check(produced)
            except InputFileError as exc:
                failures.append(
                    DownloadError(
                        url, f"warn-scraper {state}: {str(exc).replace(str(produced), dest.name)}"
                    )
                )
                continue
            staged = dest.with_name(f".{dest.name}.tmp")
            shutil.copyfile(produced, staged)
            os.replace(staged, dest)
            fetcher.manifest.record(
                Entry.for_file(fetcher.root, rel, url=url, retrieved=fetcher.settings.now())
            )
            done.append(dest)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return done, failures
