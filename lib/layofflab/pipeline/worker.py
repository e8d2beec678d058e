"""One report run in its own process: ``python -m layofflab.pipeline.worker JOB.json``.

The builder (:mod:`layofflab.pipeline.executor`) starts one worker per run, so runs
execute side by side, a crash or a kill ends one run only, and papermill's working
directory change stays inside the process. The worker

1. replaces the run's page with a notice that it is being rebuilt (an earlier result is
   never shown as current), and empties its figure and table folders;
2. executes the notebook with papermill in the ``layofflab`` kernel, after a hidden
   set-up cell (:mod:`layofflab.pipeline.kernel`), with a timeout per cell and one for
   the whole run (the time left bounds each cell); a dead kernel is reported at once;
3. renders the page (:mod:`layofflab.pipeline.render`), failure banner included;
4. writes the run's record last (:mod:`layofflab.pipeline.cache`).

It exits 0 whenever it wrote a record, whatever the notebook did.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from layofflab.io import temp_path
from layofflab.manifest import sha256_file
from layofflab.pipeline import cache, page
from layofflab.pipeline.kernel import LOG_ENV, SETUP_SOURCE, SETUP_TAG

__all__ = ["SETUP_TIMEOUT_S", "describe_inputs", "kernel_config", "main", "run_job"]

#: Seconds the hidden set-up cell may take (imports on a busy machine), whatever the cell limit.
SETUP_TIMEOUT_S = 300.0


def kernel_config() -> Any:
    """Kernel-manager configuration for notebook runs: IPC transport, not TCP.

    Kernels talk over Unix sockets, so no port is opened and Jupyter's "Kernel is running over
    TCP without encryption" warning is never printed.
    """
    import secrets
    import tempfile

    from traitlets.config import Config

    # The sockets are files named <ip>-<n>: a prefix unique to this call, so kernels started
    # side by side (parallel runs) never pick each other's sockets.
    prefix = Path(tempfile.gettempdir()) / f"layofflab-kernel-{os.getpid()}-{secrets.token_hex(4)}"
    return Config({"KernelManager": {"transport": "ipc", "ip": str(prefix)}})


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return page.sanitize_text(lines[0]) if lines else ""


def describe_inputs(loads: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    r"""Per table read: its files with their SHA-256 and, for a processed table, its raw inputs.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = f.write_text("a\n")
    >>> out = describe_inputs([{"table": "t", "paths": [str(f)], "processed_dir": None}])
    >>> out[0]["table"], len(out[0]["files"][0]["sha256"]), out[0]["raw"]
    ('t', 64, {})
    """
    out: dict[str, dict[str, Any]] = {}
    for load in loads:
        files: list[dict[str, str]] = []
        raw: dict[str, Any] = {}
        if load["paths"]:
            for p in map(Path, load["paths"]):
                targets = sorted(p.rglob("*.parquet")) if p.is_dir() else [p]
                files += [
                    {"path": str(f), "sha256": sha256_file(f)} for f in targets if f.is_file()
                ]
        else:
            processed = Path(load["processed_dir"])
            table = processed / f"{load['table']}.parquet"
            if table.is_file():
                files.append({"path": str(table), "sha256": sha256_file(table)})
            stamp = processed / f"{load['table']}.build.json"
            if stamp.is_file():
                built = json.loads(stamp.read_text(encoding="utf-8"))
                raw = built.get("inputs") or built.get("depends") or {}
        ident = json.dumps([load["table"], sorted(f["path"] for f in files)])
        out[ident] = {"table": load["table"], "files": files, "raw": raw}
    return [out[k] for k in sorted(out)]


def _execute(job: Mapping[str, Any], executed: Path, kernel_log: Path) -> dict[str, Any] | None:
    """Run the notebook; None on success, else ``{"error": first line}``."""
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from layofflab import config

    notebook = Path(job["notebook"])
    nb = nbformat.read(notebook, as_version=4)
    setup = nbformat.v4.new_code_cell(SETUP_SOURCE, metadata={"tags": [SETUP_TAG]})
    nb.cells.insert(0, setup)
    os.environ[LOG_ENV] = str(kernel_log)
    os.environ.pop("MPLBACKEND", None)  # a non-inline backend in the kernel would hide figures
    cell_limit, run_limit = float(job["cell_timeout"]), float(job["run_timeout"])
    current: dict[str, Any] = {}

    def timeout_func(cell: Any) -> float:
        if SETUP_TAG in cell.get("metadata", {}).get("tags", []):
            return max(cell_limit, SETUP_TIMEOUT_S)  # our set-up is not the notebook's time
        # The run's clock starts with the notebook's first cell.
        deadline = current.setdefault("deadline", time.monotonic() + run_limit)
        left = deadline - time.monotonic()
        current["run_limited"] = left < cell_limit
        return max(1.0, min(cell_limit, left))

    try:
        papermill.execute_notebook(
            nb,
            str(executed),
            parameters=dict(job["parameters"]),
            kernel_name=config.KERNEL_NAME,
            cwd=str(notebook.parent),
            progress_bar=False,
            log_output=False,
            start_timeout=120,
            config=kernel_config(),
            timeout_func=timeout_func,
        )
    except PapermillExecutionError as exc:
        return {"error": f"{exc.ename}: {_first_line(exc.evalue)}".rstrip(": ")}
    except CellTimeoutError:
        if current.get("run_limited"):
            message = f"the run took longer than its {run_limit:g} s limit"
        else:
            message = f"the cell took longer than the {cell_limit:g} s cell limit"
        return {"error": f"CellTimeoutError: {message}"}
    except DeadKernelError as exc:
        return {"error": f"DeadKernelError: the kernel died ({_first_line(str(exc))})"}
    except Exception as exc:  # kernel start-up and engine failures end this run only
        return {"error": f"{type(exc).__name__}: {_first_line(str(exc))}"}
    return None


def _failed_cell(nb: Any) -> str | None:
    """Id of the cell with an error output, else of the last cell papermill started."""
    for cell in nb.cells:
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return cell.get("id")
    started = [c for c in nb.cells if c.metadata.get("papermill", {}).get("start_time")]
    return started[-1].get("id") if started else None


def run_job(job: Mapping[str, Any]) -> dict[str, Any]:
    """Execute (or only render, ``mode="render"``) one run and write its record; returns it."""
    import nbformat

    from layofflab.pipeline.render import loads_from_log, render_run, render_stub, user_cells

    report_dir = Path(job["report_dir"])
    name = job["name"]
    executed = report_dir / "executed" / f"{name}.ipynb"
    kernel_log = cache.record_path(report_dir, name).with_suffix(".log.jsonl")
    previous = cache.read_record(report_dir, name) or {}
    base = {
        k: job[k]
        for k in (
            "name",
            "notebook_shown",
            "parameters",
            "origin",
            "title",
            "summary",
            "commit",
            "dirty",
            "version",
        )
    }
    base["notebook"] = base.pop("notebook_shown")
    failure: dict[str, Any] | None = None
    t0 = time.monotonic()
    if job["mode"] == "render":
        record = {**previous, **base}
    else:
        started = _now()
        stub = {**base, "status": "running", "started": started, "finished": started}
        render_stub(stub, report_dir=report_dir, note="This run is being rebuilt.")
        executed.parent.mkdir(parents=True, exist_ok=True)
        kernel_log.parent.mkdir(parents=True, exist_ok=True)
        kernel_log.write_text("", encoding="utf-8")
        executed.unlink(missing_ok=True)
        # papermill writes as it goes: into a temporary name unique to this process, renamed
        # into place when the run ends (a killed worker leaves a temp the next build removes)
        scratch = temp_path(executed, suffix=".tmp.ipynb")
        try:
            failure = _execute(job, scratch, kernel_log)
            if scratch.is_file():
                os.replace(scratch, executed)
        finally:
            scratch.unlink(missing_ok=True)
        loads = loads_from_log(kernel_log)
        parts = {**job["parts"], "inputs": cache.input_state(loads)}
        record = {
            **base,
            "status": "ok" if failure is None else "failed",
            "started": started,
            "finished": _now(),
            "duration_s": round(time.monotonic() - t0, 2),
            "inputs": describe_inputs(loads),
            "loads": loads,
            "parts": parts,
            "key": cache.key(parts),
        }
    record["renderer"] = job["renderer"]
    record["job_id"] = job.get("job_id")
    record["executed_notebook"] = None
    if executed.is_file():
        nb = nbformat.read(executed, as_version=4)
        cell_id = None
        if failure is not None:
            cell_id = _failed_cell(nb)
            numbers = {c.get("id"): n for n, c in user_cells(nb)}
            record["error"] = failure["error"]
            record["failed_cell"] = numbers.get(cell_id)
        elif record.get("status") == "failed":
            cell_id = _failed_cell(nb)
        record["executed_notebook"] = executed.relative_to(report_dir).as_posix()
        try:
            rendered = render_run(
                nb, record, report_dir=report_dir, kernel_log=kernel_log, failed_cell_id=cell_id
            )
            record["figures"], record["tables"] = rendered.figures, rendered.tables
            record["warnings"] = sum(e["kind"] == "warning" for e in rendered.log)
        except Exception as exc:  # a page that cannot be drawn fails this run, visibly
            record.update(status="failed", error=f"rendering failed: {type(exc).__name__}: {exc}")
            render_stub(record, report_dir=report_dir, note="The page could not be rendered.")
    else:
        if failure is not None:
            record["error"] = failure["error"]
        record["status"] = "failed"
        record.setdefault("error", "the executed notebook is missing")
        render_stub(record, report_dir=report_dir, note="The notebook did not start executing.")
    cache.write_record(report_dir, record)
    return record


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m layofflab.pipeline.worker JOB.json``."""
    args = sys.argv[1:] if argv is None else argv
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    record = run_job(job)
    print(f"{record['name']}: {record['status']}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
