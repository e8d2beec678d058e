r"""Planning a build: each run's key parts, job spec, and whether to reuse, re-render or execute it.

Examples
--------
>>> nb = {"cells": [{"cell_type": "markdown", "source": "# Title\n\nWhat it shows.\n\nMore."}]}
>>> notebook_title(nb)
('Title', 'What it shows.')
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layofflab import __version__, config
from layofflab.errors import LayofflabError
from layofflab.pipeline import cache, runlist

__all__ = [
    "Context",
    "check_parameters",
    "context",
    "decide",
    "git_commit",
    "job_spec",
    "notebook_title",
    "parts",
    "refuse",
    "shown",
]


def notebook_title(nb: Mapping[str, Any]) -> tuple[str, str]:
    """Title (first ``#`` heading) and summary (first paragraph after it) of a notebook."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        paragraphs = [p.strip() for p in source.split("\n\n") if p.strip()]
        if paragraphs and paragraphs[0].startswith("#"):
            summary = paragraphs[1].replace("\n", " ") if len(paragraphs) > 1 else ""
            return paragraphs[0].lstrip("#").strip(), summary
    return "Untitled", ""


def git_commit(root: Path | None = None) -> tuple[str, bool]:
    """``(short commit, has uncommitted changes)`` of the checkout at ``root`` (the project)."""
    root = root if root is not None else config.PROJECT_ROOT
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout", False
    return head, bool(status.strip())


@dataclass(frozen=True)
class Context:
    """What every run of one build shares.

    The report folder, digests of the library, the environment and the renderer, and the git
    commit (dirty or not).
    """

    report_dir: Path
    library: str
    environment: str
    renderer: str
    commit: str
    dirty: bool


def context(report_dir: Path) -> Context:
    """The :class:`Context` of a build into ``report_dir`` (digests computed once)."""
    commit, dirty = git_commit()
    return Context(
        report_dir,
        cache.library_digest(),
        cache.environment_digest(),
        cache.renderer_digest(),
        commit,
        dirty,
    )


def parts(run: runlist.Run, ctx: Context, record: Mapping[str, Any] | None) -> dict[str, Any]:
    """The key of ``run``: what decides whether an earlier build of it can be reused.

    Notebook, parameters, library, environment, kernel and, when an earlier ``record``
    exists, the state of the inputs it read.
    """
    parts = {
        "notebook": cache.notebook_digest(run.notebook),
        "parameters": json.loads(json.dumps(run.parameters, sort_keys=True, default=str)),
        "library": ctx.library,
        "environment": ctx.environment,
        "kernel": config.KERNEL_NAME,
    }
    if config.data_choice() != "default":  # LAYOFFLAB_DATA=external: never reuse a default run
        parts["data"] = config.data_choice()
    if record is not None:
        parts["inputs"] = cache.input_state(record.get("loads", []))
    return parts


def shown(path: Path) -> str:
    """``path`` relative to the project (POSIX), else its name: no absolute path in a report.

    Examples
    --------
    >>> shown(Path("/elsewhere/nb.ipynb"))
    'nb.ipynb'
    """
    try:
        return path.resolve().relative_to(config.PROJECT_ROOT).as_posix()
    except ValueError:
        return path.name


def job_spec(run: runlist.Run, ctx: Context, mode: str) -> dict[str, Any]:
    """What a worker needs to build ``run`` (``mode`` "execute" or "render"), as JSON-able data."""
    nb = json.loads(run.notebook.read_text(encoding="utf-8"))
    title, summary = notebook_title(nb)
    if run.parameters:
        title += " — " + ", ".join(f"{k} = {v}" for k, v in sorted(run.parameters.items()))
    return {
        "name": run.name,
        "notebook": str(run.notebook.resolve()),
        "notebook_shown": shown(run.notebook),
        "parameters": run.parameters,
        "cell_timeout": run.cell_timeout,
        "run_timeout": run.run_timeout,
        "report_dir": str(ctx.report_dir.resolve()),
        "mode": mode,
        "origin": run.origin,
        "parts": parts(run, ctx, None),
        "renderer": ctx.renderer,
        "commit": ctx.commit,
        "dirty": ctx.dirty,
        "version": __version__,
        "title": title,
        "summary": summary,
    }


def decide(run: runlist.Run, ctx: Context, force: bool) -> tuple[str, str]:
    """``(mode, reason)``: mode is execute, render or reuse."""
    record = cache.read_record(ctx.report_dir, run.name)
    if force:
        return "execute", "--force"
    if record is None:
        return "execute", "never built"
    if record.get("status") != "ok":
        return "execute", "failed last time"
    old = record.get("parts", {})
    differs = cache.changed(old, parts(run, ctx, record))
    if differs:
        return "execute", "changed: " + ", ".join(differs)
    executed = ctx.report_dir / str(record.get("executed_notebook") or "")
    if not executed.is_file():
        return "execute", "executed notebook missing"
    page = ctx.report_dir / f"{run.name}.html"
    if record.get("renderer") != ctx.renderer or not page.is_file():
        return "render", "report builder changed" if page.is_file() else "page missing"
    return "reuse", "unchanged"


def check_parameters(run: runlist.Run) -> str | None:
    """The one-line error of a run whose parameters its notebook refuses, else None."""
    from layofflab.pipeline import params

    try:
        params.resolve(params.notebook_spec(run.notebook), run.parameters)
    except LayofflabError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def refuse(run: runlist.Run, ctx: Context, error: str) -> dict[str, Any]:
    """Record and page of a run refused before any kernel started (bad parameters)."""
    from layofflab.pipeline.render import render_stub

    spec = job_spec(run, ctx, "execute")
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    record = {
        k: spec[k]
        for k in ("name", "parameters", "origin", "title", "summary", "commit", "dirty", "version")
    }
    record.update(
        notebook=spec["notebook_shown"],
        status="failed",
        error=error,
        started=now,
        finished=now,
        duration_s=0.0,
        key=None,
    )
    for kind in ("figures", "tables"):
        shutil.rmtree(ctx.report_dir / kind / run.name, ignore_errors=True)
    (ctx.report_dir / "executed" / f"{run.name}.ipynb").unlink(missing_ok=True)
    render_stub(record, report_dir=ctx.report_dir, note="No kernel was started.")
    cache.write_record(ctx.report_dir, record)
    return record
