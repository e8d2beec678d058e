"""A local HTTP server on 127.0.0.1 standing in for the public hosts, and fetchers with tiny waits.

No fetch test touches the internet: every URL points at :func:`server`. Backoff waits go to
a recorder instead of ``time.sleep`` (tests assert the waits the code asked for).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fetch_helpers import RETRIEVED
from pytest_httpserver import HTTPServer

from layofflab.fetch.http import Fetcher, RateLimiter, Settings


@pytest.fixture(scope="session")
def _server():
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture
def server(_server: HTTPServer):
    """The shared server, with no handlers and an empty log at the start of each test."""
    _server.clear()
    yield _server
    _server.clear()


@pytest.fixture
def waits() -> list[float]:
    """Seconds the code under test asked to wait between tries."""
    return []


@pytest.fixture
def make_fetcher(tmp_path: Path, waits: list[float]):
    """``make_fetcher(**settings)`` → a Fetcher into ``tmp_path / 'external'`` with tiny waits."""
    made: list[Fetcher] = []

    def make(root: Path | None = None, limiter: RateLimiter | None = None, **options) -> Fetcher:
        base = {
            "user_agent": "Test Runner test@example.org",
            "timeout": 2.0,
            "attempts": 4,
            "backoff": 0.01,
            "max_wait": 30.0,
            "rate": 1000.0,
            "progress": False,
            "sleep": waits.append,
            "now": lambda: RETRIEVED,
        }
        base.update(options)
        fetcher = Fetcher(root or tmp_path / "external", Settings(**base), limiter=limiter)
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()
