"""Run report jobs side by side, one worker process each, with a live progress display.

:func:`run_jobs` starts up to ``workers`` worker processes (:mod:`.worker`) at a time and
shows every run of the build as queued, running, done, failed or cached with its elapsed
time (a live table from ``rich`` on a terminal, one line per change otherwise). A worker
that outlives its run's timeout plus a grace period is killed with its process group and
its run recorded as failed; a worker that dies without writing a record fails its run
with the last line it printed. Nothing a run does stops another.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layofflab.pipeline import cache

__all__ = ["GRACE_S", "Job", "Progress", "default_workers", "run_jobs", "worker_environment"]

#: Seconds a worker may run past its run's timeout (start-up, rendering) before it is killed.
GRACE_S = 120.0


@dataclass(frozen=True)
class Job:
    """A run to execute (``mode="execute"``) or only re-render (``"render"``), and why."""

    name: str
    spec: Mapping[str, Any]
    reason: str


#: Thread-pool sizes a worker's kernel inherits (numpy's BLAS, polars, numba).
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "POLARS_MAX_THREADS",
    "NUMBA_NUM_THREADS",
)


def worker_environment(workers: int) -> dict[str, str]:
    """The environment of a worker: each run's thread pools get cores ÷ ``workers`` threads.

    With N runs at a time, each gets cores ÷ N threads (unless set already), so side-by-side
    runs do not oversubscribe.

    Examples
    --------
    >>> env = worker_environment(1)
    >>> from layofflab import config
    >>> config.PROJECT_ENV in env
    True
    """
    from layofflab import config

    env = dict(os.environ)
    env.setdefault(config.PROJECT_ENV, str(config.PROJECT_ROOT))  # the project this build is of
    threads = str(max(1, default_workers() // max(1, workers)))
    if workers > 1:
        for name in THREAD_VARIABLES:
            env.setdefault(name, threads)
    return env


def default_workers() -> int:
    """The number of cores this process may use.

    Examples
    --------
    >>> default_workers() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Progress:
    """Thread-safe state of every run of a build, shown live or line by line."""

    def __init__(self, names: Sequence[str], *, stream: Any = None, live: bool | None = None):
        from rich.console import Console

        self.console = Console(file=stream or sys.stdout, highlight=False)
        self.live = self.console.is_terminal if live is None else live
        self.state: dict[str, dict[str, Any]] = {
            n: {"status": "queued", "start": None, "end": None, "note": ""} for n in names
        }
        self._lock = threading.Lock()
        self._done = 0

    def set(self, name: str, status: str, note: str = "") -> None:
        """Move run ``name`` to ``status`` (queued, running, done, failed, cached)."""
        with self._lock:
            entry = self.state.setdefault(
                name, {"status": "queued", "start": None, "end": None, "note": ""}
            )
            now = time.monotonic()
            if status == "running":
                entry["start"] = now
            elif status in ("done", "failed", "cached"):
                entry["end"] = now
                self._done += 1
            entry["status"], entry["note"] = status, note
            if not self.live:
                self.console.print(
                    f"[{self._done}/{len(self.state)}] {status:<7} {name}"
                    f"{'  ' + self.elapsed(entry) if entry['start'] else ''}"
                    f"{'  ' + note if note else ''}",
                    markup=False,
                    soft_wrap=True,
                )

    @staticmethod
    def elapsed(entry: Mapping[str, Any]) -> str:
        """Elapsed seconds of a run, ``""`` when it has not started."""
        if entry["start"] is None:
            return ""
        end = entry["end"] if entry["end"] is not None else time.monotonic()
        return f"{end - entry['start']:.1f} s"

    def table(self) -> Any:
        """The live table: one row per run."""
        from rich.table import Table

        styles = {
            "queued": "dim",
            "running": "cyan",
            "done": "green",
            "failed": "bold red",
            "cached": "blue",
        }
        table = Table(title="layofflab report", expand=False)
        for column in ("run", "status", "time", "note"):
            table.add_column(column, overflow="fold")
        with self._lock:
            for name, entry in self.state.items():
                table.add_row(
                    name,
                    f"[{styles[entry['status']]}]{entry['status']}[/]",
                    self.elapsed(entry),
                    entry["note"],
                )
        return table


