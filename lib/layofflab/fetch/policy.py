"""Politeness and patience of ``layofflab fetch``: run options, the shared rate limit, ``Retry-After``.

Examples
--------
>>> Settings(rate=5, attempts=3).attempts
3
>>> RateLimiter(10).interval
0.1
>>> parse_retry_after("3"), parse_retry_after(None)
(3.0, None)
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from layofflab.checks import check_scalar

__all__ = ["RETRY_STATUSES", "RateLimiter", "Settings", "parse_retry_after"]

#: Statuses retried with backoff (429 and transient server errors).
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Settings:
    """Options of a download run.

    Parameters
    ----------
    user_agent : str
        The ``User-Agent`` header (the SEC requires a name and an e-mail address).
    timeout : float
        Seconds allowed to connect, and between two bytes of a response.
    attempts : int
        Tries per file (the first included) before giving up.
    backoff : float
        Wait before the second try; doubled for each further one (capped at ``max_wait``).
    max_wait : float
        Longest single wait; a ``Retry-After`` asking for more fails the download.
    rate : float
        Requests per second, shared by every request of the :class:`Fetcher`.
    progress : bool, optional
        Progress bars on stderr; default: when stderr is a terminal.
    sleep : callable
        Waits between tries (``time.sleep``; tests pass a recorder).
    now : callable
        The retrieval time written to the manifest (UTC, ISO 8601).
    """

    user_agent: str = "layofflab/0.1.0"
    timeout: float = 60.0
    attempts: int = 5
    backoff: float = 1.0
    max_wait: float = 120.0
    rate: float = 10.0
    progress: bool | None = None
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], str] = _utc_now

    def __post_init__(self) -> None:
        for name in ("timeout", "rate", "max_wait"):
            check_scalar(getattr(self, name), name, float, min_val=0, include_boundaries="neither")
        check_scalar(self.attempts, "attempts", int, min_val=1)
        check_scalar(self.backoff, "backoff", float, min_val=0)
        check_scalar(self.user_agent, "user_agent", str)


class RateLimiter:
    """Spaces request starts at least ``1 / rate`` seconds apart, across threads.

    >>> t = [0.0]
    >>> limiter = RateLimiter(4, clock=lambda: t[0], sleep=lambda s: t.__setitem__(0, t[0] + s))
    >>> [limiter.acquire() for _ in range(3)]
    [0.0, 0.25, 0.5]
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        check_scalar(rate, "rate", float, min_val=0, include_boundaries="neither")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = float("-inf")
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait for this request's turn; return its start time on the limiter's clock."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self._sleep(start - now)
        return start


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
