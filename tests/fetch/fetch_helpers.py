"""Helpers of the fetch tests: fixture documents and handlers for the local HTTP server."""

from __future__ import annotations

import io
import json
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from werkzeug import Request, Response

from layofflab import config

FIXTURES = config.FIXTURES / "fetch"
RETRIEVED = "2026-12-01T09:30:00Z"
AGENT = "Test Runner test@example.org"


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


def make_project(folder: Path) -> Path:
    """A minimal project: a layofflab pyproject.toml and a copy of the shipped data/raw."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text('[project]\nname = "layofflab"\nversion = "0"\n')
    shutil.copytree(config.DATA_RAW, folder / "data" / "raw")
    return folder


def build_report(run_list: str, *, jobs: int):
    """Build the runs of ``run_list`` (TOML text naming the repository's notebooks), quietly."""
    from layofflab.pipeline.executor import Progress
    from layofflab.pipeline.report import build_reports
    from layofflab.pipeline.runlist import RunList, Settings, parse_run_list

    notebooks = config.PACKAGE_DIR.parents[1] / "notebooks"
    parsed = parse_run_list(run_list, source="runs.toml", notebook_dir=notebooks)
    return build_reports(
        runs=RunList(parsed, Settings()),
        jobs=jobs,
        progress=Progress([], live=False, stream=io.StringIO()),
    )


def fetch_into(
    proj: Path,
    server,
    monkeypatch,
    *,
    universes: tuple[str, ...] = ("warn-public",),
    tracker: str | None = None,
) -> None:
    """``layofflab --project proj fetch`` from the local server: WA and NY, then SEC, then a tracker."""
    from layofflab.pipeline.cli import main

    monkeypatch.setenv("LAYOFFLAB_SEC_BASE_URL", server.url_for("/"))
    monkeypatch.setenv("LAYOFFLAB_WARN_BASE_URL", server.url_for("/register"))
    monkeypatch.delenv(config.DATA_ENV, raising=False)
    common = ["--project", str(proj), "fetch"]
    opts = ["--no-progress", "--rate", "10"]
    assert main([*common, "warn", "--state", "WA", "--state", "NY", *opts]) == 0
    for universe in universes:
        sec = [*common, "sec", "--universe", universe, "--user-agent", AGENT, *opts]
        assert main(sec) == 0
    if tracker is not None:
        assert main([*common, "tracker", server.url_for(tracker), *opts]) == 0