def _fail(
    report_dir: Path, spec: Mapping[str, Any], job_id: str, error: str, started: float
) -> dict[str, Any]:
    from layofflab.pipeline.render import render_stub

    record = {
        **(cache.read_record(report_dir, spec["name"]) or {}),
        "name": spec["name"],
        "notebook": spec["notebook_shown"],
        "parameters": spec["parameters"],
        "origin": spec["origin"],
        "title": spec["title"],
        "summary": spec["summary"],
        "commit": spec["commit"],
        "dirty": spec["dirty"],
        "version": spec["version"],
        "status": "failed",
        "error": error,
        "duration_s": round(time.monotonic() - started, 2),
        "job_id": job_id,
        "key": None,
    }
    record.setdefault("finished", record.get("started", ""))
    render_stub(record, report_dir=report_dir, note="The run was stopped before it finished.")
    cache.write_record(report_dir, record)
    return record


def _run_one(job: Job, report_dir: Path, progress: Progress, env: dict[str, str]) -> dict[str, Any]:
    started = time.monotonic()
    try:
        return _run_worker(job, report_dir, progress, env)
    except Exception as exc:  # the builder's own failure ends this run only, visibly
        record = _fail(report_dir, job.spec, "", f"{type(exc).__name__}: {exc}", started)
        progress.set(job.name, "failed", record["error"])
        return record


def _run_worker(
    job: Job, report_dir: Path, progress: Progress, env: dict[str, str]
) -> dict[str, Any]:
    job_id = uuid.uuid4().hex
    spec = {**job.spec, "job_id": job_id}
    runs = report_dir / cache.RECORD_DIR
    runs.mkdir(parents=True, exist_ok=True)
    job_file = runs / f"{job.name}.job.json"
    job_file.write_text(json.dumps(spec, indent=1, default=str), encoding="utf-8")
    log_path = runs / f"{job.name}.worker.log"
    progress.set(job.name, "running", job.reason)
    started = time.monotonic()
    limit = float(spec["run_timeout"]) + GRACE_S
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "layofflab.pipeline.worker", str(job_file)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
        try:
            proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            record = _fail(
                report_dir, spec, job_id, f"the worker was stopped after {limit:g} s", started
            )
            progress.set(job.name, "failed", record["error"])
            return record
    found = cache.read_record(report_dir, job.name)
    if found is None or found.get("job_id") != job_id:
        lines = [ln for ln in log_path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        last = lines[-1].strip() if lines else f"exit status {proc.returncode}"
        record = _fail(report_dir, spec, job_id, f"the worker failed: {last}", started)
    else:
        record = found
    job_file.unlink(missing_ok=True)
    status = "done" if record["status"] == "ok" else "failed"
    progress.set(job.name, status, record.get("error", "") if status == "failed" else job.reason)
    return record


def run_jobs(
    jobs: Sequence[Job], *, report_dir: Path, workers: int, progress: Progress
) -> dict[str, dict[str, Any]]:
    """Run ``jobs`` with at most ``workers`` at a time; the record of each, by run name.

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> run_jobs([], report_dir=pathlib.Path(tempfile.mkdtemp()), workers=2,
    ...          progress=Progress([], stream=io.StringIO()))
    {}
    """
    if not jobs:
        return {}
    from rich.live import Live

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        env = worker_environment(min(workers, len(jobs)))
        futures = {job.name: pool.submit(_run_one, job, report_dir, progress, env) for job in jobs}
        if progress.live:
            with Live(
                get_renderable=progress.table, console=progress.console, refresh_per_second=4
            ):
                results = {name: f.result() for name, f in futures.items()}
        else:
            results = {name: f.result() for name, f in futures.items()}
    return results
