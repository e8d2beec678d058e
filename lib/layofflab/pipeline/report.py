r"""Stage ``report``: build every run of the run list into ``reports/`` (what ``make report`` does).

:func:`build_reports` builds the data stage first, then decides per run of the run list
(:mod:`.runlist`) whether to reuse it (its key is unchanged, :mod:`.cache`), re-render
it (only the report builder changed) or execute it, checks the parameters of every run
it will execute against the notebook's options dataclass (:mod:`.params`) before any
kernel starts, runs the jobs side by side (:mod:`.executor`), removes the outputs of
runs that left the run list, and writes ``reports/index.html`` (:mod:`.index`) with every
run — those ``only`` did not select keep their entry, marked out of date when their key
changed. A failing run does not stop the others: its page carries a failure banner and
the index marks it failed.

:func:`run_notebook` is one parameterized run outside the run list (``layofflab run``);
:func:`refresh_checked_outputs` re-executes a notebook and keeps only the outputs nbval
checks.

Examples
--------
>>> nb = {"cells": [{"cell_type": "markdown", "source": "# Title\n\nWhat it shows.\n\nMore."}]}
>>> notebook_title(nb)
('Title', 'What it shows.')
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layofflab import __version__, config
from layofflab.errors import MissingDependencyError
from layofflab.io import remove_stale_temps, write_text_atomic
from layofflab.pipeline import cache, plan, runlist
from layofflab.pipeline.executor import Job, Progress, default_workers, run_jobs
from layofflab.pipeline.index import Entry, render_index
from layofflab.pipeline.plan import notebook_title

__all__ = [
    "CHECK_MARKER",
    "BuildResult",
    "Outcome",
    "build_reports",
    "notebook_title",
    "notebooks",
    "refresh_checked_outputs",
    "run_notebook",
]

CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"


@dataclass(frozen=True)
class Outcome:
    """What a build did with one run: ``status`` ok or failed, ``action``, the error line."""

    name: str
    status: str
    action: str
    error: str = ""
    page: Path | None = None


@dataclass(frozen=True)
class BuildResult:
    """Outcomes of the selected runs, in run-list order, and the index written."""

    outcomes: list[Outcome] = field(default_factory=list)
    index: Path | None = None

    @property
    def failed(self) -> list[Outcome]:
        """The runs that failed."""
        return [o for o in self.outcomes if o.status != "ok"]


#: The [lab] extra's packages a report run needs (the library itself needs none of them).
LAB_PACKAGES = ("papermill", "nbformat", "nbconvert", "nbclient", "nbstripout", "great_tables")


def require_lab(purpose: str = "build the reports") -> None:
    """Raise :class:`MissingDependencyError` (one line) when a [lab] package is missing.

    Examples
    --------
    >>> require_lab()  # the development environment has the [lab] extra
    """
    import importlib

    for name in LAB_PACKAGES:
        try:
            importlib.import_module(name)
        except ImportError:
            raise MissingDependencyError(name, extra="lab", purpose=purpose) from None


def notebooks(folder: Path | None = None) -> list[Path]:
    """Every ``*.ipynb`` in ``folder`` (default: the project's notebooks), sorted by name."""
    folder = folder if folder is not None else config.NOTEBOOKS
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def _prune(report_dir: Path, keep: set[str]) -> None:
    """Remove the outputs of run-list runs that are no longer in the run list."""
    for path in sorted((report_dir / cache.RECORD_DIR).glob("*.json")):
        record = cache.read_record(report_dir, path.stem)
        if record is None or record.get("origin") != "run list" or path.stem in keep:
            continue
        name = path.stem
        for kind in ("figures", "tables"):
            shutil.rmtree(report_dir / kind / name, ignore_errors=True)
        for file in (report_dir / f"{name}.html", report_dir / "executed" / f"{name}.ipynb"):
            file.unlink(missing_ok=True)
        for file in (report_dir / cache.RECORD_DIR).glob(f"{name}.*"):
            file.unlink()


def _execute(
    runs: Sequence[runlist.Run], ctx: plan.Context, *, force: bool, workers: int, progress: Progress
) -> dict[str, tuple[dict[str, Any], str]]:
    """Build ``runs``; ``{name: (record, action)}``."""
    done: dict[str, tuple[dict[str, Any], str]] = {}
    jobs = []
    for run in runs:
        mode, reason = plan.decide(run, ctx, force)
        if mode == "reuse":
            progress.set(run.name, "cached", reason)
            done[run.name] = (
                cache.read_record(ctx.report_dir, run.name) or {},
                "reused (unchanged)",
            )
            continue
        error = plan.check_parameters(run) if mode == "execute" else None
        if error:
            done[run.name] = (plan.refuse(run, ctx, error), "refused before any kernel started")
            progress.set(run.name, "failed", error)
            continue
        jobs.append(Job(run.name, plan.job_spec(run, ctx, mode), reason))
    actions = {j.name: ("executed" if j.spec["mode"] == "execute" else "re-rendered") for j in jobs}
    for name, record in run_jobs(
        jobs, report_dir=ctx.report_dir, workers=workers, progress=progress
    ).items():
        reason = next(j.reason for j in jobs if j.name == name)
        done[name] = (record, f"{actions[name]} ({reason})")
    return done


def _write_index(
    ctx: plan.Context, run_list: runlist.RunList, done: Mapping[str, tuple[dict[str, Any], str]]
) -> Path:
    entries = []
    for run in run_list.runs:
        if run.name in done:
            built_now, action = done[run.name]
            entries.append(Entry(built_now, action))
            continue
        record = cache.read_record(ctx.report_dir, run.name)
        if record is None:
            record = {
                "name": run.name,
                "notebook": plan.shown(run.notebook),
                "status": "failed",
                "error": "never built (not selected)",
                "parameters": run.parameters,
                "title": run.name,
            }
            entries.append(Entry(record, "not selected"))
            continue
        stale = record.get("status") == "ok" and bool(
            cache.changed(record.get("parts", {}), plan.parts(run, ctx, record))
        )
        entries.append(Entry(record, "not selected (--only)", stale=stale))
    listed = set(run_list.names())
    for path in sorted((ctx.report_dir / cache.RECORD_DIR).glob("*.json")):
        other = cache.read_record(ctx.report_dir, path.stem)
        if other and other.get("origin") != "run list" and path.stem not in listed:
            action = done[path.stem][1] if path.stem in done else "kept from an earlier build"
            entries.append(Entry(other, action))
    built = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = render_index(
        entries,
        built=built,
        commit=ctx.commit,
        version=__version__,
        dirty=ctx.dirty,
        data=config.data_choice(),
    )
    return write_text_atomic(text, ctx.report_dir / "index.html")


def build_reports(
    *,
    runs: Path | runlist.RunList | None = None,
    report_dir: Path | None = None,
    only: Sequence[str] = (),
    force: bool = False,
    jobs: int | None = None,
    cell_timeout: float | None = None,
    run_timeout: float | None = None,
    data: bool = True,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the runs of ``runs`` (or those ``only`` names) and the index (see the module docstring).

    Parameters
    ----------
    only : sequence of str
        Run names, or notebook stems standing for all their runs; the others keep their
        entry in the index.
    jobs : int, optional
        Runs executed at a time (default: the cores this process may use).
    cell_timeout, run_timeout : float, optional
        Override the run list's timeouts (seconds).
    data : bool
        Build the data stage (``layofflab data``) first; with ``LAYOFFLAB_DATA=external``
        (``make report DATA=external``) also the ``warn-public`` universe panel from
        ``data/external`` (:func:`layofflab.tables.universe.build_universe`) and every
        table fetched files exist for (:func:`layofflab.tables.external.build_fetched`).

    With ``LAYOFFLAB_DATA=external`` the report goes to ``reports/external/`` (unless
    ``report_dir`` is given), so the two builds never overwrite each other, the capex
    study's runs use the fetched universe (``CapexOptions.universe``), and every run reads
    the fetched tables where they exist (:mod:`layofflab.tables.external`).
    """
    require_lab("build the reports")
    external = config.data_choice() == "external"
    if data:
        from layofflab.tables import build
        from layofflab.tables.external import FETCHED, build_fetched, is_fetched
        from layofflab.tables.universe import build_universe

        build()
        if external:
            build_universe()  # builds the fetched WARN table too
            for name in FETCHED:
                if is_fetched(name):
                    build_fetched(name)
    run_list = runs if isinstance(runs, runlist.RunList) else runlist.read_run_list(runs)
    default_dir = config.REPORTS_EXTERNAL if external else config.REPORTS
    report_dir = Path(report_dir) if report_dir is not None else default_dir
    selected = runlist.select(run_list, list(only))
    selected = [_with_timeouts(r, cell_timeout, run_timeout) for r in selected]
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    for folder in (report_dir, *(p for p in report_dir.rglob("*") if p.is_dir())):
        remove_stale_temps(folder)  # what a killed build left
    ctx = plan.context(report_dir)
    progress = progress or Progress([r.name for r in selected])
    done = _execute(
        selected, ctx, force=force, workers=jobs or default_workers(), progress=progress
    )
    _prune(report_dir, set(run_list.names()))
    index = _write_index(ctx, run_list, done)
    outcomes = [
        Outcome(
            r.name,
            done[r.name][0].get("status", "failed"),
            done[r.name][1],
            done[r.name][0].get("error", ""),
            report_dir / f"{r.name}.html",
        )
        for r in selected
    ]
    return BuildResult(outcomes, index)


def _with_timeouts(run: runlist.Run, cell: float | None, whole: float | None) -> runlist.Run:
    from dataclasses import replace

    return replace(
        run,
        cell_timeout=cell if cell is not None else run.cell_timeout,
        run_timeout=whole if whole is not None else run.run_timeout,
    )


def run_notebook(
    notebook: Path,
    parameters: Mapping[str, Any],
    *,
    report_dir: Path | None = None,
    run_list: Path | None = None,
    force: bool = False,
    cell_timeout: float | None = None,
    run_timeout: float | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """One run of ``notebook`` with ``parameters`` (already checked by :func:`.params.resolve`).

    Its name derives from the parameters; the index is rewritten with it listed among the
    one-off runs (a run of the run list with the same name is that run).
    """
    require_lab("run a notebook")
    name = runlist.run_name(notebook.stem, parameters)
    report_dir = Path(report_dir) if report_dir is not None else config.REPORTS
    run_list = Path(run_list) if run_list is not None else runlist.run_list_path()
    listed = runlist.read_run_list(run_list) if Path(run_list).is_file() else None
    origin = "run list" if listed and name in listed.names() else "layofflab run"
    settings = listed.settings if listed else runlist.Settings()
    run = runlist.Run(
        name,
        notebook,
        dict(parameters),
        cell_timeout or settings.cell_timeout,
        run_timeout or settings.run_timeout,
        origin,
    )
    report_dir.mkdir(parents=True, exist_ok=True)
    ctx = plan.context(report_dir)
    progress = progress or Progress([name])
    done = _execute([run], ctx, force=force, workers=1, progress=progress)
    if listed is not None:
        _write_index(ctx, listed, done)
    record, action = done[name]
    return Outcome(
        name,
        record.get("status", "failed"),
        action,
        record.get("error", ""),
        report_dir / f"{name}.html",
    )


def refresh_checked_outputs(notebook: Path) -> Path:
    """Re-execute ``notebook`` in place, keeping only outputs of ``keep_output`` cells.

    Use after editing a notebook whose checked cells' expected output changed;
    then review the diff and commit.
    """
    require_lab("refresh a notebook")
    import os
    import tempfile

    import nbformat
    import papermill
    from nbstripout import strip_output

    from layofflab.pipeline.worker import kernel_config

    notebook = Path(notebook)
    backend = os.environ.pop("MPLBACKEND", None)  # a non-inline backend would hide figures
    try:
        with tempfile.TemporaryDirectory() as tmp:
            executed = papermill.execute_notebook(
                str(notebook),
                str(Path(tmp) / notebook.name),
                kernel_name=config.KERNEL_NAME,
                cwd=str(notebook.parent),
                progress_bar=False,
                log_output=False,
                config=kernel_config(),
            )
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend
    stripped = strip_output(executed, keep_output=False, keep_count=True, keep_id=True)
    stripped.metadata.pop("papermill", None)
    for cell in stripped.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code" and not cell.outputs:
            cell.execution_count = None  # nbval needs counts only on cells whose output it checks
    write_text_atomic(nbformat.writes(stripped) + "\n", notebook)
    return notebook
