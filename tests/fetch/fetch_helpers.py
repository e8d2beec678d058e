"""Helpers of the fetch tests: fixture documents and handlers for the local HTTP server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from werkzeug import Request, Response

from layofflab import config

FIXTURES = config.FIXTURES / "fetch"
RETRIEVED = "2026-12-01T09:30:00Z"


def companyfacts(cik: int | str) -> bytes:
    """The fixture company-facts document for ``cik``."""
    doc = json.loads((FIXTURES / "companyfacts.json").read_text())
    doc["cik"] = int(cik)
    return json.dumps(doc, indent=1).encode()


def sequence(*responses: Response | Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A handler answering the n-th request with the n-th response (the last one repeats)."""
    state = {"n": 0}
    lock = threading.Lock()

    def handler(request: Request) -> Response:
        with lock:
            i = min(state["n"], len(responses) - 1)
            state["n"] += 1
        item = responses[i]
        return item if isinstance(item, Response) else item(request)

    return handler


def cut(body: bytes, at: int, **headers: str) -> Response:
    """A 200 response announcing ``len(body)`` bytes and sending only the first ``at``."""
    response = Response(body[:at], status=200, headers=headers)
    response.headers["Content-Length"] = str(len(body))
    return response


def timestamps(
    log: list[float],
) -> Callable[[Callable[[Request], Response]], Callable[[Request], Response]]:
    """Wrap a handler so that each request's arrival time (monotonic) is appended to ``log``."""

    def wrap(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def timed(request: Request) -> Response:
            log.append(time.monotonic())
            return handler(request)

        return timed

    return wrap
